// What the sniffer learns from one relayed connection of the apiserver's pod/service proxy: the plaintext
// exchanges (read off the wire for `http:`, after terminating TLS for `https:`), and the moments a request and
// an exchange are complete, which the impersonator and the live display wait for. Built from bytes only.
import type { Capture, CapturedExchange } from '../mitm/capture.ts';
import { CaptureRecorder } from '../mitm/capture.ts';
import { HttpStreamReader } from '../mitm/http-stream.ts';

/**
 * One connection the sniffer relayed or answered. Exchanges are the mitm's (`to-kubelet` in stream messages
 * means towards the pod or service, `to-apiserver` back).
 */
export interface SniffCapture extends Capture {
  /** The address and port the apiserver dialled (`host:port`): the pod or service endpoint. */
  destination: string;
  /** `http` when the bytes crossed the wire in plaintext, `https` when the sniffer terminated TLS. */
  scheme: 'http' | 'https';
  /** True when the sniffer answered itself instead of relaying. */
  impersonated: boolean;
}

/** Who hears about completed messages of a connection. */
export interface SniffEvents {
  /** The request of `exchange` has been read to its end (its body is complete). */
  request?(exchange: CapturedExchange): void;
  /** The response of `exchange` has been read to its end, or switched protocols. */
  exchange?(exchange: CapturedExchange): void;
}

/** Builds a SniffCapture from both directions' bytes; never throws (the relay must not depend on parsing). */
export class SniffRecorder {
  readonly capture: SniffCapture;
  private readonly recorder: CaptureRecorder;
  // A second pair of readers, only for message boundaries (the mitm's recorder does not report them).
  private readonly requests = HttpStreamReader.requests();
  private readonly responses: HttpStreamReader;
  private readonly methods: string[] = [];
  private requestsDone = 0;
  private responsesDone = 0;
  private broken = false;

  constructor(
    init: { id: number; client: string; destination: string; scheme: 'http' | 'https'; impersonated: boolean },
    private readonly events: SniffEvents = {},
  ) {
    this.recorder = new CaptureRecorder({ id: init.id, client: init.client });
    this.capture = Object.assign(this.recorder.capture, {
      destination: init.destination,
      scheme: init.scheme,
      impersonated: init.impersonated,
    });
    this.responses = HttpStreamReader.responses(() => this.methods.shift());
  }

  /** Bytes the apiserver sent. */
  fromClient(chunk: Buffer): void {
    this.recorder.fromApiserver(chunk);
    this.boundaries(() => {
      for (const e of this.requests.feed(chunk)) {
        if (e.kind === 'head') this.methods.push(e.head.method ?? 'GET');
        else if (e.kind === 'end') this.completed('request');
      }
    });
  }

  /** Bytes the pod (or the impersonator) sent back. */
  fromServer(chunk: Buffer): void {
    this.recorder.fromKubelet(chunk);
    this.boundaries(() => {
      for (const e of this.responses.feed(chunk)) {
        if (e.kind === 'end' || (e.kind === 'head' && e.head.status === 101)) this.completed('exchange');
      }
    });
  }

  /** The connection ended: a response read until close is complete now. */
  close(): void {
    this.recorder.close();
    this.boundaries(() => {
      for (const e of this.responses.close()) if (e.kind === 'end') this.completed('exchange');
    });
  }

  private completed(what: 'request' | 'exchange'): void {
    const index = what === 'request' ? this.requestsDone++ : this.responsesDone++;
    const exchange = this.capture.exchanges[index];
    if (exchange) this.events[what]?.(exchange);
  }

  private boundaries(fn: () => void): void {
    if (this.broken) return;
    try {
      fn();
    } catch {
      // The recorder has already marked the capture unparsable; there are no boundaries left to report.
      this.broken = true;
    }
  }
}
