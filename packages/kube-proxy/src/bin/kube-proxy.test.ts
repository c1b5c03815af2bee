// The built binary end to end: flag errors, help, and a real run against an in-process apiserver
// (its own Service range, 127.98.0.0/16, so it never meets the other test files' VIPs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { startTestCluster } from '../testing/test-cluster.ts';
import type { TestCluster } from '../testing/test-cluster.ts';
import { until } from '../testing/until.ts';

const bin = fileURLToPath(new URL('../../bin/kube-proxy.js', import.meta.url));

function runKubeProxy(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 50_000 }, (err, stdout, stderr) => {
      const code: unknown = err ? (err as unknown as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let cluster: TestCluster;
let dir: string;
beforeAll(async () => {
  cluster = await startTestCluster('127.98.0.0/16');
  dir = await mkdtemp(path.join(os.tmpdir(), 'kube-proxy-bin-'));
});
afterAll(async () => {
  await cluster?.close();
  await rm(dir, { recursive: true, force: true });
});

// Each spawn pays for loading TypeScript; run them side by side.
describe.concurrent('kube-proxy binary', { timeout: 60_000 }, () => {
  it('exits 1 on an unknown flag, in cobra\'s words', async () => {
    const { code, stderr } = await runKubeProxy(['--x']);
    expect(code).toBe(1);
    expect(stderr).toBe('Error: unknown flag: --x\n');
  });

  it('exits 1 on a proxy mode other than userspace, saying hubspoke proxies in user space', async () => {
    const { code, stderr } = await runKubeProxy(['--kubeconfig=/nowhere', '--proxy-mode=iptables']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Error: KubeProxyConfiguration\.Mode: Invalid value: "iptables": hubspoke's kube-proxy proxies in user space only/);
  });

  it('prints help and exits 0', async () => {
    const { code, stdout } = await runKubeProxy(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--healthz-bind-address');
    expect(stdout).toContain('--proxy-mode');
  });

  it('runs from a kubeconfig, turns healthy, serves metrics, and stops on SIGTERM', async () => {
    const kubeconfig = path.join(dir, 'kube-proxy.conf');
    await writeFile(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'lab', cluster: { server: cluster.apiserver.url, 'certificate-authority-data': Buffer.from(cluster.apiserver.servingCert).toString('base64') } }],
        users: [{ name: 'kube-proxy', user: { token: 'proxy-token' } }],
        contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'kube-proxy' } }],
        'current-context': 'lab',
      }),
    );
    const [healthzPort, metricsPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [
      bin,
      `--kubeconfig=${kubeconfig}`,
      '--hostname-override=bin-node',
      `--healthz-bind-address=127.0.0.1:${healthzPort}`,
      `--metrics-bind-address=127.0.0.1:${metricsPort}`,
    ]);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const healthy = await until(
        () => fetch(`http://127.0.0.1:${healthzPort}/healthz`).then((r) => r.status === 200, () => false),
        'the binary to report healthy',
        30_000,
      );
      expect(healthy).toBe(true);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/^kubeproxy_sync_proxy_rules_duration_seconds_count [1-9]/m);
      expect(await (await fetch(`http://127.0.0.1:${metricsPort}/proxyMode`)).text()).toBe('userspace');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
