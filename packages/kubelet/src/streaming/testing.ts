// Test plumbing for the streaming endpoints: a KubeletHost whose pods run on the real toy runtime through
// real ContainerRunners (so restarts, `previous` logs and exits behave as in the kubelet), a plain-HTTP
// server that routes requests and upgrades over the real route table, and a channel-protocol client.
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '@hubspoke/api';
import pino from 'pino';
import { ContainerRunner } from '../container-runner.ts';
import type { RestartPolicy } from '../pod-status.ts';
import { RestartBackoff } from '../restart-backoff.ts';
import { createToyRuntime } from '../runtime/index.ts';
import type { ContainerSpec, ToyImage } from '../runtime/index.ts';
import type { ContainerAccess, KubeletHost } from '../server/host.ts';
import { matchRoute } from '../server/router.ts';
import { kubeletRoutes } from '../server/routes.ts';
import { WebSocketClient } from './websocket/ws-library.ts';
import type { WebSocket, WebSocketClientOptions } from './websocket/ws-library.ts';

/** A container as a test declares it. */
export type TestContainer = Partial<ContainerSpec> & { name: string; image: string };

/** A pod running on the fake host. */
export interface TestPod {
  object: KubeObject;
  ip: string;
  runners: ContainerRunner[];
}

// Test files run in parallel processes: a random host part keeps their pod IPs apart.
let nextHost = 2 + Math.floor(Math.random() * 200);

/** A KubeletHost over the toy runtime, with pods on 127.244.250.x. */
export class TestHost implements KubeletHost {
  readonly nodeName = 'streaming-node';
  streamingConnectionIdleTimeoutMs?: number;
  private readonly podsByName = new Map<string, TestPod>();
  private readonly runtime;
  private readonly backoff = new RestartBackoff({ initialMs: 20, maxMs: 20 });

  private constructor(
    readonly rootDir: string,
    images?: Record<string, ToyImage>,
  ) {
    this.runtime = createToyRuntime({ images });
  }

  /** A host with a fresh log directory. */
  static async create(images?: Record<string, ToyImage>): Promise<TestHost> {
    return new TestHost(await mkdtemp(path.join(os.tmpdir(), 'hubspoke-streaming-')), images);
  }

  /** Starts a pod's containers (not waiting for them to run); `start: false` leaves them ContainerCreating. */
  addPod(name: string, containers: TestContainer[], restartPolicy: RestartPolicy = 'Always', opts: { start?: boolean } = {}): TestPod {
    const ip = `127.244.250.${nextHost++ % 250 || 1}`;
    const uid = `uid-${name}-${process.pid}`;
    const object: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', uid },
      spec: { containers: containers.map((c) => ({ name: c.name, image: c.image })), restartPolicy },
    };
    const sandbox = { uid, namespace: 'default', name, ip, hostname: name };
    const runners = containers.map(
      (c) =>
        new ContainerRunner({
          sandbox,
          spec: { env: {}, ports: [], ...c },
          restartPolicy,
          runtime: this.runtime,
          logDir: path.join(this.rootDir, name, c.name),
          crashBackoff: this.backoff,
          imageBackoff: this.backoff,
          onChange: () => undefined,
          logger: pino({ level: 'silent' }),
        }),
    );
    const pod = { object, ip, runners };
    this.podsByName.set(name, pod);
    if (opts.start !== false) for (const runner of runners) runner.start();
    return pod;
  }

  pods(): KubeObject[] {
    return [...this.podsByName.values()].map((p) => p.object);
  }

  pod(namespace: string, name: string): KubeObject | undefined {
    return namespace === 'default' ? this.podsByName.get(name)?.object : undefined;
  }

  podIP(namespace: string, name: string): string | undefined {
    return namespace === 'default' ? this.podsByName.get(name)?.ip : undefined;
  }

  container(namespace: string, pod: string, container: string): ContainerAccess | undefined {
    const found = namespace === 'default' ? this.podsByName.get(pod) : undefined;
    const runner = found?.runners.find((r) => r.name === container);
    return found && runner ? { pod: found.object, ...runner.instances() } : undefined;
  }

  /** Waits until the container runs (restart count at least `restarts`). */
  async running(pod: string, container: string, restarts = 0): Promise<ContainerAccess> {
    return this.until(pod, container, (a) => Boolean(a.handle) && a.status.restartCount >= restarts);
  }

  /** Polls the container until `check` holds. */
  async until(pod: string, container: string, check: (access: ContainerAccess) => boolean, timeoutMs = 10_000): Promise<ContainerAccess> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const access = this.container('default', pod, container);
      if (access && check(access)) return access;
      if (Date.now() > deadline) throw new Error(`container ${pod}/${container} never reached the expected state`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Stops every container and removes the logs. */
  async cleanup(): Promise<void> {
    await Promise.all([...this.podsByName.values()].flatMap((p) => p.runners.map((r) => r.stop(0))));
    await rm(this.rootDir, { recursive: true, force: true });
  }
}

/** A listening test server. */
export interface TestServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Serves the kubelet route table on 127.0.0.1:0 over plain HTTP, upgrades included, with no auth. */
export async function startTestServer(host: KubeletHost): Promise<TestServer> {
  const sockets = new Set<Duplex>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const result = matchRoute(kubeletRoutes, req.method ?? 'GET', url.pathname);
    if (result.kind !== 'match') return void res.writeHead(404).end();
    const { route, params } = result.match;
    void Promise.resolve(route.handler({ req, res, params, query: url.searchParams, host })).catch(() => res.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://kubelet');
    const result = matchRoute(kubeletRoutes, req.method ?? 'GET', url.pathname);
    if (result.kind !== 'match' || !result.match.route.upgrade) return void socket.destroy();
    const { route, params } = result.match;
    void Promise.resolve(route.upgrade!({ req, socket, head, params, query: url.searchParams, host })).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A plain HTTP answer as a test reads it. */
export interface TextAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends one request on a fresh connection and reads the whole answer. */
export function httpRequest(server: TestServer, method: string, path: string): Promise<TextAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A channel-protocol WebSocket client that records what arrives per channel. */
export class ChannelClient {
  /** Messages in arrival order (channel and payload, base64 already decoded; `text` for text frames). */
  readonly messages: { channel: number; payload: Buffer; text?: true }[] = [];
  readonly closed: Promise<{ code: number }>;
  private waiters = new Set<() => void>();

  private constructor(
    readonly ws: WebSocket,
    readonly base64: boolean,
  ) {
    ws.on('message', (data, isBinary) => {
      const channel = base64 ? data[0] - 48 : data[0];
      const payload = base64 ? Buffer.from(data.toString('latin1', 1), 'base64') : data.subarray(1);
      this.messages.push({ channel, payload, ...(isBinary ? {} : { text: true as const }) });
      for (const wake of this.waiters) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve({ code })));
    void this.closed.then(() => {
      for (const wake of this.waiters) wake();
    });
  }

  /** Dials `url`, offering `protocols`; rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, protocols: string[], options: WebSocketClientOptions = {}): Promise<ChannelClient> {
    const ws = new WebSocketClient(url, protocols, { perMessageDeflate: false, ...options });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new ChannelClient(ws, ws.protocol.includes('base64'))));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body })));
      });
      ws.once('error', reject);
    });
  }

  /** Sends `payload` on `channel`, framed for the negotiated protocol. */
  send(channel: number, payload: Buffer | string): void {
    const data = Buffer.from(payload);
    if (this.base64) this.ws.send(String.fromCharCode(48 + channel) + data.toString('base64'), { binary: false });
    else this.ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  }

  /** Everything received on `channel` so far. */
  received(channel: number): Buffer {
    return Buffer.concat(this.messages.filter((m) => m.channel === channel).map((m) => m.payload));
  }

  /** Waits until `check` holds for what was received (or fails after the timeout). */
  async waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out; received ${JSON.stringify(this.messages.map((m) => [m.channel, m.payload.toString()]))}`));
      }, timeoutMs);
      const wake = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }
}
