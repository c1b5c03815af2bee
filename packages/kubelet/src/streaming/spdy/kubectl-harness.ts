// End-to-end plumbing for driving the real kubectl against this folder: a tiny HTTPS "apiserver" that
// answers discovery and one Running pod `default/p`, and hands the pod's exec and portforward upgrades to a
// test-supplied handler; plus a kubeconfig with a bearer token and a runner for the versioned binaries.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import type { UpgradeRequest } from '../types.ts';

const TOKEN = 'harness-token';
const POD_PATH = '/api/v1/namespaces/default/pods/p';

/** Which pod subresource an upgrade is for. */
export type PodUpgrade = { subresource: 'exec' | 'portforward'; up: UpgradeRequest };

/** A running fake apiserver with a kubeconfig pointing at it. */
export interface KubectlHarness {
  kubeconfig: string;
  cacheDir: string;
  /** Every upgrade request seen: method, path and the Upgrade header. */
  upgrades: Array<{ method: string; path: string; upgrade: string }>;
  close(): Promise<void>;
}

/** The versioned kubectl binary next to the dispatcher on the PATH (`kubectl.1.32` …). */
export function kubectlBinary(minor: number): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const dispatcher = path.join(dir, 'kubectl');
    if (existsSync(dispatcher)) return path.join(path.dirname(realpathSync(dispatcher)), `kubectl.1.${minor}`);
  }
  throw new Error('kubectl is not on the PATH');
}

/** Starts the fake apiserver; `onUpgrade` gets the pod's exec/portforward upgrades after the token check. */
export async function startKubectlHarness(onUpgrade: (upgrade: PodUpgrade) => void): Promise<KubectlHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spdy-kubectl-'));
  const serving = await createSelfSignedServingCert({ host: '127.0.0.1' });
  const sockets = new Set<Duplex>();
  const upgrades: KubectlHarness['upgrades'] = [];
  const server = https.createServer({ cert: serving.cert, key: serving.key }, (req, res) => answer(req, res));
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    upgrades.push({ method: req.method ?? '', path: url.pathname, upgrade: req.headers.upgrade ?? '' });
    const subresource = url.pathname === `${POD_PATH}/exec` ? 'exec' : url.pathname === `${POD_PATH}/portforward` ? 'portforward' : undefined;
    if (req.headers.authorization !== `Bearer ${TOKEN}` || !subresource) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    onUpgrade({ subresource, up: { req, socket, head, params: {}, query: url.searchParams } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: harness\n  cluster:\n    server: https://127.0.0.1:${port}\n    insecure-skip-tls-verify: true`,
      'users:',
      `- name: harness\n  user:\n    token: ${TOKEN}`,
      'contexts:',
      '- name: harness\n  context:\n    cluster: harness\n    user: harness\n    namespace: default',
      'current-context: harness',
      '',
    ].join('\n'),
  );
  return {
    kubeconfig,
    cacheDir: path.join(dir, 'cache'),
    upgrades,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs kubectl with the harness's kubeconfig and a private cache dir. */
export function runKubectl(harness: KubectlHarness, options: { minor: number; args: string[]; env?: Record<string, string> }): ChildProcessWithoutNullStreams {
  const args = ['--kubeconfig', harness.kubeconfig, '--cache-dir', harness.cacheDir, ...options.args];
  return spawn(kubectlBinary(options.minor), args, { env: { ...process.env, ...options.env } });
}

/** Waits for a kubectl run to exit; resolves its exit code and output. */
export function finished(child: ChildProcessWithoutNullStreams, stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (stdin !== undefined) child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function answer(req: IncomingMessage, res: ServerResponse): void {
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
  const { pathname } = new URL(req.url ?? '/', 'https://127.0.0.1');
  const bodies: Record<string, unknown> = {
    '/version': { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' },
    '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
    '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
    '/api/v1': {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [
        { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
        { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
        { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      ],
    },
    [POD_PATH]: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p', namespace: 'default', uid: '5f0e7c3a-0000-4000-8000-000000000001', resourceVersion: '1' },
      spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 8080, protocol: 'TCP' }] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    },
  };
  const body = bodies[pathname];
  if (body) json(res, 200, body);
  else json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
