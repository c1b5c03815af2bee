// The impersonator's answer (C12): with the `https:` prefix the apiserver accepts any certificate for a pod
// and relays whatever comes back to the user, so an attacker on the path can answer in the pod's place.
import type { HttpHead } from '../mitm/http-stream.ts';

/** What the impersonator answers; defaults: 200 and `text/plain; charset=utf-8`. */
export interface ForgedResponse {
  status?: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** Decides the answer to one request the sniffer took for itself. */
export type Impersonator = (request: HttpHead & { body: string }) => ForgedResponse;

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 302: 'Found', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

/** The HTTP/1.1 bytes of `response` to a `method` request, framed by Content-Length (no body for HEAD, 204, 304). */
export function encodeForgedResponse(response: ForgedResponse, method = 'GET'): Buffer {
  const status = response.status ?? 200;
  const body = Buffer.from(response.body);
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    ...Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    'content-length': String(body.length),
  };
  const bodiless = method === 'HEAD' || status === 204 || status === 304;
  if (status === 204 || status === 304) delete headers['content-length'];
  const head = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), bodiless ? Buffer.alloc(0) : body]);
}
