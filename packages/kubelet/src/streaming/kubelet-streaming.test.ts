// The streaming endpoints on a whole kubelet: its HTTPS server (anonymous + AlwaysAllow, the flags
// defaults), its pod manager and container runners, fed by the fake apiserver.
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeApiserver } from '../testing/fake-apiserver.ts';
import type { FakeApiserver } from '../testing/fake-apiserver.ts';
import { startTestKubelet, testPod } from '../testing/test-kubelet.ts';
import type { TestKubelet } from '../testing/test-kubelet.ts';
import { ChannelClient } from './testing.ts';

let apiserver: FakeApiserver;
let running: TestKubelet;

beforeAll(async () => {
  apiserver = await startFakeApiserver();
  running = await startTestKubelet(apiserver);
  await running.kubelet.ready;
  apiserver.createPod(testPod('web', [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo booted; sleep 3600'] }]));
  const deadline = Date.now() + 10_000;
  while (!running.kubelet.pods().some((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running')) {
    if (Date.now() > deadline) throw new Error('pod never ran');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

afterAll(async () => {
  await running?.cleanup();
  await apiserver?.close();
});

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(`${running.kubelet.url}${path}`, { rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('a kubelet serving its pods', () => {
  it('answers containerLogs from the running container', async () => {
    expect(await get('/containerLogs/default/web/app')).toEqual({ status: 200, body: 'booted\n' });
    expect(await get('/containerLogs/default/web/other')).toEqual({ status: 404, body: 'container "other" not found in pod "web"' });
  });

  it('execs in the pod over wss, in its network identity', async () => {
    const url = `${running.kubelet.url.replace('https', 'wss')}/exec/default/web/app?command=hostname&output=1&error=1`;
    const client = await ChannelClient.connect(url, ['v5.channel.k8s.io'], { rejectUnauthorized: false });
    expect((await client.closed).code).toBe(1000);
    expect(client.received(1).toString()).toBe('web\n');
    expect(client.received(3).toString()).toBe('{"metadata":{},"status":"Success"}');
  });
});
