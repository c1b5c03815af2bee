// The document's pods → apiserver path (C3, C4), end to end: ServiceAccount admission gives every pod the
// kube-api-access volume, the kubelet fills it (a pod-bound token, the cluster CA, the namespace) and sets the
// KUBERNETES_SERVICE_* variables, and the hubspoke/client image dials the `kubernetes` Service VIP, which the
// user-space kube-proxy relays to the apiserver's HTTPS port. The apiserver is verified with ca.crt; RBAC
// decides: with a RoleBinding the pod lists pods as its ServiceAccount, without one it is Forbidden.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:tls';
import { decodeJwt } from 'jose';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl } from './support/kubectl.ts';

// Every cluster with a kube-proxy needs its own ClusterIP range, since they all listen on this host.
const RANGE = '127.95.0.0/16';
const VIP = '127.95.0.1';
let cluster: Cluster;

const admin = (args: string[], input?: string) => kubectl(args, { kubeconfig: cluster.adminKubeconfig, input });

function pod(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'apps' }, spec });
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1, kubeProxy: true, apiserver: { serviceClusterIPRange: RANGE } });
  for (const args of [
    ['create', 'namespace', 'apps'],
    ['-n', 'apps', 'create', 'serviceaccount', 'reader'],
    ['-n', 'apps', 'create', 'rolebinding', 'reader-view', '--clusterrole=view', '--serviceaccount=apps:reader'],
    ['-n', 'apps', 'create', 'service', 'clusterip', 'web', '--tcp=8080:8080'],
  ]) {
    const r = await admin(args);
    expect(r.stderr).toBe('');
  }
  const client = { name: 'client', image: 'hubspoke/client', env: [{ name: 'INTERVAL_MS', value: '300' }] };
  const pods = [
    pod('allowed', { serviceAccountName: 'reader', containers: [client] }),
    pod('denied', { containers: [client] }),
    pod('no-token', { automountServiceAccountToken: false, containers: [client] }),
    pod('shell', { containers: [{ name: 'shell', image: 'hubspoke/shell', stdin: true }] }),
  ];
  for (const manifest of pods) {
    const r = await admin(['create', '-f', '-'], manifest);
    expect(r.stderr).toBe('');
  }
  await waitFor(async () => {
    const list = await cluster.admin.list('/api/v1/namespaces/apps/pods');
    return list.items.length === 4 && list.items.every((p) => (p.status as { phase?: string }).phase === 'Running');
  }, { timeoutMs: 20_000, what: 'four Running pods in apps' });
});

afterAll(async () => {
  await cluster?.close();
});

async function logsUntil(name: string, pattern: RegExp): Promise<string> {
  let text = '';
  await waitFor(async () => {
    text = (await admin(['-n', 'apps', 'logs', name])).stdout;
    return pattern.test(text);
  }, { timeoutMs: 20_000, what: `${name} logs matching ${pattern}` });
  return text;
}

describe('a pod reaches the apiserver through the kubernetes Service', () => {
  it('has kube-proxy listening on the kubernetes VIP:443, which leads to the apiserver’s TLS endpoint', async () => {
    expect(cluster.kubeProxy?.listeners()).toContainEqual(expect.objectContaining({ namespace: 'default', service: 'kubernetes', address: VIP, port: 443 }));
    // The certificate presented on the VIP is the apiserver's, and it names the VIP.
    const peer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: VIP, port: 443, ca: cluster.pki.ca.cert, servername: 'kubernetes.default.svc' }, () => {
        const subjectAltName = socket.getPeerCertificate().subjectaltname ?? '';
        socket.end();
        resolve(subjectAltName);
      });
      socket.on('error', reject);
    });
    expect(peer).toContain(`IP Address:${VIP}`);
  });

  it('injects the kube-api-access volume and mounts it read-only at the Kubernetes path', async () => {
    const r = await admin(['-n', 'apps', 'get', 'pod', 'allowed', '-o', 'json']);
    const spec = JSON.parse(r.stdout).spec;
    const volume = spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
    expect(volume.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect(volume.projected.sources).toEqual([
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ]);
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' });
    expect(spec.serviceAccountName).toBe('reader');
  });

  it('gives the container the service variables, its namespace and a token bound to the pod', async () => {
    const env = await admin(['-n', 'apps', 'exec', 'shell', '--', 'env']);
    expect(env.stderr).toBe('');
    const vars = Object.fromEntries(env.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(vars).toMatchObject({
      KUBERNETES_SERVICE_HOST: VIP,
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: `tcp://${VIP}:443`,
      KUBERNETES_PORT_443_TCP: `tcp://${VIP}:443`,
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: VIP,
      WEB_SERVICE_PORT: '8080',
      WEB_PORT_8080_TCP_PORT: '8080',
    });
    expect(vars.WEB_SERVICE_HOST).toMatch(/^127\.95\./);

    const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
    expect((await admin(['-n', 'apps', 'exec', 'shell', '--', 'cat', `${dir}/namespace`])).stdout).toBe('apps');
    const ca = (await admin(['-n', 'apps', 'exec', 'shell', '--', 'cat', `${dir}/ca.crt`])).stdout;
    expect(ca.trim()).toBe(cluster.pki.ca.cert.trim());
    const token = (await admin(['-n', 'apps', 'exec', 'shell', '--', 'cat', `${dir}/token`])).stdout.trim();
    const shell = await cluster.admin.get('/api/v1/namespaces/apps/pods/shell');
    const claims = decodeJwt(token) as Record<string, unknown> & { exp: number; iat: number };
    expect(claims.sub).toBe('system:serviceaccount:apps:default');
    expect(claims.exp - claims.iat).toBe(3607);
    expect(claims['kubernetes.io']).toMatchObject({ namespace: 'apps', pod: { name: 'shell', uid: shell.metadata.uid }, node: { name: 'node-1' } });
  });

  it('lists pods as its ServiceAccount when a RoleBinding allows it', async () => {
    const logs = await logsUntil('allowed', /listed \d+ pods as/);
    expect(logs).toMatch(/^listed 4 pods as system:serviceaccount:apps:reader$/m);
  });

  it('is Forbidden without a RoleBinding, in RBAC’s words', async () => {
    const logs = await logsUntil('denied', /error: 403/);
    expect(logs).toContain(
      'error: 403 Forbidden: pods is forbidden: User "system:serviceaccount:apps:default" cannot list resource "pods" in API group "" in the namespace "apps"',
    );
  });

  it('has no credentials at all with automountServiceAccountToken: false', async () => {
    const logs = await logsUntil('no-token', /error: no service account token/);
    expect(logs).toContain('error: no service account token at /var/run/secrets/kubernetes.io/serviceaccount/token');
    const r = await admin(['-n', 'apps', 'get', 'pod', 'no-token', '-o', 'jsonpath={.spec.volumes}']);
    expect(r.stdout).toBe('');
  });
});
