// port-forward over SPDY (kubelet's cri/streaming/portforward, httpstream.go): for every local connection
// kubectl opens two streams, `streamtype: error` and `streamtype: data`, both with `port: N` and the same
// `requestid: K`. A complete pair becomes one PortForwardStream. kubectl reads the error stream to its end
// before it lets go of the connection, so that stream is closed as soon as our side of the data is done.
import type { PortForwardSession, PortForwardStream, UpgradeRequest } from '../types.ts';
import { upgradeToSpdy } from './handshake.ts';
import { headerValue } from './header-block.ts';
import type { SpdyHeaders } from './header-block.ts';
import { DEFAULT_STREAM_CREATION_TIMEOUT_MS } from './tuning.ts';
import type { SpdyTuning } from './tuning.ts';
import { SpdySession } from './session.ts';
import type { SpdyStream } from './stream.ts';

/** The only port-forward protocol there is. */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/** Answers a port-forward SPDY upgrade. Resolves undefined when the handshake was refused. */
export async function acceptSpdyPortForward(up: UpgradeRequest, tuning: SpdyTuning = {}): Promise<PortForwardSession | undefined> {
  const handshake = upgradeToSpdy(up, [PORT_FORWARD_PROTOCOL]);
  if (handshake.kind !== 'upgraded') return undefined;
  const session = new SpdySession({
    connection: up.socket,
    role: 'server',
    head: up.head,
    acceptStream: isPortForwardStream,
    closeTimeoutMs: tuning.closeTimeoutMs,
  });
  return servePortForward(session, handshake.protocol, tuning);
}

/** Kubernetes resets (never replies to) streams without a valid `port` and an error/data `streamtype`. */
export function isPortForwardStream(headers: SpdyHeaders): boolean {
  const port = headerValue(headers, 'port') ?? '';
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return false;
  const type = headerValue(headers, 'streamtype');
  return type === 'error' || type === 'data';
}

interface StreamPair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** Pairs the streams of a running session into forwarded connections. */
export function servePortForward(session: SpdySession, protocol: string, tuning: SpdyTuning = {}): PortForwardSession {
  const pairs = new Map<string, StreamPair>();
  const listeners: Array<(stream: PortForwardStream) => void> = [];
  const unclaimed: PortForwardStream[] = [];
  const timeoutMs = tuning.streamCreationTimeoutMs ?? DEFAULT_STREAM_CREATION_TIMEOUT_MS;

  const emit = (stream: PortForwardStream): void => {
    if (listeners.length === 0) unclaimed.push(stream);
    for (const listener of listeners) listener(stream);
  };

  session.onStream((stream) => {
    const type = headerValue(stream.headers, 'streamtype') as 'error' | 'data';
    const requestId = requestIdOf(stream, type);
    let pair = pairs.get(requestId);
    if (!pair) {
      const timer = setTimeout(() => {
        pairs.delete(requestId);
        pair?.error?.end(`(request=${requestId}) timed out waiting for streams`);
        pair?.data?.reset();
      }, timeoutMs);
      timer.unref();
      pair = { timer };
      pairs.set(requestId, pair);
    }
    if (pair[type]) {
      pair.error?.write(`error processing stream for request ${requestId}: ${type} stream already assigned`);
      stream.reset();
      return;
    }
    pair[type] = stream;
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      emit(forwardedConnection(pair.error, pair.data));
    }
  });
  session.onClose(() => {
    for (const pair of pairs.values()) clearTimeout(pair.timer);
    pairs.clear();
  });

  return {
    protocol,
    onStream(listener) {
      listeners.push(listener);
      for (const stream of unclaimed.splice(0)) listener(stream);
    },
    onClose(listener) {
      session.onClose(listener);
    },
    close() {
      session.close();
    },
  };
}

function forwardedConnection(errorStream: SpdyStream, data: SpdyStream): PortForwardStream {
  const closeError = (message?: string): void => {
    if (errorStream.writableEnded || errorStream.destroyed) return;
    if (message) errorStream.end(message);
    else errorStream.end();
  };
  // Deferred a turn so a caller may end the data and report the error in either order.
  data.once('finish', () => setImmediate(closeError));
  data.once('close', () => setImmediate(closeError));
  return {
    port: Number(headerValue(data.headers, 'port')),
    data,
    error: (message) => closeError(message),
  };
}

// Clients older than the requestid header pair streams by id: error N, data N+2 (kubelet's best effort).
function requestIdOf(stream: SpdyStream, type: 'error' | 'data'): string {
  const id = headerValue(stream.headers, 'requestid');
  if (id) return id;
  return String(type === 'error' ? stream.id : stream.id - 2);
}
