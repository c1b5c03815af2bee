// The `ws` library, typed for the parts Konnectivity uses. The repository has no @types/ws, and an ambient
// `declare module 'ws'` would collide with other packages' declarations; loading it through require keeps types local.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { SecureContextOptions } from 'node:tls';

/** A `ws` WebSocket (server or client side). */
export interface WebSocket {
  readonly readyState: number;
  send(data: Buffer, options: { binary: boolean }, callback?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'open', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'unexpected-response', listener: (req: ClientRequest, res: IncomingMessage) => void): this;
}

/** Client options: TLS material, headers, and no compression (the tunnel carries arbitrary bytes). */
export interface WebSocketClientOptions extends SecureContextOptions {
  headers?: Record<string, string>;
  rejectUnauthorized?: boolean;
  perMessageDeflate?: boolean;
  servername?: string;
  handshakeTimeout?: number;
}

/** A `ws` server in noServer mode. */
export interface WebSocketServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, callback: (ws: WebSocket, req: IncomingMessage) => void): void;
}

interface WsModule {
  WebSocket: {
    new (url: string, protocols?: string | string[], options?: WebSocketClientOptions): WebSocket;
    readonly OPEN: number;
  };
  WebSocketServer: new (options: { noServer: true; clientTracking?: boolean; perMessageDeflate?: boolean; maxPayload?: number }) => WebSocketServer;
}

const ws = createRequire(import.meta.url)('ws') as WsModule;

/** The WebSocket class (`new WebSocketClient(url, protocols, options)` dials). */
export const WebSocketClient = ws.WebSocket;

/** The WebSocketServer class (noServer mode only). */
export const WebSocketServerClass = ws.WebSocketServer;

/** readyState of an open WebSocket. */
export const WS_OPEN = ws.WebSocket.OPEN;
