// `hubspoke dashboard`: serves the page (static files in ./public, no build step) and the lab API under /api/*.
// For a lab in `dir` it passes /api/* to the lab API of whichever lab runs there now, found through
// <dir>/lab.json on every request, so a restarted lab (new process, new API port) is followed without restarting
// the dashboard or reloading the page. For a docker-compose lab, which has no such process, it serves the same
// routes itself over a compose source (compose-source.ts).
import { readFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { labApiRoutes, type LabApiRoutes } from '../lab-api.ts';
import { isRunning, readLabState, type LabState } from '../lab-state.ts';
import type { ComposeLabInfo, ComposeSource } from './compose-source.ts';
import { serveScenarios } from './scenario-runs.ts';

/** Where the dashboard looks for the lab (exactly one of `dir` and `compose`) and where it listens. */
export interface DashboardOptions {
  /** The lab's folder (`hubspoke up --dir`). */
  dir?: string;
  /** A docker-compose lab (composeSource), read by the dashboard itself. */
  compose?: ComposeSource;
  /** How often /api/events polls a compose lab (default 1000 ms). */
  intervalMs?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default DEFAULT_DASHBOARD_PORT; 0 = any free port. */
  port?: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** `http://host:port/`. */
  url: string;
  close(): Promise<void>;
}

/** GET /api/lab: which lab the page is looking at, answered by the dashboard itself. */
export type LabInfo =
  | { running: true; dir: string; pid: number; profile: string; egress: string; server: string; startedAt: string }
  | { running: false; dir: string; message: string }
  | ComposeLabInfo;

/** The dashboard's default port. */
export const DEFAULT_DASHBOARD_PORT = 7070;

const PUBLIC = join(import.meta.dirname, 'public');
// Only these files are served: a request path never reaches the file system.
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  '/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/topology-view.js': { file: 'topology-view.js', type: 'text/javascript; charset=utf-8' },
};

/** Start the dashboard; resolves once listening (rejects with EADDRINUSE when the port is taken). */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  if ((options.dir === undefined) === (options.compose === undefined)) throw new Error('the dashboard needs a lab: a dir or a compose source, not both');
  const lab: DashboardLab = options.compose
    ? { kind: 'compose', source: options.compose, routes: labApiRoutes(options.compose, { intervalMs: options.intervalMs }) }
    : { kind: 'dir', dir: resolve(options.dir!) };
  const server = createServer((req, res) => {
    serve(lab, req, res).catch((err: Error) => {
      if (!res.headersSent) json(res, 500, { error: err.message });
      else res.destroy();
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? DEFAULT_DASHBOARD_PORT, options.host ?? '127.0.0.1', () => done());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}/`,
    async close() {
      if (lab.kind === 'compose') {
        lab.routes.close();
        lab.source.close();
      }
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

type DashboardLab = { kind: 'dir'; dir: string } | { kind: 'compose'; source: ComposeSource; routes: LabApiRoutes };

async function serve(lab: DashboardLab, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  // Scenarios run here, on labs of their own, whether or not a lab runs in `dir`.
  if (await serveScenarios(url, req, res)) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'only GET' });
  const file = FILES[url.pathname];
  if (file) {
    const body = await readFile(join(PUBLIC, file.file));
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' });
    return void res.end(req.method === 'HEAD' ? undefined : body);
  }
  if (lab.kind === 'compose') {
    if (url.pathname === '/api/lab') return json(res, 200, await lab.source.info());
    if (url.pathname.startsWith('/api/')) return lab.routes.serve(url.pathname.slice('/api'.length), req, res);
  } else {
    if (url.pathname === '/api/lab') return json(res, 200, await labInfo(lab.dir));
    if (url.pathname.startsWith('/api/')) return proxy(lab.dir, url, req, res);
  }
  json(res, 404, { error: `no ${url.pathname}` });
}

/** The lab running in `dir` now, or why there is none. */
export async function labInfo(dir: string): Promise<LabInfo> {
  const found = await runningLab(dir);
  if (found.kind === 'none') return { running: false, dir, message: found.message };
  const s = found.state;
  return { running: true, dir, pid: s.pid, profile: s.profile, egress: s.egress, server: s.server, startedAt: s.startedAt };
}

async function runningLab(dir: string): Promise<{ kind: 'running'; state: LabState & { labApi: string } } | { kind: 'none'; message: string }> {
  let state: LabState | undefined;
  try {
    state = await readLabState(dir);
  } catch (err) {
    return { kind: 'none', message: (err as Error).message };
  }
  if (!state || !isRunning(state)) return { kind: 'none', message: `no lab is running in ${dir}: start one with \`hubspoke up --dir ${dir}\`` };
  if (!state.labApi) return { kind: 'none', message: `the lab in ${dir} (pid ${state.pid}) serves no lab API: it was started by an older hubspoke` };
  return { kind: 'running', state: { ...state, labApi: state.labApi } };
}

/** /api/<path> → <labApi>/<path>, streamed (Server-Sent Events included). */
async function proxy(dir: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const lab = await runningLab(dir);
  if (lab.kind === 'none') return json(res, 503, { error: 'no-lab', message: lab.message });
  const target = new URL(url.pathname.slice('/api'.length) + url.search, lab.state.labApi);
  const upstream = request(target, { method: req.method, headers: { accept: req.headers.accept ?? '*/*' } }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, {
      'content-type': answer.headers['content-type'] ?? 'application/octet-stream',
      'cache-control': answer.headers['cache-control'] ?? 'no-store',
    });
    answer.pipe(res);
    // The lab stopped mid-stream: end ours, so the page's EventSource reconnects (and finds the next lab).
    answer.on('error', () => res.end());
  });
  upstream.on('error', () => {
    if (!res.headersSent) json(res, 503, { error: 'no-lab', message: `the lab in ${dir} does not answer (stopping or restarting?)` });
    else res.end();
  });
  res.on('close', () => upstream.destroy());
  upstream.end();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
