import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import type { Server, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Endpoint } from './endpoint-slices.ts';
import { relayConnection } from './relay.ts';
import type { RelayOptions, RelayOutcome } from './relay.ts';
import { exchange, startEchoServer } from './testing/echo-server.ts';
import type { EchoServer } from './testing/echo-server.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function track(server: Server): void {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  closers.push(
    () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
}

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  track(server);
  return (server.address() as net.AddressInfo).port;
}

/** A front door that hands every accepted connection to relayConnection with `options`. */
async function front(options: Omit<RelayOptions, 'client'>): Promise<{ port: number; outcomes: RelayOutcome[] }> {
  const outcomes: RelayOutcome[] = [];
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    void relayConnection({ ...options, client }).then((o) => outcomes.push(o));
  });
  return { port: await listen(server), outcomes };
}

async function echo(name: string): Promise<EchoServer> {
  const server = await startEchoServer('127.0.0.1', name);
  closers.push(() => server.close());
  return server;
}

/** A port on 127.0.0.1 where nothing listens. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('relayConnection', () => {
  it('copies bytes both ways, intact, and ends each direction when its sender ends', async () => {
    const a = await echo('a');
    const { port, outcomes } = await front({ choose: () => ({ ip: a.ip, port: a.port }) });
    const payload = randomBytes(4 * 1024 * 1024);
    const { name, echoed } = await exchange('127.0.0.1', port, payload);
    expect(name).toBe('a');
    expect(echoed.equals(payload)).toBe(true);
    const outcome = outcomes[0];
    expect(outcome.kind).toBe('relaying');
    if (outcome.kind !== 'relaying') return;
    expect(await outcome.done).toEqual({ toEndpoint: payload.length, toClient: payload.length + 2 });
  });

  it('tries the next endpoint when a dial is refused', async () => {
    const a = await echo('a');
    const dead: Endpoint = { ip: '127.0.0.1', port: await deadPort() };
    const failures: string[] = [];
    const choices: boolean[] = [];
    const { port } = await front({
      choose: (reselect) => {
        choices.push(reselect);
        return reselect ? { ip: a.ip, port: a.port } : dead;
      },
      onDialError: (endpoint, err) => failures.push(`${endpoint.port} ${(err as NodeJS.ErrnoException).code}`),
    });
    expect((await exchange('127.0.0.1', port, 'hi')).echoed.toString()).toBe('hi');
    expect(choices).toEqual([false, true]);
    expect(failures).toEqual([`${dead.port} ECONNREFUSED`]);
  });

  it('resets the client at once when there is no endpoint', async () => {
    const { port, outcomes } = await front({ choose: () => undefined });
    await expect(exchange('127.0.0.1', port, 'hi')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(outcomes).toEqual([{ kind: 'rejected' }]);
  });

  it('resets the client after every dial attempt failed', async () => {
    const dead: Endpoint = { ip: '127.0.0.1', port: await deadPort() };
    const { port, outcomes } = await front({ choose: () => dead, dialTimeoutsMs: [50, 50, 50] });
    await expect(exchange('127.0.0.1', port, 'hi')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(outcomes).toEqual([{ kind: 'failed', attempts: 3 }]);
  });

  it('does not read ahead of a client that stops reading (backpressure)', async () => {
    let written = 0;
    const firehose = net.createServer((socket) => {
      socket.on('error', () => {});
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (!socket.destroyed) {
          written += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    const firehosePort = await listen(firehose);
    const { port } = await front({ choose: () => ({ ip: '127.0.0.1', port: firehosePort }) });
    const client = net.connect({ host: '127.0.0.1', port });
    client.pause();
    closers.push(async () => void client.destroy());
    // Once the kernel buffers on both hops are full the writer must stall: an unthrottled relay keeps reading.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const plateau = written;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(plateau).toBeGreaterThan(0);
    expect(written - plateau).toBeLessThan(1024 * 1024);
  });
});
