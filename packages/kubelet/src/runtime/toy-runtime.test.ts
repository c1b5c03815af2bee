import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readContainerLog } from './cri-log-reader.ts';
import { ContainerNotRunningError, ImagePullError } from './errors.ts';
import { CannotRunError, type ToyImage } from './program.ts';
import { collector, tempDir, testPod, watchOutput } from './testing.ts';
import { createToyRuntime } from './toy-runtime.ts';
import type { ContainerHandle, ContainerSpec } from './types.ts';

const pod = testPod(10, 'runtime-test');
const fake = (run: ToyImage['run'], sigterm: ToyImage['sigterm'] = 'handle'): ToyImage => ({
  name: 'test/fake',
  description: 'test program',
  sigterm,
  run,
});

describe('toy runtime', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const started: ContainerHandle[] = [];
  beforeEach(async () => (dir = await tempDir()));
  afterEach(async () => {
    await Promise.all(started.splice(0).map((h) => h.stop(0)));
    await dir.cleanup();
  });

  async function start(spec: Partial<ContainerSpec> & { image: string }, images?: Record<string, ToyImage>, attempt = 0) {
    const runtime = createToyRuntime({ images });
    const name = spec.name ?? 'c';
    const handle = await runtime.startContainer(pod, { name, env: {}, ports: [], ...spec }, { logPath: join(dir.path, name, `${attempt}.log`), attempt });
    started.push(handle);
    return handle;
  }

  it('refuses an image it does not have with an ErrImagePull error', async () => {
    const err = await start({ image: 'example.com/app:v1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImagePullError);
    expect(err).toMatchObject({ reason: 'ErrImagePull' });
    expect((err as Error).message).toMatch(/^Failed to pull image "example.com\/app:v1": /);
  });

  it('lists its images, aliases included, and resolves tagged aliases', async () => {
    expect(createToyRuntime().images()).toEqual(expect.arrayContaining(['hubspoke/logger', 'busybox', 'nginx', 'hubspoke/client']));
    const handle = await start({ image: 'docker.io/library/busybox:1.36', command: ['true'] });
    expect((await handle.exited).exitCode).toBe(0);
  });

  it('gives containers runtime-style ids, image ids and the attempt as restart count', async () => {
    const handle = await start({ image: 'hubspoke/exit' }, undefined, 3);
    expect(handle.id).toMatch(/^hubspoke:\/\/[0-9a-f]{64}$/);
    expect(handle.imageID).toMatch(/^hubspoke\/exit@sha256:[0-9a-f]{64}$/);
    expect(handle.restartCount).toBe(3);
    expect(handle.startedAt).toBeInstanceOf(Date);
    expect(await readFile(handle.logPath, 'utf8').catch(() => '')).toBeDefined();
  });

  it('maps program results to Kubernetes exit states', async () => {
    const images = {
      ok: fake(async () => 0),
      three: fake(async () => 3),
      crash: fake(async () => {
        throw new Error('boom');
      }),
      missing: fake(async () => {
        throw new CannotRunError('app');
      }),
    };
    const exits = await Promise.all(['ok', 'three', 'crash', 'missing'].map(async (image) => (await start({ name: image, image }, images)).exited));
    expect(exits.map(({ exitCode, reason }) => ({ exitCode, reason }))).toEqual([
      { exitCode: 0, reason: 'Completed' },
      { exitCode: 3, reason: 'Error' },
      { exitCode: 1, reason: 'Error' },
      { exitCode: 128, reason: 'ContainerCannotRun' },
    ]);
    expect(exits[3].message).toBe('exec: "app": executable file not found in $PATH');
    expect(await readFile(join(dir.path, 'crash', '0.log'), 'utf8')).toMatch(/ stderr F Error: boom$/m);
  });

  it('makes each write of the program wait until the log holds it', async () => {
    let sawInLog = '';
    const handle = await start(
      { image: 'writer' },
      {
        writer: fake(async (ctx) => {
          await ctx.print('durable\n');
          sawInLog = await readFile(join(dir.path, 'c', '0.log'), 'utf8');
          return 0;
        }),
      },
    );
    await handle.exited;
    expect(sawInLog).toMatch(/ stdout F durable\n$/);
  });

  it('lets a program that handles SIGTERM exit cleanly within the grace period', async () => {
    const handle = await start({ image: 'hubspoke/logger', env: { INTERVAL_MS: '10000' } });
    const exit = await handle.stop(5000);
    expect(exit).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(exit.signal).toBeUndefined();
  });

  it('kills a program that ignores SIGTERM after the grace period with 137', async () => {
    const handle = await start({ image: 'stubborn' }, { stubborn: fake(() => new Promise<number>(() => undefined)) });
    const begun = Date.now();
    const exit = await handle.stop(150);
    expect(Date.now() - begun).toBeGreaterThanOrEqual(140);
    expect(exit).toMatchObject({ exitCode: 137, reason: 'Error', signal: 'SIGKILL' });
  });

  it('ends a program with the default SIGTERM disposition at once with 143', async () => {
    const handle = await start({ image: 'busybox', command: ['sh', '-c', 'sleep 3600'] });
    expect(await handle.stop(30_000)).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });
  });

  it('closes the listening sockets of a killed container', async () => {
    const handle = await start(
      { image: 'listener' },
      {
        listener: fake(async (ctx) => {
          await ctx.listen(createServer(), 0);
          return new Promise<number>(() => undefined);
        }),
      },
    );
    await waitFor(() => handle.listeners().length === 1);
    const [{ address, port }] = handle.listeners();
    await handle.stop(0);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: address, port }, () => resolve('connected'));
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect(handle.listeners()).toEqual([]);
  });

  it('runs exec through the toy shell with the container environment and files', async () => {
    const handle = await start({ image: 'hubspoke/logger', env: { INTERVAL_MS: '60000', COLOR: 'blue' }, files: new Map([['/data/x', 'X']]) });
    const out = collector();
    expect(await handle.exec({ command: ['sh', '-c', 'echo $COLOR $HOSTNAME; cat /etc/hostname /data/x'], stdout: out.stream })).toBe(0);
    expect(out.text()).toBe('blue runtime-test\nruntime-test\nX');
    const err = collector();
    expect(await handle.exec({ command: ['rm', '-rf', '/'], stdout: out.stream, stderr: err.stream })).toBe(127);
    expect(err.text()).toBe('sh: rm: not found\n');
    const quiet = collector();
    expect(await handle.exec({ command: ['nope'], stdout: quiet.stream })).toBe(127);
    expect(quiet.text()).toBe(''); // no stderr stream requested: error output is dropped
  });

  it('hashes 1 MiB of exec stdin with sha256sum', async () => {
    const handle = await start({ image: 'hubspoke/logger', env: { INTERVAL_MS: '60000' } });
    const data = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
    const out = collector();
    const stdin = new PassThrough();
    const running = handle.exec({ command: ['sha256sum'], stdin, stdout: out.stream });
    for (let at = 0; at < data.length; at += 100_000) stdin.write(data.subarray(at, at + 100_000));
    stdin.end();
    expect(await running).toBe(0);
    expect(out.text()).toBe(`${createHash('sha256').update(data).digest('hex')}  -\n`);
  });

  it('stops an exec when its signal aborts and refuses exec once the container exited', async () => {
    const handle = await start({ image: 'hubspoke/logger', env: { INTERVAL_MS: '60000' } });
    const abort = new AbortController();
    const running = handle.exec({ command: ['sleep', '60'], stdout: collector().stream, signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    expect(await running).toBe(130);
    await handle.stop(1000);
    await expect(handle.exec({ command: ['true'], stdout: collector().stream })).rejects.toBeInstanceOf(ContainerNotRunningError);
  });

  it('runs an interactive `sh` exec on a tty with prompt, echo and CRLF', async () => {
    const handle = await start({ image: 'hubspoke/http-server', env: { PORT: '0' } });
    const out = collector();
    const stdin = new PassThrough();
    const running = handle.exec({ command: ['sh'], stdin, stdout: out.stream, tty: true });
    stdin.write('cd /etc; hostname\r');
    // Typed ahead, the next line would be echoed at once (as a real terminal does); wait for the prompt.
    await waitFor(() => out.text().endsWith('/etc # '));
    stdin.end('exit 9\r');
    expect(await running).toBe(9);
    expect(out.text()).toBe('/ # cd /etc; hostname\r\nruntime-test\r\n/etc # exit 9\r\n');
  });

  it('tells a tty program its terminal size after resize', async () => {
    let size: unknown;
    const handle = await start(
      { image: 'sized', tty: true },
      {
        sized: fake(async (ctx) => {
          await ctx.sleep(60_000);
          size = ctx.terminalSize();
          return 0;
        }),
      },
    );
    handle.resize!({ width: 132, height: 43 });
    await handle.stop(1000);
    expect(size).toEqual({ width: 132, height: 43 });
  });

  it('feeds stdin to the program, streams its output live, and exits at EOF', async () => {
    const handle = await start({ image: 'busybox', stdin: true });
    const output = watchOutput(handle);
    handle.stdin!.write('echo live\n');
    await output.waitFor(/live\n/);
    handle.stdin!.write('nope\n');
    await output.waitFor(/not found/);
    handle.stdin!.end();
    expect((await handle.exited).exitCode).toBe(127);
    expect(output.text('stderr')).toBe('sh: nope: not found\n');
  });

  it('gives a tty container a prompt, CRLF output and a single stream', async () => {
    const handle = await start({ image: 'busybox', stdin: true, tty: true });
    const output = watchOutput(handle);
    // The first prompt was written before anyone attached: press Enter, as kubectl suggests.
    handle.stdin!.write('\r');
    await output.waitFor(/\r\n\/ # $/);
    handle.stdin!.write('nope\r');
    await output.waitFor(/not found\r\n\/ # $/);
    expect(output.text('stderr')).toBe('');
    handle.resize?.({ width: 120, height: 40 });
    handle.stdin!.write('exit 2\r');
    expect((await handle.exited).exitCode).toBe(2);
    const log = await readFile(handle.logPath, 'utf8');
    expect(log).toMatch(/ stdout P \/ # \n/);
    expect(log).not.toMatch(/ stderr /);
  });

  it('writes the whole log before `exited` resolves, so a follower ends with everything', async () => {
    const handle = await start({ image: 'busybox', command: ['sh', '-c', 'for i in $(seq 1 200); do echo line $i; done'] });
    const chunks: Buffer[] = [];
    for await (const chunk of readContainerLog(handle.logPath, { follow: true, until: handle.exited })) chunks.push(chunk);
    const lines = Buffer.concat(chunks).toString().trimEnd().split('\n');
    expect(lines).toHaveLength(200);
    expect(lines[199]).toBe('line 200');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
