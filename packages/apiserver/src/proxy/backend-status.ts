// Turns a kubelet's non-2xx answer to a streamed read (pod logs) into the Status kube-apiserver returns:
// apiserver's GenericHttpResponseChecker and apimachinery's NewGenericServerResponse, wording included, so
// kubectl prints e.g. `Error from server (BadRequest): container "c" in pod "p" is waiting to start: …`.
import type { IncomingMessage } from 'node:http';
import { ApiError, type StatusReason } from '@hubspoke/api';

/** The resource named in messages (`pods/log`) and the object's name. */
export interface CheckedResource {
  resource: string;
  name: string;
}

// The checker reads at most this much of an error body.
const MAX_READ = 50_000;

/** Whether a status passes the checker unchanged (200–206). */
export function isStreamableStatus(status: number): boolean {
  return status >= 200 && status <= 206;
}

/** Read the error body of `res` and build the ApiError the apiserver would answer with. */
export async function backendStatusError(res: IncomingMessage, what: CheckedResource): Promise<ApiError> {
  const body = await readLimited(res, MAX_READ);
  return statusErrorFor(res.statusCode ?? 500, body, what);
}

/** The ApiError for a backend status and body text. */
export function statusErrorFor(code: number, body: string, what: CheckedResource): ApiError {
  if (code === 500) return new ApiError(500, 'InternalError', `Internal error occurred: ${body}`, { causes: [{ message: body }] });
  if (code === 400) return new ApiError(400, 'BadRequest', body);
  const [reason, generic] = genericReason(code, body);
  // NewGenericServerResponse is called with an empty verb, hence the space after the parenthesis.
  const message = `${generic} ( ${what.resource} ${what.name})`;
  const causes = body ? [{ reason: 'UnexpectedServerResponse', message: body }] : undefined;
  return new ApiError(code, reason, message, { name: what.name, kind: what.resource, ...(causes ? { causes } : {}) });
}

function genericReason(code: number, body: string): [StatusReason, string] {
  switch (code) {
    case 401:
      return ['Unauthorized', 'the server has asked for the client to provide credentials'];
    case 403:
      return ['Forbidden', body];
    case 404:
      return ['NotFound', 'the server could not find the requested resource'];
    case 405:
      return ['MethodNotAllowed', 'the server does not allow this method on the requested resource'];
    case 406:
      return ['NotAcceptable', body && body !== 'unknown' ? body : 'the server was unable to respond with a content type that the client supports'];
    case 409:
      return ['Conflict', 'the server reported a conflict'];
    case 415:
      return ['UnsupportedMediaType', body && body !== 'unknown' ? body : 'the server was unable to respond with a content type that the client supports'];
    case 422:
      return ['Invalid', 'the server rejected our request due to an error in our request'];
    case 429:
      return ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'];
    case 503:
      return ['ServiceUnavailable', 'the server is currently unable to handle the request'];
    case 504:
      return ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'];
    default:
      if (code >= 500) return ['InternalError', `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding`];
      return ['', `the server responded with the status code ${code} but did not return more information`];
  }
}

function readLimited(res: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      res.destroy();
      resolve(Buffer.concat(chunks).subarray(0, limit).toString('utf8'));
    };
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) done();
    });
    res.once('end', done);
    res.once('error', done);
  });
}
