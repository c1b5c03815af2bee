// The query options of pods/log, pods/exec, pods/attach and pods/portforward as the apiserver decodes them
// (apimachinery's url.Values conversions), PodLogOptions validation, and the kubelet query strings built the
// way Go's url.Values.Encode builds them: keys sorted, values query-escaped.
import { badRequest, forbiddenField, invalid, invalidValue, type FieldError } from '@hubspoke/api';

/** `v1.PodLogOptions` (the fields the kubelet understands). */
export interface PodLogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  sinceTime?: Date;
  tailLines?: number;
  limitBytes?: number;
}

/** `v1.PodExecOptions` / `v1.PodAttachOptions` (attach has no command). */
export interface PodStreamOptions {
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Decode pods/log options; 400 for a value that does not parse. */
export function parsePodLogOptions(query: URLSearchParams): PodLogOptions {
  return {
    container: query.get('container') ?? '',
    follow: boolParam(query, 'follow'),
    previous: boolParam(query, 'previous'),
    timestamps: boolParam(query, 'timestamps'),
    sinceSeconds: intParam(query, 'sinceSeconds'),
    sinceTime: timeParam(query, 'sinceTime'),
    tailLines: intParam(query, 'tailLines'),
    limitBytes: intParam(query, 'limitBytes'),
  };
}

/** ValidatePodLogOptions: 422 `PodLogOptions "name" is invalid: …` with Kubernetes' field messages. */
export function validatePodLogOptions(opts: PodLogOptions, podName: string): void {
  const errors: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) {
    errors.push(invalidValue('tailLines', opts.tailLines, 'must be greater than or equal to 0'));
  }
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) {
    errors.push(invalidValue('limitBytes', opts.limitBytes, 'must be greater than 0'));
  }
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errors.push(forbiddenField('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errors.push(invalidValue('sinceSeconds', opts.sinceSeconds, 'must be greater than 0'));
  }
  if (errors.length > 0) throw invalid('PodLogOptions', podName, errors);
}

/** The kubelet's `/containerLogs` query for `opts` (booleans as `true`, sinceTime in RFC 3339). */
export function kubeletLogQuery(opts: PodLogOptions): string {
  const params: [string, string][] = [];
  if (opts.follow) params.push(['follow', 'true']);
  if (opts.previous) params.push(['previous', 'true']);
  if (opts.timestamps) params.push(['timestamps', 'true']);
  if (opts.sinceSeconds !== undefined) params.push(['sinceSeconds', String(opts.sinceSeconds)]);
  if (opts.sinceTime !== undefined) params.push(['sinceTime', opts.sinceTime.toISOString().replace(/\.\d{3}Z$/, 'Z')]);
  if (opts.tailLines !== undefined) params.push(['tailLines', String(opts.tailLines)]);
  if (opts.limitBytes !== undefined) params.push(['limitBytes', String(opts.limitBytes)]);
  return encodeGoQuery(params);
}

/** Decode exec/attach options (`command` is repeated). */
export function parsePodStreamOptions(query: URLSearchParams): PodStreamOptions {
  return {
    container: query.get('container') ?? '',
    command: query.getAll('command'),
    stdin: boolParam(query, 'stdin'),
    stdout: boolParam(query, 'stdout'),
    stderr: boolParam(query, 'stderr'),
    tty: boolParam(query, 'tty'),
  };
}

/** The kubelet's `/exec` or `/attach` query: `command=…&error=1&input=1&output=1&tty=1`. */
export function kubeletStreamQuery(opts: PodStreamOptions, withCommand: boolean): string {
  const params: [string, string][] = [];
  if (opts.stdin) params.push(['input', '1']);
  if (opts.stdout) params.push(['output', '1']);
  if (opts.stderr) params.push(['error', '1']);
  if (opts.tty) params.push(['tty', '1']);
  if (withCommand) for (const c of opts.command) params.push(['command', c]);
  return encodeGoQuery(params);
}

/** Decode portforward's repeated `ports`; 400 for a non-integer. */
export function parsePortForwardPorts(query: URLSearchParams): number[] {
  return query.getAll('ports').map((p) => parseInt32(p));
}

/** The kubelet's `/portForward` query: the ports comma-joined under the name `port`. */
export function kubeletPortForwardQuery(ports: readonly number[]): string {
  return ports.length > 0 ? encodeGoQuery([['port', ports.join(',')]]) : '';
}

/** Go's url.Values.Encode: sorted by key (stable for repeated keys), `k=v` joined by `&`. */
export function encodeGoQuery(params: readonly [string, string][]): string {
  return [...params]
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p[0] < b.p[0] ? -1 : a.p[0] > b.p[0] ? 1 : a.i - b.i))
    .map(({ p: [k, v] }) => `${goQueryEscape(k)}=${goQueryEscape(v)}`)
    .join('&');
}

/** Go's url.QueryEscape: everything but `A-Za-z0-9-_.~` is %XX-escaped, space becomes `+`. */
export function goQueryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

// apimachinery's Convert_Slice_string_To_bool: absent is false, "0" and "false" (any case) are false, the
// rest — including an empty value (`?follow`) — is true.
function boolParam(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  return !(value === '0' || value.toLowerCase() === 'false');
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  }
  return Number(value);
}

function parseInt32(value: string): number {
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  if (n < -2147483648 || n > 2147483647) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
  return n;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function timeParam(query: URLSearchParams, name: string): Date | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const date = RFC3339.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw badRequest(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`);
  }
  return date;
}
