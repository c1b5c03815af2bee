// One agent's WebSocket, multiplexing many relayed connections (both ends use this class).
import type { Duplex } from 'node:stream';
import { Channel } from './channel.ts';
import { decodeFrame, encodeFrame, type Frame } from './frame.ts';
import { WS_OPEN, type WebSocket } from './ws-library.ts';

/** What the owner of a tunnel does with frames that are not about an attached connection. */
export interface TunnelHandlers {
  /** Agent side: the server asks for a dial. */
  onDialRequest?(request: { id: number; host: string; port: number }): void;
  /** Server side: the agent answered a dial. */
  onDialResponse?(response: { id: number; error?: string }): void;
  /** The WebSocket is gone; every attached connection has already been aborted with `reason`. */
  onLost?(reason: string): void;
  /** A CLOSE for a connection that is not attached (e.g. a dial abandoned by its requester). */
  onUnattachedClose?(id: number): void;
}

/** A multiplexing tunnel over one WebSocket. */
export class Tunnel {
  private readonly channels = new Map<number, Channel>();
  private lost = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly handlers: TunnelHandlers,
  ) {
    ws.on('message', (data) => this.receive(data));
    ws.on('close', (code, reason) => this.lose(`tunnel closed (code ${code}${reason.length ? `: ${reason.toString()}` : ''})`));
    ws.on('error', (error) => this.lose(`tunnel error: ${error.message}`));
  }

  /** Number of connections currently relayed. */
  get size(): number {
    return this.channels.size;
  }

  /** Whether the WebSocket has gone away. */
  get isLost(): boolean {
    return this.lost;
  }

  /** Sends one frame; silently dropped once the tunnel is lost (the connections are aborted anyway). */
  send(frame: Frame): void {
    if (this.lost || this.ws.readyState !== WS_OPEN) return;
    this.ws.send(encodeFrame(frame), { binary: true });
  }

  /** Starts relaying `socket` as connection `id` (after a successful dial); `head` is data already read. */
  attach(id: number, socket: Duplex, head?: Buffer): void {
    if (this.lost) {
      socket.destroy(new Error('tunnel lost'));
      return;
    }
    // Data read with the request goes first, ahead of anything the channel reads itself.
    if (head && head.length > 0) socket.unshift(head);
    const channel = new Channel(id, socket, { send: (f) => this.send(f), released: (i) => this.channels.delete(i) });
    this.channels.set(id, channel);
  }

  /** Closes the WebSocket; connections are aborted with `reason`. */
  close(reason: string): void {
    this.ws.close(1001, reason.slice(0, 120));
    this.lose(reason);
  }

  /** Drops the WebSocket at once, as a killed process would. */
  terminate(reason: string): void {
    this.ws.terminate();
    this.lose(reason);
  }

  private receive(data: Buffer): void {
    const frame = decodeFrame(data);
    if ('malformed' in frame) {
      this.close(`protocol error: ${frame.malformed}`);
      return;
    }
    switch (frame.type) {
      case 'DIAL_REQ':
        this.handlers.onDialRequest?.(frame);
        return;
      case 'DIAL_RSP':
        this.handlers.onDialResponse?.(frame.error === undefined ? { id: frame.id } : { id: frame.id, error: frame.error });
        return;
      case 'DATA':
        this.channels.get(frame.id)?.receiveData(frame.data);
        return;
      case 'WINDOW':
        this.channels.get(frame.id)?.receiveWindow(frame.bytes);
        return;
      case 'CLOSE': {
        const channel = this.channels.get(frame.id);
        if (channel) channel.receiveClose(frame.error);
        else this.handlers.onUnattachedClose?.(frame.id);
        return;
      }
    }
  }

  private lose(reason: string): void {
    if (this.lost) return;
    this.lost = true;
    for (const channel of [...this.channels.values()]) channel.abort(reason);
    this.channels.clear();
    this.handlers.onLost?.(reason);
  }
}
