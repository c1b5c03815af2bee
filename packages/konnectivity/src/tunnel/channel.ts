// One relayed connection inside a tunnel: a local socket bound to a connection id, with per-connection credit.
import type { Duplex } from 'node:stream';
import { abortSocket } from './abort-socket.ts';
import { INITIAL_WINDOW, MAX_DATA_PAYLOAD, type Frame } from './frame.ts';

/** How a channel talks to its tunnel. */
export interface ChannelLink {
  send(frame: Frame): void;
  /** Called once when the channel is finished, whichever side ended it. */
  released(id: number): void;
}

/**
 * Relays bytes between a local socket and the tunnel. Reads from the socket stop when the peer's credit runs out
 * (at most one read chunk is held back), and credit is returned to the peer only when the local socket accepted
 * what the peer sent, so a stalled local reader stalls only this connection.
 */
export class Channel {
  private credit = INITIAL_WINDOW;
  private pending: Buffer[] = [];
  private localEnded = false;
  private finished = false;

  constructor(
    readonly id: number,
    private readonly socket: Duplex,
    private readonly link: ChannelLink,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.pending.push(chunk);
      this.flush();
    });
    socket.on('end', () => {
      this.localEnded = true;
      this.flush();
    });
    socket.on('error', (error: Error) => this.finish(error.message || 'connection error'));
    socket.on('close', () => this.finish('connection closed before end of stream'));
    // The socket may arrive explicitly paused (an HTTP server hands CONNECT sockets over that way).
    socket.resume();
  }

  /** The peer sent bytes for this connection: write them locally, return the credit once they are accepted. */
  receiveData(data: Buffer): void {
    if (this.finished) return;
    this.socket.write(data, (error) => {
      if (!error && !this.finished) this.link.send({ type: 'WINDOW', id: this.id, bytes: data.length });
    });
  }

  /** The peer granted more credit. */
  receiveWindow(bytes: number): void {
    this.credit += bytes;
    this.flush();
  }

  /** The peer closed the connection: end locally (after pending writes), or abort when it reported an error. */
  receiveClose(error?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.link.released(this.id);
    if (error) abortSocket(this.socket, new Error(error));
    else this.socket.end();
  }

  /** The tunnel itself is gone: abort the local socket so its peer sees an error. */
  abort(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.link.released(this.id);
    abortSocket(this.socket, new Error(reason));
  }

  private flush(): void {
    while (!this.finished && this.credit > 0 && this.pending.length > 0) {
      const head = this.pending[0];
      const size = Math.min(head.length, this.credit, MAX_DATA_PAYLOAD);
      this.link.send({ type: 'DATA', id: this.id, data: head.subarray(0, size) });
      this.credit -= size;
      if (size === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(size);
    }
    if (this.finished) return;
    if (this.pending.length > 0) this.socket.pause();
    else if (this.localEnded) this.finishCleanly();
    else this.socket.resume();
  }

  private finishCleanly(): void {
    this.finished = true;
    this.link.send({ type: 'CLOSE', id: this.id });
    this.link.released(this.id);
    this.socket.end();
  }

  private finish(error: string): void {
    if (this.finished) return;
    this.finished = true;
    this.link.send({ type: 'CLOSE', id: this.id, error });
    this.link.released(this.id);
    this.socket.destroy();
  }
}
