// `POST /run/NS/P/C?cmd=…`: the kubelet's legacy synchronous exec. The command line is split on spaces, run
// without stdin, and answered with its output (stdout, then stderr). A non-zero exit is a 500 worded as the
// CRI's ExecSync error: `command 'sh -c exit 3' exited with 3: <stderr>`.
import { Writable } from 'node:stream';
import type { RouteContext } from '../server/routes.ts';
import { writeTextResponse } from './text-response.ts';

/** Output beyond this is cut (ExecSync has a limit too). */
export const RUN_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** Serves one run request. */
export async function serveRunInContainer({ res, params, query, host }: RouteContext): Promise<void> {
  const { namespace, pod, container } = params;
  if (!host.pod(namespace, pod)) return writeTextResponse(res, 404, 'pod does not exist');
  const handle = host.container(namespace, pod, container)?.handle;
  if (!handle) return writeTextResponse(res, 500, `container not found ("${container}")`);
  const command = (query.get('cmd') ?? '').split(' ');
  const stdout = new Capture();
  const stderr = new Capture();
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  let exitCode: number;
  try {
    exitCode = await handle.exec({ command, stdout, stderr, signal: abort.signal });
  } catch (err) {
    return writeTextResponse(res, 500, (err as Error).message);
  }
  if (exitCode !== 0) return writeTextResponse(res, 500, `command '${command.join(' ')}' exited with ${exitCode}: ${stderr.text()}`);
  const body = Buffer.concat([stdout.bytes(), stderr.bytes()]);
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}

/** Collects what is written, up to RUN_MAX_OUTPUT_BYTES. */
class Capture extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    const room = RUN_MAX_OUTPUT_BYTES - this.size;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    callback();
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}
