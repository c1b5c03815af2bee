// The `ws` library, typed for the parts hubspoke uses. The repository has no @types/ws, and an ambient
// `declare module 'ws'` would collide with any other one; loading it through require keeps the types local.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { SecureContextOptions } from 'node:tls';

/** A `ws` WebSocket (server or client side). */
export interface WebSocket {
  /** The negotiated subprotocol ('' when none). */
  readonly protocol: string;
  readonly readyState: number;
  /** Bytes queued by send() and not yet handed to the socket. */
  readonly bufferedAmount: number;
  readonly isPaused: boolean;
  send(data: Buffer | string, options: { binary: boolean }, callback?: (err?: Error) => void): void;
  ping(data?: Buffer, mask?: boolean, callback?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  /** Stops reading from the socket (flow control); resume() starts again. */
  pause(): void;
  resume(): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'open' | 'pong', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'unexpected-response', listener: (req: ClientRequest, res: IncomingMessage) => void): this;
  once(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  once(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  once(event: 'open' | 'pong', listener: () => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  once(event: 'unexpected-response', listener: (req: ClientRequest, res: IncomingMessage) => void): this;
}

/** Client options (tests and tools dial with these). */
export interface WebSocketClientOptions extends SecureContextOptions {
  headers?: Record<string, string>;
  rejectUnauthorized?: boolean;
  perMessageDeflate?: boolean;
}

/** A `ws` server in noServer mode. */
export interface WebSocketServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, callback: (ws: WebSocket, req: IncomingMessage) => void): void;
}

interface WsModule {
  WebSocket: {
    new (url: string, protocols?: string | string[], options?: WebSocketClientOptions): WebSocket;
    readonly OPEN: number;
    readonly CLOSED: number;
  };
  WebSocketServer: new (options: {
    noServer: true;
    clientTracking?: boolean;
    perMessageDeflate?: boolean;
    maxPayload?: number;
    handleProtocols?: (protocols: Set<string>, req: IncomingMessage) => string | false;
  }) => WebSocketServer;
}

const ws = createRequire(import.meta.url)('ws') as WsModule;

/** The WebSocket class (`new WebSocketClient(url, protocols, options)` dials). */
export const WebSocketClient = ws.WebSocket;

/** The WebSocketServer class. */
export const WebSocketServerClass = ws.WebSocketServer;
