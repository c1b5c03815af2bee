// Ports for tests that need a fixed port (a binary's flag, or the same port on several loopback addresses), and
// a byte round trip through a local port (port-forwards to the echo pod).
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo } from 'node:net';

/** A port free on `host` right now (the OS's choice). */
export async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A port free on every one of `hosts`. */
export async function freePortOn(hosts: string[]): Promise<number> {
  for (;;) {
    const port = await freePort(hosts[0]);
    const free = await Promise.all(
      hosts.slice(1).map(
        (h) =>
          new Promise<boolean>((resolve) => {
            const probe = createServer();
            probe.once('error', () => resolve(false));
            probe.listen(port, h, () => probe.close(() => resolve(true)));
          }),
      ),
    );
    if (free.every(Boolean)) return port;
  }
}

/** Pipe `size` random bytes through a local port; the SHA-256 of what went and of what came back. */
export async function roundTrip(port: number, size: number): Promise<{ sent: string; received: string }> {
  const data = randomBytes(size);
  const sent = createHash('sha256').update(data).digest('hex');
  const hash = createHash('sha256');
  let got = 0;
  await new Promise<void>((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.end(data));
    sock.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      got += chunk.length;
      if (got >= size) {
        sock.destroy();
        resolve();
      }
    });
    sock.on('error', reject);
    sock.on('close', () => (got >= size ? resolve() : reject(new Error(`closed after ${got} of ${size} bytes`))));
  });
  return { sent, received: hash.digest('hex') };
}
