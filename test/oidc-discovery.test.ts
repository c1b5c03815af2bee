// ServiceAccount issuer discovery as a relying party sees it: the discovery document through the real kubectl,
// the key set read with a ServiceAccount token, that key set verifying that very token, and RBAC keeping
// anonymous callers out.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver } from '@hubspoke/apiserver';
import { startCluster, type Cluster } from '@hubspoke/lab';
import { buildKubeconfig, createServiceAccountKeyPair, kubeconfigToYaml } from '@hubspoke/pki';
import { kubectl } from './support/kubectl.ts';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';

let cluster: Cluster;
let scratch: string;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 });
  scratch = await mkdtemp(join(tmpdir(), 'oidc-discovery-'));
});

afterAll(async () => {
  await cluster?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface Plain {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

// No client certificate and no token: the apiserver sees system:anonymous.
function anonymousGet(server: string, ca: string, path: string): Promise<Plain> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), { method: 'GET', ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function mediaType(res: Plain): string {
  return String(res.headers['content-type']).split(';')[0];
}

const admin = (args: string[]) => kubectl(args, { kubeconfig: cluster.adminKubeconfig });

describe('ServiceAccount issuer discovery', () => {
  it('kubectl get --raw returns the discovery document for the admin', async () => {
    const r = await admin(['get', '--raw', '/.well-known/openid-configuration']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      issuer: ISSUER,
      jwks_uri: `https://127.0.0.1:${cluster.apiserver.port}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'], // the lab's ServiceAccount key is EC P-256
    });
  });

  it('lets a ServiceAccount token read the key set, and that key set verifies the token', async () => {
    const created = await admin(['create', 'token', 'default']);
    expect(created.stderr).toBe('');
    const token = created.stdout.trim();
    const kubeconfig = join(scratch, 'sa.kubeconfig');
    const config = buildKubeconfig({ clusterName: 'hubspoke', server: cluster.server, caCert: cluster.pki.ca.cert, userName: 'default-sa', token });
    await writeFile(kubeconfig, kubeconfigToYaml(config), { mode: 0o600 });

    const r = await kubectl(['get', '--raw', '/openid/v1/jwks'], { kubeconfig });
    expect(r.stderr).toBe('');
    const keySet = JSON.parse(r.stdout) as JSONWebKeySet;
    expect(keySet.keys).toHaveLength(1);
    expect(keySet.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });

    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keySet), { issuer: ISSUER, audience: ISSUER });
    expect(protectedHeader.kid).toBe(keySet.keys[0].kid);
    expect(payload.sub).toBe('system:serviceaccount:default:default');
  });

  it('serves the key set as application/jwk-set+json with Kubernetes’ cache headers', async () => {
    const token = (await admin(['create', 'token', 'default'])).stdout.trim();
    const res = await new Promise<Plain>((resolve, reject) => {
      const req = request(new URL('/openid/v1/jwks', cluster.server), { ca: cluster.pki.ca.cert, headers: { authorization: `Bearer ${token}` } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(200);
    // Fastify appends `; charset=utf-8` to JSON-ish string bodies; the media type is what relying parties check.
    expect(mediaType(res)).toBe('application/jwk-set+json');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('forbids anonymous callers under RBAC', async () => {
    for (const path of ['/.well-known/openid-configuration', '/openid/v1/jwks']) {
      const res = await anonymousGet(cluster.server, cluster.pki.ca.cert, path);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text)).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
      expect(JSON.parse(res.text).message).toContain('User "system:anonymous" cannot get path');
    }
  });
});

describe('ServiceAccount issuer discovery on a bare apiserver', () => {
  it('is open to anonymous callers under AlwaysAllow', async () => {
    const keys = await createServiceAccountKeyPair();
    const server = await startApiserver({ bindAddress: '127.0.0.1', securePort: 0, controllers: false, serviceAccountKeys: [keys.publicKey] });
    try {
      const res = await anonymousGet(server.url, server.servingCert, '/.well-known/openid-configuration');
      expect(res.status).toBe(200);
      expect(mediaType(res)).toBe('application/json');
      expect(res.headers['cache-control']).toBe('public, max-age=3600');
      expect(JSON.parse(res.text).issuer).toBe(ISSUER);
    } finally {
      await server.close();
    }
  });

  it('points jwks_uri at --service-account-jwks-uri when given', async () => {
    const keys = await createServiceAccountKeyPair();
    const server = await startApiserver({
      bindAddress: '127.0.0.1',
      securePort: 0,
      controllers: false,
      serviceAccountKeys: [keys.publicKey],
      serviceAccountIssuers: ['https://issuer.example.com'],
      serviceAccountJwksUri: 'https://keys.example.com/openid/v1/jwks',
    });
    try {
      const res = await anonymousGet(server.url, server.servingCert, '/.well-known/openid-configuration');
      expect(JSON.parse(res.text)).toMatchObject({ issuer: 'https://issuer.example.com', jwks_uri: 'https://keys.example.com/openid/v1/jwks' });
    } finally {
      await server.close();
    }
  });

  it('answers 404 like any unknown path when no ServiceAccount keys are configured', async () => {
    const server = await startApiserver({ bindAddress: '127.0.0.1', securePort: 0, controllers: false });
    try {
      for (const path of ['/.well-known/openid-configuration', '/openid/v1/jwks']) {
        const res = await anonymousGet(server.url, server.servingCert, path);
        expect(res.status).toBe(404);
        expect(JSON.parse(res.text)).toMatchObject({ reason: 'NotFound', message: 'the server could not find the requested resource' });
      }
    } finally {
      await server.close();
    }
  });
});
