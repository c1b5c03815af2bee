// port-forward over the WebSocket channel protocols (pkg/kubelet/cri/streaming/portforward/websocket.go),
// as @kubernetes/client-node speaks it: the ports come from the query (`?port=8080,9090`); port i uses
// channel 2i for data and 2i+1 for errors, and the kubelet first sends the port as a little-endian uint16
// on both. The protocol has no way to close one channel, so the WebSocket closes (1000) once every port's
// forwarding is over.
import { Duplex } from 'node:stream';
import type { PortForwardSession, PortForwardStream, UpgradeRequest } from '../types.ts';
import { acceptChannelWebSocket } from './accept.ts';
import type { ChannelConnection, ChannelConnectionOptions } from './channel-connection.ts';
import { PORT_FORWARD_PROTOCOLS } from './subprotocol.ts';

/** The ports of a WebSocket port-forward (`port` query parameters, comma lists allowed), or the kubelet's 400. */
export function parsePortForwardPorts(query: URLSearchParams): { kind: 'ok'; ports: number[] } | { kind: 'invalid'; message: string } {
  const values = query.getAll('port');
  if (values.length === 0) return { kind: 'invalid', message: 'query parameter "port" is required' };
  const ports: number[] = [];
  for (const value of values) {
    if (value === '') return { kind: 'invalid', message: 'query parameter "port" cannot be empty' };
    for (const part of value.split(',')) {
      const port = /^\d+$/.test(part) ? Number(part) : NaN;
      if (!(port <= 0xffff)) {
        return { kind: 'invalid', message: `unable to parse "${value}" as a port: strconv.ParseUint: parsing "${part}": invalid syntax` };
      }
      if (port < 1) return { kind: 'invalid', message: `port "${value}" must be > 0` };
      ports.push(port);
    }
  }
  return { kind: 'ok', ports };
}

/** Accepts a port-forward WebSocket for `ports`; undefined when refused (already answered on the socket). */
export async function acceptWebSocketPortForward(
  up: UpgradeRequest,
  ports: readonly number[],
  connection?: ChannelConnectionOptions,
): Promise<PortForwardSession | undefined> {
  const conn = await acceptChannelWebSocket(up, PORT_FORWARD_PROTOCOLS, connection);
  return conn ? new WebSocketPortForwardSession(conn, ports) : undefined;
}

class WebSocketPortForwardSession implements PortForwardSession {
  readonly protocol: string;
  private readonly streams: PortForwardStream[] = [];
  private readonly done = new Set<number>();

  constructor(
    private readonly conn: ChannelConnection,
    ports: readonly number[],
  ) {
    this.protocol = conn.protocol.name;
    ports.forEach((port, i) => this.streams.push(this.openStream(port, i)));
    conn.onData((channel, payload) => {
      const stream = this.streams[channel / 2];
      // Odd channels are the kubelet's to write; what a client sends there is dropped.
      if (!stream || stream.data.destroyed || stream.data.readableEnded) return;
      if (!stream.data.push(payload)) conn.hold(channel);
    });
    conn.onClose(() => {
      for (const { data } of this.streams) if (!data.destroyed) data.push(null);
    });
  }

  onStream(listener: (stream: PortForwardStream) => void): void {
    for (const stream of this.streams) queueMicrotask(() => listener(stream));
  }

  onClose(listener: () => void): void {
    this.conn.onClose(listener);
  }

  close(): void {
    this.conn.close(1000);
  }

  private openStream(port: number, index: number): PortForwardStream {
    const dataChannel = 2 * index;
    const errorChannel = dataChannel + 1;
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    const ignore = () => undefined;
    this.conn.send(dataChannel, portBytes).catch(ignore);
    this.conn.send(errorChannel, portBytes).catch(ignore);
    const data = new Duplex({
      read: () => this.conn.release(dataChannel),
      write: (chunk: Buffer, _encoding, callback) => {
        if (chunk.length === 0) return callback();
        this.conn.send(dataChannel, chunk).then(() => callback(), callback);
      },
      final: (callback) => {
        this.forwarded(index);
        callback();
      },
      destroy: (err, callback) => {
        this.forwarded(index);
        callback(err);
      },
    });
    data.on('error', ignore);
    return { port, data, error: (message) => void this.conn.send(errorChannel, Buffer.from(message)).catch(ignore) };
  }

  private forwarded(index: number): void {
    this.done.add(index);
    if (this.done.size === this.streams.length) this.conn.close(1000);
  }
}
