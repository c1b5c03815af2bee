// Moving the bytes of one accepted connection: dial an endpoint (trying the next one when a dial fails, with
// the user-space proxier's growing timeouts), then copy both ways with backpressure and half-close until
// both sides are done. Which endpoint to try is asked of the caller; this file only moves bytes.
import net from 'node:net';
import type { Socket } from 'node:net';
import type { Endpoint } from './endpoint-slices.ts';

/** How long each successive endpoint dial may take (the user-space proxier's endpointDialTimeouts). */
export const DEFAULT_DIAL_TIMEOUTS_MS = [250, 500, 1000, 2000];

/** What to relay and where to. */
export interface RelayOptions {
  /** The accepted connection, still paused; the relay owns it from here. */
  client: Socket;
  /** The endpoint to dial; `reselect` is true after the previous choice failed to answer. */
  choose(reselect: boolean): Endpoint | undefined;
  /** One entry per attempt; default DEFAULT_DIAL_TIMEOUTS_MS. */
  dialTimeoutsMs?: readonly number[];
  /** Told about every failed dial (logging, counting). */
  onDialError?(endpoint: Endpoint, err: Error): void;
}

/** Bytes moved over a finished relay. */
export interface RelayTotals {
  toEndpoint: number;
  toClient: number;
}

/** How a connection was handled. */
export type RelayOutcome =
  | { kind: 'rejected' }
  | { kind: 'failed'; attempts: number }
  | { kind: 'client-gone' }
  | { kind: 'relaying'; endpoint: Endpoint; done: Promise<RelayTotals> };

/**
 * Relays `client` to an endpoint. With no endpoint at all the client is reset at once (kube-proxy REJECTs);
 * when every dial fails it is reset too. Otherwise bytes flow until both directions have ended.
 */
export async function relayConnection(opts: RelayOptions): Promise<RelayOutcome> {
  const { client } = opts;
  let clientGone = false;
  // Until piping starts, a client that resets must neither crash the process nor be dialled for.
  const onEarlyError = () => (clientGone = true);
  client.on('error', onEarlyError);
  client.once('close', onEarlyError);
  const release = () => {
    client.off('error', onEarlyError);
    client.off('close', onEarlyError);
  };

  const timeouts = opts.dialTimeoutsMs ?? DEFAULT_DIAL_TIMEOUTS_MS;
  let attempts = 0;
  for (let i = 0; i < timeouts.length && !clientGone; i++) {
    const endpoint = opts.choose(i > 0);
    if (!endpoint) break;
    attempts++;
    try {
      const upstream = await dial(endpoint, timeouts[i]);
      if (clientGone) {
        upstream.destroy();
        break;
      }
      release();
      return { kind: 'relaying', endpoint, done: pipeBoth(client, upstream) };
    } catch (err) {
      opts.onDialError?.(endpoint, err as Error);
    }
  }
  release();
  if (clientGone) {
    client.destroy();
    return { kind: 'client-gone' };
  }
  client.on('error', () => {});
  client.resetAndDestroy();
  return attempts === 0 ? { kind: 'rejected' } : { kind: 'failed', attempts };
}

/** A connected socket to `endpoint`, or the dial error (a timeout reads as ETIMEDOUT). */
export function dial(endpoint: Endpoint, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: endpoint.ip, port: endpoint.port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`dial tcp ${endpoint.ip}:${endpoint.port}: i/o timeout`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
  });
}

// Each direction ends the other's write side when it ends (half-close); an error on either side tears both
// down. pipe() pauses the source while the destination's buffer is full, so a slow reader slows the writer.
function pipeBoth(client: Socket, upstream: Socket): Promise<RelayTotals> {
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  const teardown = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', teardown);
  upstream.on('error', teardown);
  // A side that closes before the other has been told to end was cut off (destroyed, reset): cut the other
  // too. After a clean end the other side is left to flush what it still holds.
  client.once('close', () => upstream.writableEnded || upstream.destroy());
  upstream.once('close', () => client.writableEnded || client.destroy());
  const closed = (s: Socket) => new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())));
  client.pipe(upstream);
  upstream.pipe(client);
  return Promise.all([closed(client), closed(upstream)]).then(() => ({
    toEndpoint: upstream.bytesWritten,
    toClient: client.bytesWritten,
  }));
}
