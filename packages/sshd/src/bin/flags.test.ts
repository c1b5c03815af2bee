import { describe, expect, it } from 'vitest';
import { parseSshdArgs } from './flags.ts';

describe('parseSshdArgs', () => {
  it('applies sshd-like defaults: all addresses, port 22, info logging', () => {
    expect(parseSshdArgs(['--authorized-keys-file', '/etc/ak'])).toEqual({
      kind: 'run',
      flags: { listenAddress: '0.0.0.0', port: 22, hostKeyFiles: [], authorizedKeysFile: '/etc/ak', logLevel: 'info' },
    });
  });

  it('takes every flag, --host-key-file repeated, in both --flag value and --flag=value forms', () => {
    const parsed = parseSshdArgs([
      '--listen-address=127.0.0.1',
      '--port',
      '2222',
      '--host-key-file=/k/ed25519',
      '--host-key-file',
      '/k/rsa',
      '--authorized-keys-file=/ak',
      '--user',
      'kube-apiserver',
      '-v',
    ]);
    expect(parsed).toEqual({
      kind: 'run',
      flags: {
        listenAddress: '127.0.0.1',
        port: 2222,
        hostKeyFiles: ['/k/ed25519', '/k/rsa'],
        authorizedKeysFile: '/ak',
        user: 'kube-apiserver',
        logLevel: 'debug',
      },
    });
  });

  it('maps --v=5 to trace logging', () => {
    const parsed = parseSshdArgs(['--authorized-keys-file=/ak', '--v=5']);
    expect(parsed.kind === 'run' && parsed.flags.logLevel).toBe('trace');
  });

  it('rejects an unknown flag in pflag words', () => {
    expect(parseSshdArgs(['--x'])).toEqual({ kind: 'error', message: 'unknown flag: --x' });
    expect(parseSshdArgs(['--authorized-keys-file=/ak', '--ssh-user=root'])).toEqual({ kind: 'error', message: 'unknown flag: --ssh-user' });
  });

  it('rejects a bad port and a missing argument', () => {
    expect(parseSshdArgs(['--port=70000'])).toMatchObject({ kind: 'error', message: expect.stringContaining('invalid argument "70000" for "--port" flag') });
    expect(parseSshdArgs(['--port'])).toEqual({ kind: 'error', message: 'flag needs an argument: --port' });
  });

  it('requires --authorized-keys-file, since a tunnel server without keys admits nobody', () => {
    expect(parseSshdArgs([])).toEqual({ kind: 'error', message: 'flag --authorized-keys-file is required' });
  });

  it('returns help text for --help', () => {
    const parsed = parseSshdArgs(['--help']);
    expect(parsed.kind).toBe('help');
    expect(parsed.kind === 'help' && parsed.text).toContain('--host-key-file <path>');
  });
});
