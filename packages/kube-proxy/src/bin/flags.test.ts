import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseKubeProxyArgs } from './flags.ts';

let dir: string;
let configFile: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kube-proxy-flags-'));
  configFile = path.join(dir, 'config.yaml');
  await writeFile(
    configFile,
    [
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
      'kind: KubeProxyConfiguration',
      'clientConnection:',
      '  kubeconfig: /from/file.conf',
      'mode: userspace',
      'hostnameOverride: file-node',
      'healthzBindAddress: 127.0.0.1:20256',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const host = () => 'Build-Host';

async function run(argv: string[]) {
  const parsed = await parseKubeProxyArgs(argv, host);
  if (parsed.kind !== 'run') throw new Error(`expected run, got ${JSON.stringify(parsed)}`);
  return parsed;
}

describe('parseKubeProxyArgs', () => {
  it('has Kubernetes\' defaults and takes the node name from the host', async () => {
    const { config, nodeName, warnings } = await run(['--kubeconfig=/k.conf']);
    expect(config).toEqual({
      kubeconfig: '/k.conf',
      hostnameOverride: '',
      bindAddress: '0.0.0.0',
      mode: '',
      healthzBindAddress: '0.0.0.0:10256',
      metricsBindAddress: '127.0.0.1:10249',
      logLevel: 'info',
    });
    expect(nodeName).toBe('build-host');
    expect(warnings).toEqual([]);
  });

  it('maps every flag onto the configuration', async () => {
    const { config, nodeName } = await run([
      '--kubeconfig',
      '/k.conf',
      '--hostname-override=Node-1',
      '--bind-address=127.0.0.5',
      '--proxy-mode=userspace',
      '--healthz-bind-address=127.0.0.1:0',
      '--metrics-bind-address=',
      '-v=4',
    ]);
    expect(config).toEqual({
      kubeconfig: '/k.conf',
      hostnameOverride: 'node-1',
      bindAddress: '127.0.0.5',
      mode: 'userspace',
      healthzBindAddress: '127.0.0.1:0',
      metricsBindAddress: '',
      logLevel: 'debug',
    });
    expect(nodeName).toBe('node-1');
    expect((await run(['--kubeconfig=/k', '-v', '5'])).config.logLevel).toBe('trace');
    expect((await run(['--kubeconfig=/k', '--v=2'])).config.logLevel).toBe('info');
  });

  it('refuses every proxy mode but userspace, saying why', async () => {
    for (const mode of ['iptables', 'ipvs', 'nftables']) {
      const parsed = await parseKubeProxyArgs(['--kubeconfig=/k', `--proxy-mode=${mode}`], host);
      expect(parsed.kind).toBe('error');
      const message = parsed.kind === 'error' ? parsed.message : '';
      expect(message).toContain(`KubeProxyConfiguration.Mode: Invalid value: "${mode}"`);
      expect(message).toContain("hubspoke's kube-proxy proxies in user space only");
    }
  });

  it('reports invalid addresses and a missing kubeconfig', async () => {
    expect(await parseKubeProxyArgs(['--kubeconfig=/k', '--healthz-bind-address=localhost:1'], host)).toEqual({
      kind: 'error',
      message: 'KubeProxyConfiguration.HealthzBindAddress: Invalid value: "localhost:1": must be IP:port',
    });
    expect(await parseKubeProxyArgs(['--kubeconfig=/k', '--bind-address=nope'], host)).toMatchObject({ kind: 'error', message: expect.stringContaining('KubeProxyConfiguration.BindAddress') });
    expect(await parseKubeProxyArgs([], host)).toMatchObject({ kind: 'error', message: expect.stringMatching(/^no kubeconfig: pass --kubeconfig/) });
    expect(await parseKubeProxyArgs(['--kubeconfig=/k', '--hostname-override= '], host)).toEqual({ kind: 'error', message: 'empty hostname-override is invalid' });
  });

  it('lets --config replace the flags, except --hostname-override and -v, and says which flags it ignored', async () => {
    const { config, nodeName, warnings } = await run([`--config=${configFile}`, '--kubeconfig=/from/flag.conf', '--proxy-mode=iptables', '--hostname-override=flag-node', '--v=3']);
    expect(config).toEqual({
      kubeconfig: '/from/file.conf',
      hostnameOverride: 'flag-node',
      bindAddress: '0.0.0.0',
      mode: 'userspace',
      healthzBindAddress: '127.0.0.1:20256',
      metricsBindAddress: '127.0.0.1:10249',
      logLevel: 'debug',
    });
    expect(nodeName).toBe('flag-node');
    expect(warnings).toEqual(['ignored because --config is given (as in kube-proxy; set them in the file): --kubeconfig, --proxy-mode']);
    expect((await run([`--config=${configFile}`])).nodeName).toBe('file-node');
  });

  it('reports a config file that cannot be read', async () => {
    expect(await parseKubeProxyArgs([`--config=${path.join(dir, 'missing.yaml')}`], host)).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^failed to read config file ".*missing\.yaml": ENOENT/),
    });
  });

  it('fails on unknown flags, missing values, bad verbosity and arguments like pflag and cobra', async () => {
    expect(await parseKubeProxyArgs(['--x'], host)).toEqual({ kind: 'error', message: 'unknown flag: --x' });
    expect(await parseKubeProxyArgs(['--masquerade-all=true'], host)).toEqual({ kind: 'error', message: 'unknown flag: --masquerade-all' });
    expect(await parseKubeProxyArgs(['--kubeconfig'], host)).toEqual({ kind: 'error', message: 'flag needs an argument: --kubeconfig' });
    expect(await parseKubeProxyArgs(['--v=loud'], host)).toEqual({
      kind: 'error',
      message: 'invalid argument "loud" for "--v" flag: strconv.ParseInt: parsing "loud": invalid syntax',
    });
    expect(await parseKubeProxyArgs(['proxy'], host)).toEqual({ kind: 'error', message: 'unknown command "proxy" for "kube-proxy"' });
  });

  it('lists every flag in --help', async () => {
    const parsed = await parseKubeProxyArgs(['--help'], host);
    expect(parsed.kind).toBe('help');
    const text = parsed.kind === 'help' ? parsed.text : '';
    for (const flag of ['--config', '--kubeconfig', '--hostname-override', '--bind-address', '--proxy-mode', '--healthz-bind-address', '--metrics-bind-address', '-v, --v', '-h, --help']) {
      expect(text).toContain(flag);
    }
  });
});
