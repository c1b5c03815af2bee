import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { pino } from 'pino';
import { RoundRobinBalancer } from './load-balancer.ts';
import { ProxyMetrics } from './metrics.ts';
import { openServiceListener } from './service-listener.ts';
import type { ServiceListener } from './service-listener.ts';
import type { ServicePortSpec } from './service-ports.ts';
import { connectOutcome, startEchoServer } from './testing/echo-server.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const logger = pino({ level: 'silent' });

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function spec(address: string, port: number): ServicePortSpec {
  return { key: 'default/web:http', namespace: 'default', service: 'web', portName: 'http', protocol: 'TCP', address, port, affinity: { kind: 'none' }, nodeLocal: false };
}

describe('openServiceListener', () => {
  it('explains an address that is not local, naming the service port and the address', async () => {
    const port = await freePort();
    const result = await openServiceListener({ spec: spec('192.0.2.1', port), balancer: new RoundRobinBalancer(), metrics: new ProxyMetrics(), logger });
    expect(result.kind).toBe('failed');
    if (result.kind !== 'failed') return;
    expect(result.code).toBe('EADDRNOTAVAIL');
    expect(result.message).toContain(`listen tcp 192.0.2.1:${port} for service port default/web:http`);
    expect(result.message).toContain('127.0.0.0/8');
  });

  it('reports an address already in use', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen({ host: '127.97.250.2', port: 0 }, resolve));
    closers.push(() => new Promise((resolve) => taken.close(() => resolve())));
    const { port } = taken.address() as net.AddressInfo;
    const result = await openServiceListener({ spec: spec('127.97.250.2', port), balancer: new RoundRobinBalancer(), metrics: new ProxyMetrics(), logger });
    expect(result).toMatchObject({ kind: 'failed', code: 'EADDRINUSE' });
  });

  it('refuses new connections after close while an established one keeps flowing', async () => {
    const echo = await startEchoServer('127.0.0.1', 'a');
    closers.push(() => echo.close());
    const balancer = new RoundRobinBalancer();
    balancer.update([{ ip: echo.ip, port: echo.port }], { kind: 'none' });
    const metrics = new ProxyMetrics();
    const port = await freePort();
    const result = await openServiceListener({ spec: spec('127.97.250.1', port), balancer, metrics, logger });
    expect(result.kind).toBe('listening');
    const listener = (result as { listener: ServiceListener }).listener;
    closers.push(() => listener.destroy());

    const socket = net.connect({ host: '127.97.250.1', port });
    closers.push(async () => void socket.destroy());
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const text = () => Buffer.concat(received).toString();
    await waitFor(() => text() === 'a\n');

    listener.close();
    expect(await connectOutcome('127.97.250.1', port)).toBe('ECONNREFUSED');
    socket.write('still here');
    await waitFor(() => text() === 'a\nstill here');
    expect(metrics.stats).toMatchObject({ connectionsAccepted: 1, connectionsProxied: 1, activeConnections: 1 });
  });
});

async function waitFor(probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
