// exec/attach over the WebSocket channel protocols (pkg/kubelet/cri/streaming/remotecommand/websocket.go):
// channel 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize. At open the kubelet sends one empty message
// on the lowest channel it writes (stdout, else stderr, else error) to tell the client the streams are up;
// at the end it sends the status (Status JSON for v4+, the message text before) and closes with 1000.
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { statusJson, statusText } from '../status.ts';
import { TerminalSizeDecoder } from '../terminal-size.ts';
import type { RemoteCommandOptions, RemoteCommandSession, StreamStatus, TerminalSize, UpgradeRequest } from '../types.ts';
import { acceptChannelWebSocket } from './accept.ts';
import type { ChannelConnection, ChannelConnectionOptions } from './channel-connection.ts';
import { REMOTE_COMMAND_PROTOCOLS } from './subprotocol.ts';

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;

/**
 * How long a session waits after the handshake before the command may write. client-go ≤1.30 starts reading
 * the connection before it has created its streams and drops messages for streams it does not know yet
 * ("Unknown stream id 1, discarding message"), losing a fast command's output and status. A real container
 * runtime takes longer than that window to start an exec; the toy runtime does not, so the session waits.
 */
export const STREAM_SETUP_GRACE_MS = 100;

/** Accepts an exec/attach WebSocket; undefined when refused (already answered on the socket). */
export async function acceptWebSocketRemoteCommand(
  up: UpgradeRequest,
  opts: RemoteCommandOptions,
  connection?: ChannelConnectionOptions,
): Promise<RemoteCommandSession | undefined> {
  const conn = await acceptChannelWebSocket(up, REMOTE_COMMAND_PROTOCOLS, connection);
  if (!conn) return undefined;
  const session = new WebSocketRemoteCommandSession(conn, opts);
  await new Promise((resolve) => setTimeout(resolve, STREAM_SETUP_GRACE_MS));
  return session;
}

/** A Writable that sends each chunk as one message on `channel`, waiting while the socket is backed up. */
export function channelWritable(conn: ChannelConnection, channel: number): Writable {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (chunk.length === 0) return callback();
      conn.send(channel, chunk).then(() => callback(), callback);
    },
  });
  // Writers learn of a closed connection from their write callbacks.
  stream.on('error', () => undefined);
  return stream;
}

class WebSocketRemoteCommandSession implements RemoteCommandSession {
  readonly protocol: string;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  private readonly resizeListeners: ((size: TerminalSize) => void)[] = [];
  private lastSize: TerminalSize | undefined;
  private readonly sizes = new TerminalSizeDecoder();
  private stdinEnded = false;
  private ending = false;

  constructor(
    private readonly conn: ChannelConnection,
    opts: RemoteCommandOptions,
  ) {
    this.protocol = conn.protocol.name;
    if (opts.stdin) this.stdin = new Readable({ read: () => conn.release(STDIN) });
    if (opts.stdout) this.stdout = channelWritable(conn, STDOUT);
    if (opts.stderr) this.stderr = channelWritable(conn, STDERR);
    conn.onData((channel, payload) => this.receive(channel, payload));
    conn.onHalfClose((channel) => {
      if (channel === STDIN) this.endStdin();
    });
    conn.onClose(() => this.endStdin());
    const first = opts.stdout ? STDOUT : opts.stderr ? STDERR : ERROR;
    conn.send(first, Buffer.alloc(0)).catch(() => undefined);
  }

  onResize(listener: (size: TerminalSize) => void): void {
    this.resizeListeners.push(listener);
    // A size that arrived before anyone listened (during the stream-setup grace) is not lost.
    if (this.lastSize) listener(this.lastSize);
  }

  onClose(listener: () => void): void {
    this.conn.onClose(listener);
  }

  end(status: StreamStatus): void {
    if (this.ending) return;
    this.ending = true;
    void this.finish(status);
  }

  private async finish(status: StreamStatus): Promise<void> {
    // Output the command already wrote goes out before the status.
    await Promise.all([this.stdout, this.stderr].map((s) => s && flush(s)));
    const payload = this.conn.protocol.statusJson ? statusJson(status) : statusText(status);
    if (payload !== undefined) await this.conn.send(ERROR, Buffer.from(payload)).catch(() => undefined);
    this.conn.close(1000);
  }

  private receive(channel: number, payload: Buffer): void {
    if (channel === STDIN && this.stdin && !this.stdinEnded) {
      if (!this.stdin.push(payload)) this.conn.hold(STDIN);
    } else if (channel === RESIZE) {
      for (const size of this.sizes.push(payload)) {
        this.lastSize = size;
        for (const listener of this.resizeListeners) listener(size);
      }
    }
  }

  private endStdin(): void {
    if (this.stdinEnded) return;
    this.stdinEnded = true;
    this.stdin?.push(null);
    this.conn.release(STDIN);
  }
}

async function flush(stream: Writable): Promise<void> {
  if (stream.destroyed || stream.writableFinished) return;
  if (!stream.writableEnded) stream.end();
  await finished(stream).catch(() => undefined);
}
