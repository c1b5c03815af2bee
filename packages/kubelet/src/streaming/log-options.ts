// The query of `GET /containerLogs/NS/P/C`, decoded and validated as the kubelet decodes v1.PodLogOptions:
// booleans are false only for "0"/"false", integers must parse, `tail` is the legacy name of tailLines
// ("all" = no limit). Undecodable → 400, invalid → 422, each with the kubelet's JSON-looking message.
import { parseTimestamp } from '../runtime/index.ts';

/** PodLogOptions as the kubelet applies them. */
export interface LogRequest {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  sinceTime?: Date;
}

/** A decoded request, or the kubelet's error answer. */
export type LogQuery = { kind: 'ok'; options: LogRequest } | { kind: 'error'; status: 400 | 422; message: string };

const UNDECODABLE = { kind: 'error', status: 400, message: '{"message": "Unable to decode query."}' } as const;
const INVALID = { kind: 'error', status: 422, message: '{"message": "Invalid request."}' } as const;

/** Decodes and validates the query. */
export function parseLogQuery(query: URLSearchParams): LogQuery {
  const flag = (name: string) => {
    const value = query.get(name);
    return value !== null && value !== '0' && value.toLowerCase() !== 'false';
  };
  const tail = query.get('tail');
  const tailText = tail !== null && tail !== '' ? (tail === 'all' ? null : tail) : query.get('tailLines');
  const tailLines = integer(tailText);
  const limitBytes = integer(query.get('limitBytes'));
  const sinceSeconds = integer(query.get('sinceSeconds'));
  const sinceTime = time(query.get('sinceTime'));
  if ([tailLines, limitBytes, sinceSeconds, sinceTime].includes(null)) return UNDECODABLE;

  const options: LogRequest = { follow: flag('follow'), previous: flag('previous'), timestamps: flag('timestamps') };
  if (tailLines !== undefined) options.tailLines = tailLines as number;
  if (limitBytes !== undefined) options.limitBytes = limitBytes as number;
  if (sinceSeconds !== undefined) options.sinceSeconds = sinceSeconds as number;
  if (sinceTime !== undefined) options.sinceTime = sinceTime as Date;

  // ValidatePodLogOptions.
  if (options.tailLines !== undefined && options.tailLines < 0) return INVALID;
  if (options.limitBytes !== undefined && options.limitBytes < 1) return INVALID;
  if (options.sinceSeconds !== undefined && options.sinceTime !== undefined) return INVALID;
  if (options.sinceSeconds !== undefined && options.sinceSeconds < 1) return INVALID;
  return { kind: 'ok', options };
}

/** undefined = absent, null = undecodable. */
function integer(text: string | null): number | undefined | null {
  if (text === null || text === '') return undefined;
  if (!/^[+-]?\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

function time(text: string | null): Date | undefined | null {
  if (text === null || text === '' || text === 'null') return undefined;
  const ns = parseTimestamp(text);
  return ns === undefined ? null : new Date(Number(ns / 1_000_000n));
}
