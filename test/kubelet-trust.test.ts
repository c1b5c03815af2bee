// C9/C10 of the document: without --kubelet-certificate-authority the apiserver reaches a kubelet whatever
// certificate it shows; with it, a self-signed kubelet is refused with Go's x509 wording, and a kubelet
// whose serving certificate the cluster CA signed is accepted. And the kubelet's own authn/authz.
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '@hubspoke/lab';
import { kubectl } from './support/kubectl.ts';
import { freePort } from './support/net.ts';
import { createPod, waitRunning } from './support/pods.ts';

const clusters: Cluster[] = [];
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.close()));
});

async function withLogger(opts: Parameters<typeof startCluster>[0]): Promise<Cluster> {
  const c = await startCluster({ nodes: 1, ...opts });
  clusters.push(c);
  await createPod(c, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] });
  await waitRunning(c, 'chatty');
  return c;
}

function direct(c: Cluster, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const kl = c.kubelets[0];
  return new Promise((resolve, reject) => {
    const req = request({ host: kl.address, port: kl.port, path, headers, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the apiserver’s trust in kubelets', () => {
  it('reaches a self-signed kubelet when --kubelet-certificate-authority is unset (the default)', async () => {
    const c = await withLogger({});
    const r = await kubectl(['logs', 'chatty', '--tail=1'], { kubeconfig: c.adminKubeconfig });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/hello from chatty/);
  });

  it('refuses a self-signed kubelet once --kubelet-certificate-authority is set', async () => {
    const c = await withLogger({ verifyKubelets: true, kubeletServingCerts: 'self-signed', waitReady: true });
    const kl = c.kubelets[0];
    const logs = await kubectl(['logs', 'chatty'], { kubeconfig: c.adminKubeconfig });
    expect(logs.code).toBe(1);
    expect(logs.stderr.trim()).toBe(
      `Error from server: Get "https://${kl.address}:${kl.port}/containerLogs/default/chatty/chatty": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
    const exec = await kubectl(['exec', 'chatty', '--', 'echo', 'hi'], { kubeconfig: c.adminKubeconfig });
    expect(exec.code).toBe(1);
    expect(exec.stderr).toContain('error dialing backend: tls: failed to verify certificate: x509: certificate signed by unknown authority');
  });

  it('accepts a kubelet whose serving certificate the cluster CA signed', async () => {
    const c = await withLogger({ kubeletServingCerts: 'cluster-ca', verifyKubelets: true });
    const r = await kubectl(['exec', 'chatty', '--', 'echo', 'verified'], { kubeconfig: c.adminKubeconfig });
    expect(r.stdout).toBe('verified\n');
  });
});

describe('the kubelet’s own authentication and authorization', () => {
  it('with anonymous off and Webhook: 401 for nobody, 403 for a user without nodes/proxy, the apiserver allowed', async () => {
    const c = await withLogger({
      tokens: [{ token: 'alice-token', user: 'alice' }],
      kubelet: { anonymousAuth: false, authenticationTokenWebhook: true, authorizationMode: 'Webhook' },
    });
    expect(await direct(c, '/pods')).toEqual({ status: 401, body: 'Unauthorized' });
    const alice = await direct(c, '/pods', { authorization: 'Bearer alice-token' });
    expect(alice.status).toBe(403);
    expect(alice.body).toBe('Forbidden (user=alice, verb=get, resource=nodes, subresource=proxy)');
    const logs = await kubectl(['logs', 'chatty', '--tail=1'], { kubeconfig: c.adminKubeconfig });
    expect(logs.stdout).toMatch(/hello from chatty/);
  });

  it('with the flags-only defaults (anonymous, AlwaysAllow): anyone reads pods and logs', async () => {
    const c = await withLogger({});
    const pods = await direct(c, '/pods');
    expect(pods.status).toBe(200);
    expect(JSON.parse(pods.body).items.map((p: { metadata: { name: string } }) => p.metadata.name)).toContain('chatty');
    const logs = await direct(c, '/containerLogs/default/chatty/chatty?tailLines=1');
    expect(logs.status).toBe(200);
    expect(logs.body).toMatch(/hello from chatty/);
  });

  it('serves /pods without any authentication on the read-only port when it is enabled', async () => {
    const port = await freePort('127.0.10.1');
    const c = await withLogger({ kubelet: { readOnlyPort: port } });
    const body = await new Promise<string>((resolve, reject) => {
      httpRequest({ host: '127.0.10.1', port, path: '/pods' }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve(b));
      }).on('error', reject).end();
    });
    expect(JSON.parse(body).items.map((p: { metadata: { name: string } }) => p.metadata.name)).toContain('chatty');
  });
});
