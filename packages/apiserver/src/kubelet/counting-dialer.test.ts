import { afterEach, describe, expect, it } from 'vitest';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { Duplex } from 'node:stream';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import { createKubeletClient } from './client.ts';
import { countingDialer } from './counting-dialer.ts';
import { directDialer, type Dialer } from './dialer.ts';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A TCP server that answers every chunk with `reply`. */
async function answering(reply: string): Promise<number> {
  const server = createTcpServer((socket) => {
    socket.on('data', () => socket.write(reply));
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function once(stream: Duplex, event: string): Promise<unknown> {
  return new Promise((resolve) => stream.once(event, resolve));
}

describe('countingDialer', () => {
  it('counts what crossed each connection under the host dialed, after it closes too', async () => {
    const port = await answering('pong!!');
    const counted = countingDialer(directDialer);
    const socket = await counted.dialer({ host: '127.0.0.1', port }, 1_000);
    socket.write('ping');
    await once(socket, 'data');
    expect(counted.totals()).toEqual({ '127.0.0.1': { sent: 4, received: 6 } });
    socket.destroy();
    await once(socket, 'close');
    const again = await counted.dialer({ host: '127.0.0.1', port }, 1_000);
    again.write('ping');
    await once(again, 'data');
    expect(counted.totals()).toEqual({ '127.0.0.1': { sent: 8, received: 12 } });
    again.destroy();
  });

  it('counts the TLS bytes on the wire, not the plaintext, when the kubelet client layers TLS on the stream', async () => {
    const serving = await createSelfSignedServingCert({ host: '127.0.0.1' });
    const { createServer } = await import('node:tls');
    const server = createServer({ cert: serving.cert, key: serving.key }, (s) => {
      s.on('data', () => s.write('x'.repeat(1000)));
      s.on('error', () => {});
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const counted = countingDialer(directDialer);
    const client = createKubeletClient({ dialer: counted.dialer, timeoutMs: 2_000 });
    const tls = await client.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
    tls.write('GET');
    let got = 0;
    await new Promise<void>((resolve) => tls.on('data', (d: Buffer) => (got += d.length) >= 1000 && resolve()));
    const { sent, received } = counted.totals()['127.0.0.1'];
    // Handshake and record overhead on top of 3 and 1000 plaintext bytes.
    expect(sent).toBeGreaterThan(3 + 100);
    expect(received).toBeGreaterThan(1000 + 100);
    tls.destroy();
  });

  it('meters a stream that is not a socket (an SSH channel) at its push and write', async () => {
    let peer: Duplex | undefined;
    const fake: Dialer = async () => {
      const channel: Duplex = new Duplex({
        read() {},
        write(chunk: Buffer, _enc, done) {
          channel.push(Buffer.from(`echo:${chunk.toString()}`));
          done();
        },
      });
      peer = channel;
      return channel;
    };
    const counted = countingDialer(fake);
    const stream = await counted.dialer({ host: 'node-1', port: 10250 }, 1_000);
    stream.write('héllo');
    await once(stream, 'data');
    expect(counted.totals()).toEqual({ 'node-1': { sent: 6, received: 11 } });
    peer!.destroy();
    await once(stream, 'close');
    expect(counted.totals()).toEqual({ 'node-1': { sent: 6, received: 11 } });
  });
});
