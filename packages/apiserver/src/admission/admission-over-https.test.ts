// Admission through a real apiserver over HTTPS, with client certificates for the admin and a node:
// ServiceAccount token mounts, the CSR approval subresource, and NodeRestriction holding a node to its own Node.
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCA, createCsr, issueCertificate, type CertKey } from '@hubspoke/pki';
import { startApiserver, type ApiserverHandle } from '../server.ts';

let api: ApiserverHandle;
let admin: CertKey;
let node1: CertKey;

interface Answer {
  status: number;
  body: Record<string, any>;
}

function call(who: CertKey, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const url = new URL(api.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, cert: who.cert, key: who.key, ca: api.servingCert, headers: { 'Content-Type': contentType, Accept: 'application/json' }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

beforeAll(async () => {
  const ca = await createCA({ commonName: 'admission-test-ca' });
  admin = await issueCertificate({ ca, commonName: 'kubernetes-admin', organizations: ['system:masters'], usage: 'client' });
  node1 = await issueCertificate({ ca, commonName: 'system:node:node-1', organizations: ['system:nodes'], usage: 'client' });
  api = await startApiserver({
    bindAddress: '127.0.0.1',
    securePort: 0,
    controllers: false,
    clientCA: ca.cert,
    anonymousAuth: false,
    authorizationModes: ['Node', 'RBAC'],
    enableAdmissionPlugins: ['NodeRestriction'],
  });
  // What the ServiceAccount controller would have created, and two registered nodes.
  await api.storage.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });
  for (const name of ['node-1', 'node-2']) await api.storage.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
});

afterAll(async () => {
  await api?.close();
});

const pod = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec } });

describe('ServiceAccount admission over HTTPS', () => {
  it('mounts kube-api-access into a pod that names no account', async () => {
    const created = await call(admin, 'POST', '/api/v1/namespaces/default/pods', pod('web'));
    expect(created.status).toBe(201);
    const spec = created.body.spec;
    expect(spec.serviceAccountName).toBe('default');
    const [volume] = spec.volumes;
    expect(volume.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect(volume.projected.sources.map((s: object) => Object.keys(s)[0])).toEqual(['serviceAccountToken', 'configMap', 'downwardAPI']);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
  });

  it('mounts nothing when the pod turns automounting off', async () => {
    const created = await call(admin, 'POST', '/api/v1/namespaces/default/pods', pod('quiet', { automountServiceAccountToken: false }));
    expect(created.status).toBe(201);
    expect(created.body.spec.volumes).toBeUndefined();
    expect(created.body.spec.containers[0].volumeMounts).toBeUndefined();
  });

  it('refuses a pod whose ServiceAccount does not exist', async () => {
    const refused = await call(admin, 'POST', '/api/v1/namespaces/default/pods', pod('lost', { serviceAccountName: 'ghost' }));
    expect(refused).toEqual({
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'pods "lost" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found',
        reason: 'Forbidden',
        details: { name: 'lost', kind: 'pods' },
        code: 403,
      },
    });
  });
});

describe('CertificateSigningRequest approval over HTTPS', () => {
  it('approves through the approval subresource only', async () => {
    const { csr } = await createCsr({ commonName: 'dana', organizations: ['developers'] });
    const path = '/apis/certificates.k8s.io/v1/certificatesigningrequests/dana';
    const created = await call(admin, 'POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'dana' },
      spec: { signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], request: Buffer.from(csr).toString('base64') },
    });
    expect(created.status).toBe(201);
    expect(created.body.spec.username).toBe('kubernetes-admin');
    expect(created.body.spec.groups).toEqual(['system:masters', 'system:authenticated']);

    const approval = { type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.' };
    const viaMain = await call(admin, 'PUT', path, { ...created.body, status: { conditions: [approval] } });
    expect(viaMain.status).toBe(200);
    expect(viaMain.body.status.conditions).toBeUndefined();

    const viaApproval = await call(admin, 'PUT', `${path}/approval`, { ...viaMain.body, status: { conditions: [approval] } });
    expect(viaApproval.status).toBe(200);
    expect(viaApproval.body.status.conditions).toEqual([{ ...approval, lastUpdateTime: expect.any(String), lastTransitionTime: expect.any(String) }]);
    expect((await call(admin, 'GET', path)).body.status.conditions[0].type).toBe('Approved');
  });
});

describe('NodeRestriction over HTTPS', () => {
  it('lets node-1 patch its own Node but not node-2', async () => {
    const patch = { metadata: { labels: { 'example.com/rack': 'r1' } } };
    const other = await call(node1, 'PATCH', '/api/v1/nodes/node-2', patch, 'application/strategic-merge-patch+json');
    expect([other.status, other.body.message, other.body.reason]).toEqual([403, 'nodes "node-2" is forbidden: node "node-1" is not allowed to modify node "node-2"', 'Forbidden']);
    const own = await call(node1, 'PATCH', '/api/v1/nodes/node-1', patch, 'application/strategic-merge-patch+json');
    expect([own.status, own.body.metadata.labels]).toEqual([200, { 'kubernetes.io/hostname': 'node-1', 'example.com/rack': 'r1' }]);
    expect(api.storage.peek('nodes', undefined, 'node-2')?.metadata.labels).toEqual({ 'kubernetes.io/hostname': 'node-2' });
  });
});
