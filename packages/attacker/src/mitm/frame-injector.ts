// The client → kubelet leg of an intercepted WebSocket: bytes pass through unchanged, and frames the
// attacker queues go in only where one of the client's frames has ended, so the kubelet sees a valid stream.
import { FrameReader, type WebSocketFrame } from './websocket-frames.ts';

/** What to forward, in order, and the client frames completed on the way (for recording). */
export interface InjectorOutput {
  forward: Buffer[];
  frames: WebSocketFrame[];
}

/** Relays one direction of a WebSocket and splices in whole frames at frame boundaries. */
export class FrameInjector {
  private readonly reader = new FrameReader();
  private queued: Buffer[] = [];

  /** Pass the client's next chunk; a queued frame goes out right after the first client frame that ends. */
  push(chunk: Buffer): InjectorOutput {
    const forward: Buffer[] = [];
    if (this.queued.length && this.reader.atBoundary) forward.push(...this.drain());
    const { frames, boundaries } = this.reader.feed(chunk);
    if (this.queued.length && boundaries.length) {
      const cut = boundaries[0];
      forward.push(chunk.subarray(0, cut), ...this.drain());
      if (cut < chunk.length) forward.push(chunk.subarray(cut));
    } else {
      forward.push(chunk);
    }
    return { forward, frames };
  }

  /** Queue an encoded frame; returns what may be written now (all of it when the client is between frames). */
  inject(frame: Buffer): Buffer[] {
    this.queued.push(frame);
    return this.reader.atBoundary ? this.drain() : [];
  }

  /** Frames waiting for the client to finish the frame it is in the middle of. */
  get pending(): number {
    return this.queued.length;
  }

  private drain(): Buffer[] {
    const out = this.queued;
    this.queued = [];
    return out;
  }
}
