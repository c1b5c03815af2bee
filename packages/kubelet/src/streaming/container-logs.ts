// `GET /containerLogs/NS/P/C`: a container's CRI log with PodLogOptions applied, as `text/plain`. The
// headers go out at once (the kubelet's zero-byte write), each chunk is flushed as it is read, a slow client
// holds the reader back, and `follow` ends when the instance being read stops. Errors are the kubelet's.
import { once } from 'node:events';
import type { ContainerStatus } from '../pod-status.ts';
import { readContainerLog } from '../runtime/index.ts';
import type { ContainerAccess } from '../server/host.ts';
import type { RouteContext } from '../server/routes.ts';
import { parseLogQuery } from './log-options.ts';
import type { LogRequest } from './log-options.ts';
import { writeTextResponse } from './text-response.ts';

/** Serves one containerLogs request. */
export async function serveContainerLogs({ res, params, query, host }: RouteContext): Promise<void> {
  const parsed = parseLogQuery(query);
  if (parsed.kind === 'error') return writeTextResponse(res, parsed.status, parsed.message);
  const { namespace, pod, container } = params;
  if (!host.pod(namespace, pod)) return writeTextResponse(res, 404, `pod "${pod}" does not exist`);
  const access = host.container(namespace, pod, container);
  if (!access) return writeTextResponse(res, 404, `container "${container}" not found in pod "${pod}"`);
  const source = logSource(access, parsed.options, pod);
  if (source.kind === 'error') return writeTextResponse(res, 400, source.message);

  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.flushHeaders();
  const abort = new AbortController();
  // 'close' on the response is the client going away (or the end, when nothing is left to abort).
  res.once('close', () => abort.abort());
  const { follow, sinceSeconds, sinceTime, tailLines, limitBytes, timestamps } = parsed.options;
  try {
    const log = readContainerLog(source.path, {
      follow,
      sinceSeconds,
      sinceTime,
      tailLines,
      limitBytes,
      timestamps,
      signal: abort.signal,
      until: source.until,
    });
    for await (const chunk of log) {
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      if (abort.signal.aborted) break;
    }
    res.end();
  } catch {
    // The headers are out: all that is left is to cut the stream, as the kubelet does on a read error.
    res.destroy();
  }
}

type LogSource = { kind: 'file'; path: string; until: Promise<unknown> } | { kind: 'error'; message: string };

/** Which instance's log to read (the kubelet's validateContainerLogStatus), and how long to follow it. */
function logSource(access: ContainerAccess, options: LogRequest, pod: string): LogSource {
  const name = access.spec.name;
  if (options.previous) {
    if (!access.status.lastState.terminated || !access.previousLogPath) {
      return { kind: 'error', message: `previous terminated container "${name}" in pod "${pod}" not found` };
    }
    return { kind: 'file', path: access.previousLogPath, until: Promise.resolve() };
  }
  if (!access.logPath) return { kind: 'error', message: waitingMessage(access.status, name, pod) };
  const live = access.handle?.logPath === access.logPath;
  return { kind: 'file', path: access.logPath, until: live ? access.exited : Promise.resolve() };
}

function waitingMessage(status: ContainerStatus, name: string, pod: string): string {
  const reason = status.state.waiting?.reason;
  if (reason === 'ErrImagePull') return `container "${name}" in pod "${pod}" is waiting to start: image can't be pulled`;
  if (reason === 'ImagePullBackOff') {
    return `container "${name}" in pod "${pod}" is waiting to start: trying and failing to pull image`;
  }
  if (reason) return `container "${name}" in pod "${pod}" is waiting to start: ${reason}`;
  return `container "${name}" in pod "${pod}" is waiting to start - no logs yet`;
}
