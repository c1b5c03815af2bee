// The `ws` package, typed by hand: it ships no declarations and @types/ws is not installed, so it is loaded
// through require and described here by the few members this folder uses.
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex, DuplexOptions } from 'node:stream';

/** The parts of a `ws` WebSocket used here. */
export interface WsSocket {
  readonly protocol: string;
  readonly readyState: number;
  send(data: Buffer, callback?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'open', listener: () => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  once(event: 'open', listener: () => void): this;
  once(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
}

/** The options of a `ws` WebSocketServer used here. */
export interface WsServerOptions {
  noServer: true;
  clientTracking?: boolean;
  perMessageDeflate?: boolean;
  maxPayload?: number;
}

/** The parts of a `ws` WebSocketServer used here. */
export interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, callback: (socket: WsSocket, req: IncomingMessage) => void): void;
  on(event: 'wsClientError', listener: (err: Error, socket: Duplex, req: IncomingMessage) => void): this;
  /** The response header lines, just before they are written. */
  on(event: 'headers', listener: (headers: string[], req: IncomingMessage) => void): this;
  close(): void;
}

/** Client options of a `ws` WebSocket used here (tests dial with them). */
export interface WsClientOptions {
  headers?: Record<string, string>;
  rejectUnauthorized?: boolean;
  perMessageDeflate?: boolean;
}

interface WsModule {
  WebSocketServer: new (options: WsServerOptions) => WsServer;
  WebSocket: new (url: string, protocols?: string | string[], options?: WsClientOptions) => WsSocket;
  createWebSocketStream(socket: WsSocket, options?: DuplexOptions): Duplex;
}

/** `ws` itself. */
export const ws = createRequire(import.meta.url)('ws') as WsModule;
