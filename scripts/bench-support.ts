// What the benchmark scripts share: a median, and a request-rate loop over HTTPS.
import { request, type Agent } from 'node:https';

/** The middle value (upper middle for an even count). */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** One rate measurement: `requests` GETs of `url`, `concurrency` at a time. */
export interface RateOptions {
  url: string;
  /** `false`: a new connection (and TLS handshake) per request. */
  agent: Agent | false;
  ca: string;
  requests: number;
  concurrency: number;
  headers?: Record<string, string>;
  /** Reject on any other status: a refused request is cheap, and counting it would flatter the path that refused. */
  expectStatus?: number;
}

/** Requests per second. */
export async function requestRate({ url, agent, ca, requests, concurrency, headers, expectStatus }: RateOptions): Promise<number> {
  let next = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(url, { agent, ca, headers }, (res) => {
        if (expectStatus !== undefined && res.statusCode !== expectStatus) reject(new Error(`GET ${url}: ${res.statusCode}`));
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  const worker = async (): Promise<void> => {
    while (next++ < requests) await one();
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return requests / ((performance.now() - t0) / 1000);
}
