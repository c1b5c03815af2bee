import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveKubeletConfig } from '../config.ts';
import { parseKubeletArgs } from './flags.ts';

let dir: string;
let configFile: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-flags-'));
  configFile = path.join(dir, 'config.yaml');
  await writeFile(
    configFile,
    [
      'apiVersion: kubelet.config.k8s.io/v1beta1',
      'kind: KubeletConfiguration',
      'port: 10350',
      'podCIDR: 127.244.9.0/24',
      'authentication:',
      '  x509:',
      '    clientCAFile: ca.crt',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[]) {
  const parsed = await parseKubeletArgs(argv);
  if (parsed.kind !== 'run') throw new Error(`expected run, got ${JSON.stringify(parsed)}`);
  return parsed;
}

describe('parseKubeletArgs', () => {
  it('maps Kubernetes flag names onto the config', async () => {
    const { input } = await run([
      '--kubeconfig=/etc/kubernetes/kubelet.conf',
      '--hostname-override',
      'worker-1',
      '--node-ip=10.0.0.7',
      '--address=127.0.0.1',
      '--port=0',
      '--read-only-port=0',
      '--tls-cert-file=/c.crt',
      '--tls-private-key-file=/c.key',
      '--client-ca-file=/ca.crt',
      '--authorization-mode=Webhook',
      '--authentication-token-webhook',
      '--pod-cidr=127.244.1.0/24',
      '--root-dir=/tmp/kubelet',
      '--cert-dir=/tmp/kubelet/pki',
      '--node-labels=role=worker,zone=a',
      '--node-status-update-frequency=5s',
      '--v=4',
    ]);
    expect(input).toEqual({
      defaults: 'flags',
      kubeconfig: '/etc/kubernetes/kubelet.conf',
      nodeName: 'worker-1',
      nodeIP: '10.0.0.7',
      address: '127.0.0.1',
      port: 0,
      readOnlyPort: 0,
      tlsCertFile: '/c.crt',
      tlsPrivateKeyFile: '/c.key',
      clientCAFile: '/ca.crt',
      authorizationMode: 'Webhook',
      authenticationTokenWebhook: true,
      podCIDR: '127.244.1.0/24',
      rootDir: '/tmp/kubelet',
      certDir: '/tmp/kubelet/pki',
      labels: { role: 'worker', zone: 'a' },
      nodeStatusUpdateFrequencyMs: 5000,
      logLevel: 'debug',
    });
  });

  it('accepts booleans as --flag and --flag=true|false, as pflag does', async () => {
    expect((await run(['--anonymous-auth'])).input.anonymousAuth).toBe(true);
    expect((await run(['--anonymous-auth=false'])).input.anonymousAuth).toBe(false);
    expect((await run(['--rotate-certificates=true'])).input.rotateCertificates).toBe(true);
    expect((await run(['--rotate-server-certificates'])).input.serverTLSBootstrap).toBe(true);
    expect(await parseKubeletArgs(['--anonymous-auth=maybe'])).toEqual({
      kind: 'error',
      message: 'failed to parse kubelet flag: invalid argument "maybe" for "--anonymous-auth" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    });
  });

  it('rejects unknown flags, missing values and positional arguments', async () => {
    expect(await parseKubeletArgs(['--foo'])).toEqual({ kind: 'error', message: 'failed to parse kubelet flag: unknown flag: --foo' });
    expect(await parseKubeletArgs(['--foo=bar'])).toEqual({ kind: 'error', message: 'failed to parse kubelet flag: unknown flag: --foo' });
    expect(await parseKubeletArgs(['--port'])).toEqual({ kind: 'error', message: 'failed to parse kubelet flag: flag needs an argument: --port' });
    expect(await parseKubeletArgs(['run'])).toEqual({ kind: 'error', message: 'unknown command run' });
  });

  it('reads --feature-gates as key=value pairs, repeatable, with pflag’s errors', async () => {
    const parsed = await parseKubeletArgs(['--feature-gates', 'KubeletWebsocketUpgradeCreatePermission=true', '--feature-gates=Other=false']);
    expect(parsed).toMatchObject({ kind: 'run', input: { featureGates: { KubeletWebsocketUpgradeCreatePermission: true, Other: false } } });
    expect(await parseKubeletArgs(['--feature-gates', 'KubeletWebsocketUpgradeCreatePermission'])).toEqual({
      kind: 'error',
      message: 'failed to parse kubelet flag: invalid argument "KubeletWebsocketUpgradeCreatePermission" for "--feature-gates" flag: missing bool value for KubeletWebsocketUpgradeCreatePermission',
    });
    const help = await parseKubeletArgs(['--help']);
    expect(help.kind === 'help' ? help.text.replace(/\s+/g, ' ') : '').toContain('KubeletWebsocketUpgradeCreatePermission=true|false (hubspoke, modelled on the unmerged kubernetes/kubernetes#136550; default=false)');
  });

  it('lists every flag in --help', async () => {
    const parsed = await parseKubeletArgs(['--help']);
    expect(parsed.kind).toBe('help');
    const text = parsed.kind === 'help' ? parsed.text : '';
    for (const flag of [
      '--kubeconfig', '--config', '--hostname-override', '--node-ip', '--address', '--port', '--read-only-port',
      '--tls-cert-file', '--tls-private-key-file', '--client-ca-file', '--anonymous-auth', '--authorization-mode',
      '--authentication-token-webhook', '--pod-cidr', '--root-dir', '--cert-dir', '--bootstrap-kubeconfig',
      '--rotate-certificates', '--rotate-server-certificates', '--node-labels', '--feature-gates', '--v',
    ]) {
      expect(text).toContain(flag);
    }
  });
});

describe('defaults: flags alone versus --config', () => {
  it('flags alone keep the legacy insecure defaults', async () => {
    const { input } = await run(['--hostname-override=n1', '--node-ip=10.0.0.1']);
    expect(resolveKubeletConfig(input)).toMatchObject({
      anonymousAuth: true,
      authorizationMode: 'AlwaysAllow',
      authenticationTokenWebhook: false,
      readOnlyPort: 10255,
    });
  });

  it('a config file switches to the secure defaults, and flags override the file', async () => {
    const { input } = await run(['--config', configFile, '--kubeconfig=/k.conf', '--hostname-override=n1', '--node-ip=10.0.0.1', '--port=10400']);
    const config = resolveKubeletConfig(input);
    expect(config).toMatchObject({
      defaults: 'kubelet-configuration',
      anonymousAuth: false,
      authenticationTokenWebhook: true,
      authorizationMode: 'Webhook',
      readOnlyPort: 0,
      port: 10400,
      podCIDR: '127.244.9.0/24',
      clientCAFile: path.join(dir, 'ca.crt'),
    });
  });

  it('reports an unreadable config file', async () => {
    const parsed = await parseKubeletArgs(['--config', path.join(dir, 'nope.yaml')]);
    expect(parsed).toMatchObject({ kind: 'error', message: expect.stringMatching(/^failed to load kubelet config file, path: /) });
  });
});
