import { afterEach, describe, expect, it } from 'vitest';
import type { RemoteCommandOptions, RemoteCommandSession, StreamStatus, TerminalSize } from '../types.ts';
import { GoAwayStatus } from './frames.ts';
import { acceptSpdyRemoteCommand, expectedStreamCount, statusPayload } from './remote-command.ts';
import type { SpdyStream } from './stream.ts';
import { dialSpdy, readAll, startUpgradeServer, waitFor } from './testing.ts';
import type { DialResult, UpgradeServer } from './testing.ts';

const EXEC = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
const EXIT_3: StreamStatus = {
  metadata: {},
  status: 'Failure',
  message: 'command terminated with non-zero exit code: exit status 3',
  reason: 'NonZeroExitCode',
  details: { causes: [{ reason: 'ExitCode', message: '3' }] },
};

let server: UpgradeServer | undefined;
const sockets: DialResult[] = [];
afterEach(async () => {
  for (const dial of sockets.splice(0)) dial.socket.destroy();
  await server?.close();
  server = undefined;
});

/** Starts a server accepting exec with `opts`, and dials it offering `protocol`. */
async function exec(opts: RemoteCommandOptions, protocol: string, timeoutMs?: number) {
  let resolveSession!: (session: RemoteCommandSession | undefined) => void;
  const session = new Promise<RemoteCommandSession | undefined>((resolve) => (resolveSession = resolve));
  server = await startUpgradeServer((up) => {
    void acceptSpdyRemoteCommand(up, opts, EXEC, { streamCreationTimeoutMs: timeoutMs, closeTimeoutMs: 1000 }).then(resolveSession);
  });
  const dial = await dialSpdy({ port: server.port, protocols: [protocol] });
  sockets.push(dial);
  return { session, dial, client: dial.session! };
}

/** Opens the streams kubectl opens, in its order. */
async function openStreams(dial: DialResult, types: string[]): Promise<Record<string, SpdyStream>> {
  const streams: Record<string, SpdyStream> = {};
  for (const type of types) streams[type] = await dial.session!.openStream({ streamtype: type });
  return streams;
}

describe('expectedStreamCount', () => {
  it('counts error, each channel asked for, and resize only for a tty on v3+', () => {
    const all = { stdin: true, stdout: true, stderr: false, tty: true };
    expect(expectedStreamCount(all, 'v4.channel.k8s.io')).toBe(4);
    expect(expectedStreamCount(all, 'v2.channel.k8s.io')).toBe(3);
    expect(expectedStreamCount({ stdin: false, stdout: true, stderr: true, tty: false }, 'v5.channel.k8s.io')).toBe(3);
  });
});

describe('statusPayload', () => {
  it('is the Status JSON for v4 and v5, in metav1.Status field order', () => {
    expect(statusPayload('v4.channel.k8s.io', { metadata: {}, status: 'Success' })).toBe('{"metadata":{},"status":"Success"}');
    expect(statusPayload('v5.channel.k8s.io', { reason: 'NonZeroExitCode', status: 'Failure', metadata: {}, message: 'm' })).toBe(
      '{"metadata":{},"status":"Failure","message":"m","reason":"NonZeroExitCode"}',
    );
    const internal: StreamStatus = { code: 500, details: { causes: [{ message: 'boom' }] }, reason: 'InternalError', message: 'm', status: 'Failure', metadata: {} };
    expect(statusPayload('v4.channel.k8s.io', internal)).toBe(
      '{"metadata":{},"status":"Failure","message":"m","reason":"InternalError","details":{"causes":[{"message":"boom"}]},"code":500}',
    );
  });

  it('is the bare message on failure and nothing on success for v1–v3', () => {
    expect(statusPayload('v3.channel.k8s.io', EXIT_3)).toBe('command terminated with non-zero exit code: exit status 3');
    expect(statusPayload('channel.k8s.io', { metadata: {}, status: 'Success' })).toBe('');
  });
});

describe('acceptSpdyRemoteCommand', () => {
  it('runs an exec like kubectl does: stdin in, output out, status last, then GOAWAY', async () => {
    const { session, dial } = await exec({ stdin: true, stdout: true, stderr: true, tty: false }, 'v4.channel.k8s.io');
    const client = await openStreams(dial, ['error', 'stdin', 'stdout', 'stderr']);
    const remote = (await session)!;
    expect(remote.protocol).toBe('v4.channel.k8s.io');

    const stdinSeen = readAll(remote.stdin!);
    client.stdin.end('input bytes');
    expect((await stdinSeen).toString()).toBe('input bytes');

    const [out, err, status] = [readAll(client.stdout), readAll(client.stderr), readAll(client.error)];
    remote.stdout!.write('to stdout');
    remote.stderr!.write('to stderr');
    remote.end(EXIT_3);
    expect((await out).toString()).toBe('to stdout');
    expect((await err).toString()).toBe('to stderr');
    expect(JSON.parse((await status).toString())).toEqual(EXIT_3);
    await waitFor(() => dial.frames.some((f) => f.kind === 'goaway'));
    expect(dial.frames.at(-1)).toEqual({ kind: 'goaway', lastGoodStreamId: 7, status: GoAwayStatus.Ok });
  });

  it('writes the failure message as text on v2, and nothing on success', async () => {
    const failing = await exec({ stdin: false, stdout: true, stderr: false, tty: false }, 'v2.channel.k8s.io');
    const streams = await openStreams(failing.dial, ['error', 'stdout']);
    const failed = readAll(streams.error);
    (await failing.session)!.end(EXIT_3);
    expect((await failed).toString()).toBe(EXIT_3.message);
    await server!.close();

    const succeeding = await exec({ stdin: false, stdout: true, stderr: false, tty: false }, 'v2.channel.k8s.io');
    const more = await openStreams(succeeding.dial, ['error', 'stdout']);
    const ok = readAll(more.error);
    (await succeeding.session)!.end({ metadata: {}, status: 'Success' });
    expect((await ok).length).toBe(0);
  });

  it('delivers terminal sizes from the resize stream however the JSON is cut', async () => {
    const { session, dial } = await exec({ stdin: true, stdout: true, stderr: false, tty: true }, 'v5.channel.k8s.io');
    const client = await openStreams(dial, ['error', 'stdin', 'stdout', 'resize']);
    const remote = (await session)!;
    const sizes: TerminalSize[] = [];
    remote.onResize((size) => sizes.push(size));
    client.resize.write('{"Width":80,"Height":24}\n{"Wid');
    client.resize.write('th":120,"Height":40}\n');
    client.resize.write('{"width":1,"height":2}');
    await waitFor(() => sizes.length === 3);
    expect(sizes).toEqual([{ width: 80, height: 24 }, { width: 120, height: 40 }, { width: 1, height: 2 }]);
    expect(remote.stderr).toBeUndefined();
  });

  it('needs no resize stream for a tty on v2', async () => {
    const { session, dial } = await exec({ stdin: true, stdout: true, stderr: false, tty: true }, 'v2.channel.k8s.io');
    await openStreams(dial, ['error', 'stdin', 'stdout']);
    expect((await session)?.protocol).toBe('v2.channel.k8s.io');
  });

  it('replies to a stream of an unknown type without counting it', async () => {
    const { session, dial } = await exec({ stdin: false, stdout: true, stderr: false, tty: false }, 'v4.channel.k8s.io');
    await openStreams(dial, ['error', 'bogus']);
    let settled = false;
    void session.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    await openStreams(dial, ['stdout']);
    expect((await session)?.stdout).toBeDefined();
  });

  it('gives up when the client does not open its streams in time', async () => {
    const { session, dial } = await exec({ stdin: true, stdout: true, stderr: false, tty: false }, 'v4.channel.k8s.io', 200);
    await openStreams(dial, ['error']);
    expect(await session).toBeUndefined();
    await waitFor(() => dial.frames.some((f) => f.kind === 'goaway'));
  });

  it('notices the client leaving: RST_STREAM on each stream, then GOAWAY', async () => {
    const { session, dial } = await exec({ stdin: true, stdout: true, stderr: false, tty: false }, 'v4.channel.k8s.io');
    const client = await openStreams(dial, ['error', 'stdin', 'stdout']);
    const remote = (await session)!;
    const closed = new Promise<void>((resolve) => remote.onClose(resolve));
    const stdinEnded = new Promise<void>((resolve) => remote.stdin!.once('close', resolve));
    for (const stream of Object.values(client)) stream.reset();
    dial.session!.close();
    await Promise.all([closed, stdinEnded]);
  });
});
