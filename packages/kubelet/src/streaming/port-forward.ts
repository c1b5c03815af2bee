// `kubectl port-forward`: each forwarded connection the transport announces is dialled to podIP:port and
// piped both ways with backpressure. Failures reach the client on the stream's error channel, worded as
// containerd words them (the kubelet prefixes `error forwarding port …`).
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { IdleTimer } from './idle-timeout.ts';
import type { PortForwardSession, PortForwardStream } from './types.ts';

/** The pod a port-forward session reaches. */
export interface PortForwardTarget {
  session: PortForwardSession;
  podIP: string;
  /** The pod's uid: the sandbox id and network namespace in error messages derive from it. */
  podUID: string;
  idleTimeoutMs: number;
}

/** Forwards every stream of the session until it closes (or idles out, then it is closed). */
export function servePortForward(target: PortForwardTarget): void {
  const { session } = target;
  const idle = new IdleTimer(target.idleTimeoutMs, () => session.close());
  const sockets = new Set<Socket>();
  session.onClose(() => {
    idle.stop();
    for (const socket of sockets) socket.destroy();
  });
  session.onStream((stream) => {
    const socket = forward(stream, target, idle);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
}

function forward(stream: PortForwardStream, target: PortForwardTarget, idle: IdleTimer): Socket {
  const { data, port } = stream;
  const socket = connect({ host: target.podIP, port });
  const toClient = idle.tap();
  let connected = false;
  socket.once('connect', () => {
    connected = true;
    data.pipe(idle.tap()).pipe(socket);
    socket.pipe(toClient).pipe(data);
  });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    stream.error(forwardError(target, port, connected ? readFailure(socket, err) : dialFailure(target, port, err)));
  });
  socket.once('close', (hadError) => {
    // The pod's side is over: stop taking the client's bytes, and end the client's side after what the
    // pod already sent (a clean end reaches it through the pipe).
    data.unpipe();
    data.resume();
    if (!connected) data.end();
    else if (hadError) toClient.end();
  });
  data.once('close', () => socket.destroy());
  return socket;
}

/** containerd's sandbox id (64 hex) for a pod, stable per uid. */
export function podSandboxId(podUID: string): string {
  return createHash('sha256').update(`hubspoke-sandbox:${podUID}`).digest('hex');
}

function forwardError(target: PortForwardTarget, port: number, detail: string): string {
  const sandbox = podSandboxId(target.podUID);
  const h = sandbox.slice(0, 32);
  const netns = `/var/run/netns/cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return `error forwarding port ${port} to pod ${sandbox}, uid : failed to execute portforward in network namespace "${netns}": ${detail}`;
}

function dialFailure(target: PortForwardTarget, port: number, err: NodeJS.ErrnoException): string {
  const sandbox = podSandboxId(target.podUID);
  return (
    `failed to connect to localhost:${port} inside namespace "${sandbox}", ` +
    `IPv4: dial tcp4 ${target.podIP}:${port}: connect: ${errnoText(err)} IPv6 dial tcp6: address localhost: no suitable address found `
  );
}

function readFailure(socket: Socket, err: NodeJS.ErrnoException): string {
  const local = `${socket.localAddress ?? ''}:${socket.localPort ?? ''}`;
  const remote = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`;
  return `read tcp4 ${local}->${remote}: read: ${errnoText(err)}`;
}

// Go prints the errno's strerror text.
const errnoTexts: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EPIPE: 'broken pipe',
  EADDRNOTAVAIL: 'cannot assign requested address',
};

function errnoText(err: NodeJS.ErrnoException): string {
  return (err.code && errnoTexts[err.code]) ?? err.message;
}
