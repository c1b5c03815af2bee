// Sends one pod's status to the apiserver: writes are serialised (never two in flight for a pod), coalesced
// (only the latest pending status is sent), skipped when nothing changed, and retried after failures.
// A merge PATCH of pods/<name>/status carries metadata.uid, so a recreated pod of the same name is not hit.
import { ApiError } from '@hubspoke/api';
import type { ApiClient } from '@hubspoke/client';
import { ExponentialBackoff, resourcePath, sleep } from '@hubspoke/client';
import type { Logger } from 'pino';
import type { PodStatus } from './pod-status.ts';

/** Which pod the writer reports for. */
export interface PodStatusWriterOptions {
  client: ApiClient;
  namespace: string;
  name: string;
  uid: string;
  logger: Logger;
  /** Retry delay after a failed write; default 200 ms doubling to 5 s. */
  retry?: { initialMs: number; maxMs: number };
}

/** The status channel of one pod. */
export class PodStatusWriter {
  private pending: PodStatus | undefined;
  private lastSent = '';
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly path: string;
  private readonly abort = new AbortController();

  constructor(private readonly opts: PodStatusWriterOptions) {
    this.path = resourcePath({ version: 'v1', resource: 'pods', namespace: opts.namespace, name: opts.name, subresource: 'status' });
  }

  /** Queues `status` to be sent (replacing any queued one). */
  set(status: PodStatus): void {
    if (this.closed) return;
    this.pending = status;
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves when everything queued so far has been sent (or given up on). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops sending; a write in flight finishes. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending = undefined;
    this.abort.abort();
    await this.flush();
  }

  private async drain(): Promise<void> {
    const backoff = new ExponentialBackoff(this.opts.retry ?? { initialMs: 200, maxMs: 5_000 });
    while (this.pending && !this.closed) {
      const status = this.pending;
      this.pending = undefined;
      const text = JSON.stringify(status);
      if (text === this.lastSent) continue;
      try {
        await this.opts.client.patch(this.path, { metadata: { uid: this.opts.uid }, status }, 'merge');
        this.lastSent = text;
        backoff.reset();
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) {
          // The pod is gone; its deletion reaches the pod manager through the watch.
          this.closed = true;
          return;
        }
        this.opts.logger.warn({ err, pod: `${this.opts.namespace}/${this.opts.name}` }, 'Failed to update status for pod');
        // Retry unless something newer was queued meanwhile (that one is sent instead).
        this.pending ??= status;
        await sleep(backoff.next(), this.abort.signal);
      }
    }
  }
}
