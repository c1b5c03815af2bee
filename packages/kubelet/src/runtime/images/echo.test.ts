import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeFixture, testPod, waitForLog } from '../testing.ts';
import type { ContainerHandle } from '../types.ts';

const pod = testPod(25, 'echo-0');

function exchange(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: pod.ip, port }, () => socket.end(data));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

async function ports(handle: ContainerHandle): Promise<{ echo: number; sink: number }> {
  await waitForLog(handle, /listening on/);
  const byName = Object.fromEntries(handle.listeners().map((l) => [l.name, l.port]));
  return { echo: byName.echo, sink: byName.sink };
}

describe('hubspoke/echo', () => {
  let fixture: Awaited<ReturnType<typeof runtimeFixture>>;
  beforeEach(async () => (fixture = await runtimeFixture(pod)));
  afterEach(() => fixture.cleanup());

  it('echoes every byte back', async () => {
    const { echo } = await ports(await fixture.start({ image: 'hubspoke/echo', env: { PORT: '0' } }));
    const data = randomBytes(2 * 1024 * 1024);
    expect((await exchange(echo, data)).equals(data)).toBe(true);
  });

  it('answers the SHA-256 of everything received once the client half-closes', async () => {
    const handle = await fixture.start({ image: 'hubspoke/echo', env: { PORT: '0' } });
    const { sink } = await ports(handle);
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const digest = createHash('sha256').update(data).digest('hex');
    expect((await exchange(sink, data)).toString()).toBe(`${digest}\n`);
    await waitForLog(handle, new RegExp(`sink: ${data.length} bytes from .* sha256 ${digest}`));
  });

  it('puts the sink on port+1 of a fixed port', async () => {
    const probe = await fixture.start({ image: 'hubspoke/echo', env: { PORT: '0' } });
    const { echo: free } = await ports(probe);
    await probe.stop(1000);
    const handle = await fixture.start({ image: 'hubspoke/echo', ports: [{ containerPort: free }] });
    const result = await ports(handle).catch(() => undefined);
    // The port right above a free one may be taken by someone else; then the image reports it and exits 1.
    if (result) expect(result).toEqual({ echo: free, sink: free + 1 });
    else expect((await handle.exited).exitCode).toBe(1);
  });
});
