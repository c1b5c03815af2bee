// Dials through an agent: DIAL_REQ out, wait for DIAL_RSP, with a timeout and cleanup when the agent goes away.
import type { Backend } from './backends.ts';

/** How a dial ended. */
export type DialResult = { kind: 'connected'; id: number } | { kind: 'failed'; error: string } | { kind: 'timeout' };

interface PendingDial {
  backend: Backend;
  settle(result: DialResult): void;
}

/** Tracks in-flight dials across all agents (connection ids are unique per server). */
export class Dialer {
  private readonly pending = new Map<number, PendingDial>();
  private nextId = 1;

  constructor(private readonly timeoutMs: number) {}

  /** Asks `backend` to dial host:port; resolves when the agent answers, the agent goes away or time runs out. */
  dial(backend: Backend, host: string, port: number): Promise<DialResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // The agent may still connect later; tell it to drop that connection.
        backend.tunnel.send({ type: 'CLOSE', id, error: 'dial timed out at the proxy server' });
        resolve({ kind: 'timeout' });
      }, this.timeoutMs);
      this.pending.set(id, {
        backend,
        settle: (result) => {
          clearTimeout(timer);
          this.pending.delete(id);
          resolve(result);
        },
      });
      backend.tunnel.send({ type: 'DIAL_REQ', id, host, port });
    });
  }

  /** An agent answered a dial. */
  onDialResponse(backend: Backend, response: { id: number; error?: string }): void {
    const pending = this.pending.get(response.id);
    if (!pending || pending.backend !== backend) {
      if (!response.error) backend.tunnel.send({ type: 'CLOSE', id: response.id, error: 'dial no longer wanted' });
      return;
    }
    pending.settle(response.error ? { kind: 'failed', error: response.error } : { kind: 'connected', id: response.id });
  }

  /** An agent's tunnel is gone: its in-flight dials fail with `reason`. */
  onBackendLost(backend: Backend, reason: string): void {
    for (const pending of [...this.pending.values()]) {
      if (pending.backend === backend) pending.settle({ kind: 'failed', error: `agent ${backend.agentId} disconnected: ${reason}` });
    }
  }
}
