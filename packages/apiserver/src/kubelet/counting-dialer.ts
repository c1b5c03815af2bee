// Bytes the apiserver exchanged with each host it dialed (kubelets, pods, service endpoints), counted on the
// dialed stream itself, so TLS records, CONNECT heads and tunnel framing are what is counted: the bytes a
// watcher on that path would see. The lab's dashboard shows them on its edges.
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dialer } from './dialer.ts';

/** Bytes sent to and received from one host, over every connection since start. */
export interface ByteCounts {
  sent: number;
  received: number;
}

/** A dialer that counts, and the running totals by destination host. */
export interface CountingDialer {
  dialer: Dialer;
  /** Totals by the host dialed (as given to the dialer: an IP or a name), live connections included. */
  totals(): Record<string, ByteCounts>;
}

/** Wrap `inner` so every stream it opens is counted under the host it was opened to. */
export function countingDialer(inner: Dialer): CountingDialer {
  const closed = new Map<string, ByteCounts>();
  const live = new Map<Duplex, { host: string; read: () => ByteCounts }>();

  const dialer: Dialer = async (endpoint, timeoutMs) => {
    const stream = await inner(endpoint, timeoutMs);
    const read = meter(stream);
    live.set(stream, { host: endpoint.host, read });
    stream.once('close', () => {
      live.delete(stream);
      add(closed, endpoint.host, read());
    });
    return stream;
  };

  return {
    dialer,
    totals() {
      const out = new Map<string, ByteCounts>();
      for (const [host, counts] of closed) add(out, host, counts);
      for (const { host, read } of live.values()) add(out, host, read());
      return Object.fromEntries(out);
    },
  };
}

function add(into: Map<string, ByteCounts>, host: string, counts: ByteCounts): void {
  const total = into.get(host) ?? { sent: 0, received: 0 };
  into.set(host, { sent: total.sent + counts.sent, received: total.received + counts.received });
}

/**
 * How to read a stream's counts. A socket keeps its own (TLS layered on it reads the handle directly, bypassing
 * its JavaScript methods, yet the handle still counts); any other duplex (an SSH channel) is metered at the
 * two methods every byte crosses: `push` (in) and `write` (out).
 */
function meter(stream: Duplex): () => ByteCounts {
  if (stream instanceof Socket) return () => ({ sent: stream.bytesWritten, received: stream.bytesRead });
  const counts: ByteCounts = { sent: 0, received: 0 };
  const push = stream.push.bind(stream);
  stream.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk !== null && chunk !== undefined) counts.received += byteLength(chunk, encoding);
    return push(chunk, encoding);
  };
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    counts.sent += byteLength(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined);
    return write(chunk, ...rest);
  }) as Duplex['write'];
  return () => ({ ...counts });
}

function byteLength(chunk: unknown, encoding?: BufferEncoding): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, encoding);
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}
