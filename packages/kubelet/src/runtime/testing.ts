// Helpers for this folder's tests: temporary log directories, pods on 127.244.250.x, and output capture.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ToyImage } from './program.ts';
import { createToyRuntime } from './toy-runtime.ts';
import type { ContainerHandle, ContainerSpec, PodSandbox } from './types.ts';

/** A temporary directory removed by `cleanup`. */
export async function tempDir(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'hubspoke-runtime-'));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A pod sandbox on a test address in 127.244.250.0/24. */
export function testPod(host: number, name = `pod-${host}`): PodSandbox {
  return { uid: `uid-${host}`, namespace: 'default', name, ip: `127.244.250.${host}`, hostname: name };
}

/** A writable that remembers everything written to it. */
export function collector(): { stream: PassThrough; buffer: () => Buffer; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, buffer: () => Buffer.concat(chunks), text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Records a container's live output and waits for text to appear in it. */
export function watchOutput(handle: ContainerHandle): {
  text: (stream?: 'stdout' | 'stderr') => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
} {
  const seen: { stream: 'stdout' | 'stderr'; chunk: Buffer }[] = [];
  const waiters = new Set<() => void>();
  handle.onOutput((stream, chunk) => {
    seen.push({ stream, chunk });
    for (const wake of waiters) wake();
  });
  const text = (stream?: 'stdout' | 'stderr') =>
    Buffer.concat(seen.filter((s) => !stream || s.stream === stream).map((s) => s.chunk)).toString('utf8');
  const waitFor = (pattern: RegExp, timeoutMs = 5000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = text().match(pattern);
        if (!match) return;
        cleanup();
        resolve(match);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${pattern}; output so far: ${JSON.stringify(text())}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { text, waitFor };
}

/** Starts containers of one test pod with logs in a temporary directory; `cleanup` stops them all. */
export async function runtimeFixture(pod: PodSandbox, images?: Record<string, ToyImage>) {
  const dir = await tempDir();
  const runtime = createToyRuntime({ images });
  const handles: ContainerHandle[] = [];
  let count = 0;
  return {
    dir: dir.path,
    async start(spec: Partial<ContainerSpec> & { image: string }, attempt = 0): Promise<ContainerHandle> {
      const name = spec.name ?? `c${count++}`;
      const handle = await runtime.startContainer(
        pod,
        { name, env: {}, ports: [], ...spec },
        { logPath: join(dir.path, name, `${attempt}.log`), attempt },
      );
      handles.push(handle);
      return handle;
    },
    async cleanup(): Promise<void> {
      await Promise.all(handles.splice(0).map((h) => h.stop(0)));
      await dir.cleanup();
    },
  };
}

/** The CRI log records of a container as `stream tag content` lines (timestamps dropped). */
export async function logRecords(handle: ContainerHandle): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  return (await readFile(handle.logPath, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^\S+ /, ''));
}

/** Polls a container's log until a record matches. */
export async function waitForLog(handle: ContainerHandle, pattern: RegExp, timeoutMs = 5000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = await logRecords(handle).catch(() => []);
    for (const record of records) {
      const match = record.match(pattern);
      if (match) return match;
    }
    if (Date.now() > deadline) throw new Error(`no log record matched ${pattern}: ${JSON.stringify(records)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
