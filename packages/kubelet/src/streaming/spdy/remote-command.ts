// exec/attach over SPDY (kubelet's cri/streaming/remotecommand, httpstream.go): after the 101 the client opens
// one stream per channel, each named by its `streamtype` header — error, stdin, stdout, stderr (not with a
// tty) and resize (a tty, protocols v3 and later) — within the stream creation timeout. The session is ready
// once every expected stream has its SYN_REPLY. It ends with the status on the error stream (a Status JSON
// for v4/v5, the bare message on failure for older protocols), FIN on our streams, then GOAWAY.
import type { Writable } from 'node:stream';
import type { RemoteCommandOptions, RemoteCommandSession, StreamStatus, TerminalSize, UpgradeRequest } from '../types.ts';
import { upgradeToSpdy } from './handshake.ts';
import { headerValue } from './header-block.ts';
import { SpdySession } from './session.ts';
import type { SpdyStream } from './stream.ts';
import { TerminalSizeDecoder } from './terminal-size.ts';
import { DEFAULT_STREAM_CREATION_TIMEOUT_MS } from './tuning.ts';
import type { SpdyTuning } from './tuning.ts';

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';
const STREAM_TYPES: readonly string[] = ['error', 'stdin', 'stdout', 'stderr', 'resize'];

// Only these carry the Status as JSON; v1–v3 send the failure message as text.
const JSON_STATUS_PROTOCOLS = new Set(['v4.channel.k8s.io', 'v5.channel.k8s.io']);
// The resize stream arrived with v3; v2 and v1 clients never open one.
const NO_RESIZE_PROTOCOLS = new Set(['v2.channel.k8s.io', 'channel.k8s.io']);

/**
 * Answers an exec/attach SPDY upgrade and waits for the client's streams. Resolves undefined when the
 * handshake was refused (the error is already written) or the streams did not all arrive in time.
 */
export async function acceptSpdyRemoteCommand(
  up: UpgradeRequest,
  opts: RemoteCommandOptions,
  protocols: string[],
  tuning: SpdyTuning = {},
): Promise<RemoteCommandSession | undefined> {
  const handshake = upgradeToSpdy(up, protocols);
  if (handshake.kind !== 'upgraded') return undefined;
  const session = new SpdySession({ connection: up.socket, role: 'server', head: up.head, closeTimeoutMs: tuning.closeTimeoutMs });
  const streams = await collectStreams(session, {
    expected: expectedStreamCount(opts, handshake.protocol),
    timeoutMs: tuning.streamCreationTimeoutMs ?? DEFAULT_STREAM_CREATION_TIMEOUT_MS,
  });
  if (!streams) {
    session.close();
    return undefined;
  }
  return new SpdyRemoteCommandSession(handshake.protocol, session, streams);
}

/** The error stream plus one per requested channel, plus resize for a tty where the protocol has it. */
export function expectedStreamCount(opts: RemoteCommandOptions, protocol: string): number {
  const resize = opts.tty && !NO_RESIZE_PROTOCOLS.has(protocol);
  return 1 + Number(opts.stdin) + Number(opts.stdout) + Number(opts.stderr) + Number(resize);
}

/** The bytes written on the error stream for `status` under `protocol` (empty: nothing to write). */
export function statusPayload(protocol: string, status: StreamStatus): string {
  if (JSON_STATUS_PROTOCOLS.has(protocol)) {
    // metav1.Status field order, as Go's json.Marshal writes it.
    const { metadata, status: outcome, message, reason, details, ...rest } = status;
    return JSON.stringify({ metadata, status: outcome, message, reason, details, ...rest });
  }
  return status.status === 'Success' ? '' : (status.message ?? '');
}

function collectStreams(session: SpdySession, wanted: { expected: number; timeoutMs: number }): Promise<Map<StreamType, SpdyStream> | undefined> {
  return new Promise((resolve) => {
    const streams = new Map<StreamType, SpdyStream>();
    let counted = 0;
    const timer = setTimeout(() => resolve(undefined), wanted.timeoutMs);
    session.onClose(() => {
      clearTimeout(timer);
      resolve(undefined);
    });
    session.onStream((stream) => {
      const type = headerValue(stream.headers, 'streamtype') ?? '';
      // Kubernetes replies to a stream of an unknown type but does not count it.
      if (!STREAM_TYPES.includes(type)) return;
      streams.set(type as StreamType, stream);
      if (++counted === wanted.expected) {
        clearTimeout(timer);
        resolve(streams);
      }
    });
  });
}

class SpdyRemoteCommandSession implements RemoteCommandSession {
  readonly stdin: SpdyStream | undefined;
  readonly stdout: SpdyStream | undefined;
  readonly stderr: SpdyStream | undefined;
  private readonly errorStream: SpdyStream | undefined;
  private readonly resizeListeners: Array<(size: TerminalSize) => void> = [];
  private ended = false;

  constructor(
    readonly protocol: string,
    private readonly session: SpdySession,
    streams: Map<StreamType, SpdyStream>,
  ) {
    this.stdin = streams.get('stdin');
    this.stdout = streams.get('stdout');
    this.stderr = streams.get('stderr');
    this.errorStream = streams.get('error');
    const resize = streams.get('resize');
    if (resize) {
      const decoder = new TerminalSizeDecoder();
      resize.on('data', (chunk: Buffer) => {
        for (const size of decoder.push(chunk)) for (const listener of this.resizeListeners) listener(size);
      });
    }
  }

  onResize(listener: (size: TerminalSize) => void): void {
    this.resizeListeners.push(listener);
  }

  end(status: StreamStatus): void {
    if (this.ended) return;
    this.ended = true;
    const payload = statusPayload(this.protocol, status);
    if (this.errorStream && payload) this.errorStream.write(payload);
    const ours = [this.errorStream, this.stdout, this.stderr].filter((s): s is SpdyStream => s !== undefined);
    for (const stream of ours) stream.end();
    // GOAWAY must follow every byte and FIN already queued on the streams.
    void Promise.all(ours.map(whenWritten)).then(() => this.session.close());
  }

  onClose(listener: () => void): void {
    this.session.onClose(listener);
  }
}

function whenWritten(stream: Writable): Promise<void> {
  if (stream.writableFinished || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('finish', () => resolve());
    stream.once('close', () => resolve());
  });
}
