// @kubernetes/client-node's streaming classes (Log, Exec, Attach, PortForward) through the apiserver to the
// kubelet: WebSocket channel protocols end to end, with the same checks as for kubectl.
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { createPod, waitRunning } from './support/pods.ts';

let cluster: Cluster;
let kc: k8s.KubeConfig;

function collector(): { stream: Writable; text: () => string; bytes: () => Buffer; length: () => number } {
  const chunks: Buffer[] = [];
  let length = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      length += chunk.length;
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString(), bytes: () => Buffer.concat(chunks), length: () => length };
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.adminKubeconfig);
  await createPod(cluster, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] });
  await createPod(cluster, 'echo', { image: 'hubspoke/echo', ports: [{ containerPort: 9000 }] });
  await createPod(cluster, 'talk', { image: 'hubspoke/shell', stdin: true });
  await Promise.all(['chatty', 'echo', 'talk'].map((p) => waitRunning(cluster, p)));
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

describe('@kubernetes/client-node streaming', () => {
  it('follows logs', async () => {
    const out = collector();
    const abort = await new k8s.Log(kc).log('default', 'chatty', 'chatty', out.stream, { follow: true, tailLines: 1 });
    try {
      await waitFor(() => out.text().split('\n').filter(Boolean).length >= 3, { timeoutMs: 10_000, what: 'three followed lines' });
      expect(out.text()).toMatch(/hello from chatty/);
    } finally {
      abort.abort();
    }
  });

  it('execs with stdin and reports a non-zero exit through the status channel', async () => {
    const out = collector();
    const input = new PassThrough();
    const payload = randomBytes(300_000).toString('hex');
    const statuses: k8s.V1Status[] = [];
    await new k8s.Exec(kc).exec('default', 'chatty', 'chatty', ['sh', '-c', 'sha256sum; exit 5'], out.stream, null, input, false, (s) => statuses.push(s));
    input.end(payload);
    await waitFor(() => statuses.length > 0, { timeoutMs: 10_000, what: 'the exec status' });
    expect(out.text().split(/\s+/)[0]).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(statuses[0]).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '5' }] } });
  });

  it('attaches to an interactive container', async () => {
    const out = collector();
    const input = new PassThrough();
    const ws = await new k8s.Attach(kc).attach('default', 'talk', 'talk', out.stream, null, input, false);
    try {
      await waitFor(() => {
        input.write('echo via-client-node\n');
        return out.text().includes('via-client-node');
      }, { timeoutMs: 10_000, intervalMs: 300, what: 'the echoed line' });
    } finally {
      ws.close();
    }
  });

  it('port-forwards 64 MiB with a matching SHA-256', async () => {
    const out = collector();
    const input = new PassThrough();
    const data = randomBytes(64 * 1024 * 1024);
    const result = await new k8s.PortForward(kc).portForward('default', 'echo', [9000], out.stream, null, input);
    const ws = typeof result === 'function' ? result() : result;
    try {
      input.write(data);
      await waitFor(() => out.length() >= data.length, { timeoutMs: 90_000, intervalMs: 100, what: `64 MiB echoed (got ${out.length()})` });
      expect(createHash('sha256').update(out.bytes().subarray(0, data.length)).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    } finally {
      ws?.close();
    }
  }, 120_000);
});
