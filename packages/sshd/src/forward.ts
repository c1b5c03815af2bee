// Moving bytes for one direct-tcpip channel: dial the destination, and only then accept the channel, so a
// failed dial becomes a channel open failure the client can read. Both directions use pipe() for
// backpressure (ssh2's channel honours the SSH window); half-closes pass through.
import { connect, type Socket } from 'node:net';
import type { AcceptConnection, Connection, RejectConnection, ServerChannel } from 'ssh2';
import { OpenFailure, rejectChannel } from './channel-open-failure.ts';

/** Where a client asked to go. */
export interface ForwardRequest {
  host: string;
  port: number;
}

/** The outcome of a forward: bytes flowing, or the reason the channel was refused. */
export type ForwardResult =
  | { kind: 'open'; socket: Socket; channel: ServerChannel }
  | { kind: 'failed'; reason: string };

/** Dials `to`, then accepts (piping both ways) or rejects the channel with the dial error's text. */
export function forward(config: {
  conn: Connection;
  accept: AcceptConnection<ServerChannel>;
  reject: RejectConnection;
  to: ForwardRequest;
  dialTimeoutMs: number;
}): Promise<ForwardResult> {
  const { conn, accept, reject, to } = config;
  return new Promise((resolve) => {
    // Half-open so an EOF from one side still lets the other side's pending bytes through, as sshd does.
    const socket = connect({ host: to.host, port: to.port, allowHalfOpen: true });
    const fail = (reason: string) => {
      socket.destroy();
      rejectChannel(conn, reject, { code: OpenFailure.connectFailed, text: reason });
      resolve({ kind: 'failed', reason });
    };
    socket.setTimeout(config.dialTimeoutMs, () => fail('Connection timed out'));
    socket.once('error', (err: NodeJS.ErrnoException) => fail(dialErrorText(err)));
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      const channel = accept();
      // A dead SSH connection or a reset peer tears down the other side; no half-open leftovers.
      socket.on('error', () => channel.destroy());
      channel.on('error', () => socket.destroy());
      // After a clean EOF pipe() has already ended the channel, which must still drain what waits for SSH
      // window; destroying it here would drop those bytes. Only an abrupt close tears the channel down.
      socket.on('close', (hadError) => {
        if (hadError || !socket.readableEnded) channel.destroy();
      });
      channel.on('close', () => {
        // Flush what the channel already delivered, then let go of the socket.
        if (socket.writableFinished) socket.destroy();
        else socket.end(() => socket.destroy());
      });
      socket.pipe(channel);
      channel.pipe(socket);
      resolve({ kind: 'open', socket, channel });
    });
  });
}

/** OpenSSH-like wording for the common dial errors, without leaking more than the error code. */
function dialErrorText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'EHOSTUNREACH':
      return 'No route to host';
    case 'ENETUNREACH':
      return 'Network is unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Name or service not known';
    case 'ETIMEDOUT':
      return 'Connection timed out';
    default:
      return err.code ?? 'error';
  }
}
