// How one sniffed exchange is shown to people (live, on the terminal) and saved (one JSON line each).
import type { CapturedExchange } from '../mitm/capture.ts';
import type { SniffCapture } from './sniff-capture.ts';

/** One exchange as saved: where it went and both messages in plaintext. */
export interface ExchangeRecord {
  time: string;
  capture: number;
  client: string;
  destination: string;
  scheme: 'http' | 'https';
  impersonated: boolean;
  request: { raw: string; body: string };
  response?: { raw: string; status?: number; body: string };
  /** The upgraded protocol, when the exchange switched protocols (its stream is not saved). */
  upgrade?: string;
}

/** The saved form of `exchange`. */
export function exchangeRecord(capture: SniffCapture, exchange: CapturedExchange, now = new Date()): ExchangeRecord {
  const { request, response } = exchange;
  return {
    time: now.toISOString(),
    capture: capture.id,
    client: capture.client,
    destination: capture.destination,
    scheme: capture.scheme,
    impersonated: capture.impersonated,
    request: { raw: request.raw, body: request.body },
    ...(response ? { response: { raw: response.raw, status: response.status, body: response.body } } : {}),
    ...(exchange.stream ? { upgrade: exchange.stream.protocol } : {}),
  };
}

/** The terminal form: a summary line, then both messages indented, bodies cut at `maxBody` characters. */
export function formatExchange(capture: SniffCapture, exchange: CapturedExchange, opts: { maxBody?: number } = {}): string {
  const max = opts.maxBody ?? 1024;
  const { request, response } = exchange;
  const how = capture.impersonated ? `${capture.scheme}, answered by the attacker` : capture.scheme;
  const summary = `#${capture.id} ${capture.client} → ${capture.destination} (${how}): ${request.method} ${request.target} → ${response?.status ?? '-'}`;
  const message = (head: string, body: string): string[] => [
    ...head.split('\r\n'),
    ...(body ? ['', ...cut(body, max).split('\n')] : []),
  ];
  const lines = [
    summary,
    ...message(request.raw, request.body).map((l) => `  > ${l}`),
    ...(response ? message(response.raw, response.body).map((l) => `  < ${l}`) : []),
  ];
  return `${lines.join('\n')}\n`;
}

function cut(body: string, max: number): string {
  return body.length <= max ? body.replace(/\n$/, '') : `${body.slice(0, max)}… (${body.length - max} more characters)`;
}
