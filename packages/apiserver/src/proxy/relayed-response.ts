// An answer whose status, headers and body come from a backend (pod logs, the node proxy). The HTTP adapter
// writes the head and pipes the body to the client, so a slow client slows the backend instead of filling memory.
import type { Readable } from 'node:stream';

/** A response relayed from a backend; `body` is piped with backpressure and destroyed if the client leaves. */
export interface RelayedResponse {
  relay: {
    status: number;
    headers: Record<string, string | string[]>;
    body: Readable;
  };
}

/** Whether a handler's answer is relayed from a backend. */
export function isRelayed(answer: object): answer is RelayedResponse {
  return 'relay' in answer;
}
