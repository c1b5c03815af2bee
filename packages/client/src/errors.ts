// Turns a non-2xx answer into the ApiError the apiserver meant, so callers test `err.code === 404` no matter
// whether the server sent a Status body, plain text or nothing.
import { ApiError } from '@hubspoke/api';
import type { StatusReason } from '@hubspoke/api';

const reasonByCode: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** True when `value` looks like a `metav1.Status` object. */
export function isStatus(value: unknown): value is { kind: 'Status'; code?: number; reason?: string; message?: string; details?: ApiError['details'] } {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

/** The ApiError for a Status object; `fallbackCode` is used when the Status carries no code. */
export function errorFromStatus(status: unknown, fallbackCode: number): ApiError {
  if (!isStatus(status)) return errorFromBody(fallbackCode, Buffer.from(JSON.stringify(status ?? null)));
  const code = typeof status.code === 'number' && status.code > 0 ? status.code : fallbackCode;
  const reason = (status.reason as StatusReason | undefined) || reasonByCode[code] || '';
  const message = status.message || genericMessage(code);
  return new ApiError(code, reason, message, status.details);
}

/** The ApiError for a response with HTTP status `code` and raw `body`. */
export function errorFromBody(code: number, body: Buffer): ApiError {
  const text = body.toString('utf8').trim();
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isStatus(parsed)) return errorFromStatus(parsed, code);
    } catch {
      // not JSON after all: fall through to the text form
    }
  }
  // client-go shows short plain-text bodies as the message; long ones are usually HTML error pages.
  const message = text && text.length <= 1024 ? text : genericMessage(code);
  return new ApiError(code, reasonByCode[code] ?? '', message);
}

function genericMessage(code: number): string {
  return `the server responded with the status code ${code} but did not return more information`;
}
