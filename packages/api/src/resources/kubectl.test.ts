// Real kubectl binaries (1.27 and 1.32) read this package's discovery documents and Tables over HTTP.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../meta.ts';
import { defaultCatalog } from './catalog.ts';
import type { AggregatedDiscoveryVersion } from './discovery.ts';
import { aggregatedDiscovery, aggregatedDiscoveryContentType, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { toTable } from './table.ts';

const catalog = defaultCatalog();
// Thirty minutes prints as `30m` for a whole minute, so the assertion cannot race the clock.
const created = new Date(Date.now() - 30 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

const objects: Record<string, KubeObject[]> = {
  pods: [
    {
      metadata: { name: 'web', namespace: 'default', creationTimestamp: created },
      spec: { nodeName: 'node-1', containers: [{ name: 'nginx', image: 'nginx' }] },
      status: {
        phase: 'Running',
        podIPs: [{ ip: '127.244.1.5' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, state: { running: {} } }],
      },
    },
  ],
  nodes: [
    {
      metadata: { name: 'node-1', creationTimestamp: created, labels: { 'node-role.kubernetes.io/worker': '' } },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' } },
    },
  ],
};

// The kubectl on the PATH is a dispatcher; the versioned binaries sit beside its real location.
function kubectlPath(minor: number): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'kubectl');
    if (existsSync(candidate)) return join(dirname(realpathSync(candidate)), `kubectl.1.${minor}`);
  }
  throw new Error('kubectl is not on the PATH');
}

interface Recorded {
  paths: string[];
}

function aggregatedVersion(accept: string): AggregatedDiscoveryVersion | undefined {
  for (const v of ['v2', 'v2beta1'] as const) {
    if (accept.includes(`g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`)) return v;
  }
  return undefined;
}

function send(res: ServerResponse, body: unknown, contentType = 'application/json'): void {
  res.writeHead(200, { 'Content-Type': contentType });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse, rec: Recorded, aggregated: boolean): void {
  const url = new URL(req.url ?? '/', 'http://x');
  rec.paths.push(url.pathname);
  const accept = String(req.headers.accept ?? '');
  const aggVersion = aggregated ? aggregatedVersion(accept) : undefined;
  const path = url.pathname;
  if (path === '/version') return send(res, { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
  if (path === '/api' || path === '/apis') {
    const scope = path === '/api' ? 'core' : 'groups';
    if (aggVersion) return send(res, aggregatedDiscovery(catalog, { scope, version: aggVersion }), aggregatedDiscoveryContentType(aggVersion));
    return send(res, scope === 'core' ? apiVersions(catalog, { serverAddress: '127.0.0.1:6443' }) : apiGroupList(catalog));
  }
  const groupVersion = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  const resources =
    path === '/api/v1' ? apiResourceList(catalog, '', 'v1') : groupVersion && apiResourceList(catalog, groupVersion[1], groupVersion[2]);
  if (resources) return send(res, resources);
  const resource = /^\/api\/v1(?:\/namespaces\/[^/]+)?\/(pods|nodes)$/.exec(path);
  if (resource) {
    const def = catalog.lookup('', 'v1', resource[1])!;
    if (accept.includes('as=Table')) {
      return send(res, toTable(def, objects[resource[1]], { listMeta: { resourceVersion: '7' } }), 'application/json;as=Table;v=v1;g=meta.k8s.io');
    }
    return send(res, { kind: def.listKind, apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: objects[resource[1]] });
  }
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 }));
}

function startServer(aggregated: boolean): Promise<{ server: Server; url: string; rec: Recorded }> {
  const rec: Recorded = { paths: [] };
  const server = createServer((req, res) => handle(req, res, rec, aggregated));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, rec });
    });
  });
}

function kubectl(minor: number, server: string, args: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'hubspoke-kubectl-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
  const all = [`--server=${server}`, `--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir, 'cache')}`, ...args];
  return new Promise((resolve, reject) => {
    execFile(kubectlPath(minor), all, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl 1.${minor} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

function rows(out: string): string[][] {
  return out.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
}

describe('real kubectl against these discovery documents and tables', () => {
  let aggregated: Awaited<ReturnType<typeof startServer>>;
  let legacy: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    aggregated = await startServer(true);
    legacy = await startServer(false);
  });

  afterAll(async () => {
    await new Promise((r) => aggregated.server.close(r));
    await new Promise((r) => legacy.server.close(r));
  });

  it('kubectl 1.32 prints pods with Kubernetes\' wide columns', async () => {
    const out = await kubectl(32, aggregated.url, ['get', 'pods', '-A', '-o', 'wide']);
    expect(rows(out)).toEqual([
      ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
      ['default', 'web', '1/1', 'Running', '0', '30m', '127.244.1.5', 'node-1', '<none>', '<none>'],
    ]);
  });

  it('kubectl 1.32 prints nodes and hides priority-1 columns without -o wide', async () => {
    const out = await kubectl(32, aggregated.url, ['get', 'nodes']);
    expect(rows(out)).toEqual([
      ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
      ['node-1', 'Ready', 'worker', '30m', 'v1.32.0'],
    ]);
  });

  it('kubectl 1.32 reads aggregated discovery v2 without asking for per-version lists', async () => {
    aggregated.rec.paths.length = 0;
    const out = await kubectl(32, aggregated.url, ['api-resources']);
    expect(out).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(out).toMatch(/^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
    expect(out).toMatch(/^certificatesigningrequests\s+csr\s+certificates\.k8s\.io\/v1\s+false\s+CertificateSigningRequest$/m);
    expect(aggregated.rec.paths).not.toContain('/api/v1');
  });

  it('kubectl 1.27 reads aggregated discovery v2beta1', async () => {
    aggregated.rec.paths.length = 0;
    const out = await kubectl(27, aggregated.url, ['api-resources', '--api-group=rbac.authorization.k8s.io']);
    expect(out).toMatch(/^rolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+RoleBinding$/m);
    expect(aggregated.rec.paths).not.toContain('/apis/rbac.authorization.k8s.io/v1');
  });

  it('kubectl falls back to the legacy documents and resolves short names from them', async () => {
    const out = await kubectl(32, legacy.url, ['get', 'po', '-n', 'default']);
    expect(rows(out)[1].slice(0, 3)).toEqual(['web', '1/1', 'Running']);
    expect(legacy.rec.paths).toContain('/api/v1');
  });
});
