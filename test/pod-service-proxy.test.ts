// pods/proxy and services/proxy with the real kubectl 1.32 against an in-process cluster: plain HTTP by
// default, `https:` encrypted but unverified, Services through their Endpoints, and the loopback rule (the lab
// allows 127.x pods; a bare apiserver, like Kubernetes, refuses them).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, type ApiserverHandle } from '@hubspoke/apiserver';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl } from './support/kubectl.ts';
import { createPod, waitRunning } from './support/pods.ts';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 });
  await createPod(cluster, 'web', { image: 'hubspoke/http-server', ports: [{ containerPort: 8080 }] });
  await cluster.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'webs' },
    spec: { containers: [{ name: 'webs', image: 'hubspoke/https-server', ports: [{ containerPort: 8443 }] }] },
  });
  await cluster.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'labelled', labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'hubspoke/http-server', ports: [{ containerPort: 8080 }] }] },
  });
  const service = (name: string, selector: Record<string, string>) =>
    cluster.admin.create('/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { selector, ports: [{ port: 80, targetPort: 8080 }] },
    });
  await service('web', { app: 'web' });
  await service('nobody', { app: 'nothing-matches' });
  await Promise.all(['web', 'webs', 'labelled'].map((name) => waitRunning(cluster, name)));
  await waitFor(
    async () => {
      const eps = await cluster.admin.get('/api/v1/namespaces/default/endpoints/web');
      return ((eps.subsets as { addresses?: unknown[] }[] | undefined) ?? []).some((s) => (s.addresses ?? []).length > 0);
    },
    { timeoutMs: 20_000, what: 'endpoints of service web' },
  );
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

const raw = (path: string) => kubectl(['get', '--raw', path], { kubeconfig: cluster.adminKubeconfig, version: '1.32' });

describe('kubectl get --raw through pods/proxy and services/proxy', () => {
  it('reaches a pod over plain HTTP on the given port', async () => {
    const r = await raw('/api/v1/namespaces/default/pods/web:8080/proxy/');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Hello from pod default/web');
  });

  it('reaches a pod over https: with its self-signed certificate (encrypted, not verified)', async () => {
    const r = await raw('/api/v1/namespaces/default/pods/https:webs:8443/proxy/');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Hello from pod default/webs');
    expect(r.stdout).toContain('hubspoke/https-server');
  });

  it('keeps the query string and never hands the client credentials to the pod', async () => {
    const r = await raw('/api/v1/namespaces/default/pods/web/proxy/headers?x=1');
    expect(r.code).toBe(0);
    const headers = JSON.parse(r.stdout) as Record<string, string>;
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('reaches a Service through its Endpoints, service port 80 to targetPort 8080', async () => {
    const r = await raw('/api/v1/namespaces/default/services/web:80/proxy/');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Hello from pod default/labelled');
  });

  it('reports a Service without endpoints as 503', async () => {
    const r = await raw('/api/v1/namespaces/default/services/nobody:80/proxy/');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Error from server (ServiceUnavailable): no endpoints available for service "nobody"');
  });
});

describe('a bare apiserver, without --proxy-allow-loopback-addresses', () => {
  let api: ApiserverHandle;
  let dir: string;

  beforeAll(async () => {
    api = await startApiserver({ bindAddress: '127.0.0.1', securePort: 0, controllers: false, tokenAuthFile: 'admin-token,admin,1,"system:masters"' });
    await api.storage.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: { containers: [{ name: 'web', image: 'hubspoke/http-server', ports: [{ containerPort: 8080 }] }] },
      status: { podIP: '127.244.1.5' },
    });
    dir = await mkdtemp(join(tmpdir(), 'hubspoke-proxy-'));
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: bare, cluster: {server: "${api.url}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: admin, user: {token: admin-token}}]',
      'contexts: [{name: bare, context: {cluster: bare, user: admin}}]',
      'current-context: bare',
      '',
    ].join('\n');
    await writeFile(join(dir, 'kubeconfig'), kubeconfig);
  });

  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a 127.x pod with 400 address not allowed, as Kubernetes does', async () => {
    const r = await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/web:8080/proxy/'], { kubeconfig: join(dir, 'kubeconfig'), version: '1.32' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Error from server (BadRequest): address not allowed');
  });
});
