import { describe, expect, it } from 'vitest';
import { parseApiserverArgs } from './apiserver-args.ts';

const files: Record<string, string> = { '/certs/ca.crt': 'CA PEM', '/certs/egress.yaml': 'kind: EgressSelectorConfiguration' };
const readFile = (path: string): string => {
  if (!(path in files)) throw new Error(`open ${path}: no such file or directory`);
  return files[path];
};

describe('parseApiserverArgs', () => {
  it('fills defaults and keeps what the command line set apart', () => {
    const r = parseApiserverArgs(['--anonymous-auth=false', '--kubelet-certificate-authority=/certs/ca.crt', '--authorization-mode=Node,RBAC'], { readFile });
    if (r.kind !== 'run') throw new Error(JSON.stringify(r));
    expect(r.options).toMatchObject({ securePort: 6443, bindAddress: '0.0.0.0', anonymousAuth: false, kubeletCertificateAuthority: 'CA PEM' });
    expect(r.given).toEqual({ anonymousAuth: false, kubeletCertificateAuthority: 'CA PEM', authorizationModes: ['Node', 'RBAC'] });
    expect(r.warnings).toEqual([]);
  });

  it('reads the egress configuration and warns about the deprecated SSH flags', () => {
    const r = parseApiserverArgs(['--egress-selector-config-file', '/certs/egress.yaml', '--ssh-user=root', '--ssh-port=2222'], { readFile });
    if (r.kind !== 'run') throw new Error(JSON.stringify(r));
    expect(r.given).toEqual({ egressSelectorConfig: 'kind: EgressSelectorConfiguration', sshUser: 'root', sshPort: 2222 });
    expect(r.warnings).toEqual(['Flag --ssh-user has been deprecated, This flag will be removed in a future version.']);
  });

  it("refuses unknown flags and bad values in pflag's words", () => {
    expect(parseApiserverArgs(['--kubelet-https=false'])).toEqual({ kind: 'error', message: 'unknown flag: --kubelet-https' });
    expect(parseApiserverArgs(['--secure-port=https'])).toMatchObject({ kind: 'error', message: expect.stringContaining('strconv.ParseInt: parsing "https": invalid syntax') });
  });

  it('names a file that cannot be read', () => {
    expect(parseApiserverArgs(['--client-ca-file=/nope'], { readFile })).toEqual({ kind: 'error', message: 'open /nope: no such file or directory' });
  });

  it('returns the help text', () => {
    const r = parseApiserverArgs(['--help']);
    expect(r.kind).toBe('help');
    expect(r.kind === 'help' && r.text).toContain('--kubelet-certificate-authority <file>');
  });
});
