// The contracts between the kubelet's streaming transports (WebSocket channel protocols, SPDY/3.1, SPDY over
// WebSocket) and what runs over them (exec, attach, port-forward). Deciding where bytes go (the routes) is
// kept apart from moving bytes (the transports): a transport turns an upgraded connection into these
// streams; exec/attach/port-forward never know which transport carried them.
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable, Writable } from 'node:stream';

/** A terminal size (`{"Width":120,"Height":40}` on the wire; client-node sends lowercase keys). */
export interface TerminalSize {
  width: number;
  height: number;
}

/** The `Status` sent on the error channel at the end of exec/attach (without kind/apiVersion for v4+). */
export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
  /** Set on internal errors (500), as apierrors.NewInternalError does. */
  code?: number;
}

/** What exec and attach asked for (`input`, `output`, `error`, `tty` query parameters). */
export interface RemoteCommandOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The streams of one exec/attach session, whatever the transport. */
export interface RemoteCommandSession {
  /** The negotiated subprotocol (`v5.channel.k8s.io`, `v4.channel.k8s.io`, …). */
  protocol: string;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Resize events (tty only). */
  onResize(listener: (size: TerminalSize) => void): void;
  /** Send the final status (worded per protocol version) and close the session. */
  end(status: StreamStatus): void;
  /** The client went away (or the idle timeout fired). */
  onClose(listener: () => void): void;
}

/** One forwarded connection inside a port-forward session. */
export interface PortForwardStream {
  port: number;
  /** Bytes to and from the pod's port. */
  data: Duplex;
  /** Report a failure (e.g. connection refused) to the client. */
  error(message: string): void;
}

/** A port-forward session: the transport announces each new forwarded connection. */
export interface PortForwardSession {
  protocol: string;
  onStream(listener: (stream: PortForwardStream) => void): void;
  onClose(listener: () => void): void;
  close(): void;
}

/** An upgrade request the kubelet accepted (after authentication and authorization). */
export interface UpgradeRequest {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  params: Record<string, string>;
  query: URLSearchParams;
}
