import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCA } from './ca.ts';
import type { CertKey } from './cert-key.ts';
import { createClusterPki, type ClusterPki } from './cluster-pki.ts';
import { describeCertificate } from './cert-info.ts';
import { verifyChain } from './verify-chain.ts';

const servers: tls.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A TLS server on 127.0.0.1:0 that reports the client certificate it saw, then hangs up. */
async function listen(options: tls.TlsOptions): Promise<number> {
  const server = tls.createServer(options, (socket) => {
    const peer = socket.getPeerCertificate();
    socket.end(JSON.stringify(peer && peer.subject ? { CN: peer.subject.CN, O: peer.subject.O } : null));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Connects and resolves with what the server wrote, or rejects with the TLS error. */
function connect(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...options });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('createClusterPki', () => {
  let pki: ClusterPki;
  let foreignCA: CertKey;
  beforeAll(async () => {
    [pki, foreignCA] = await Promise.all([
      createClusterPki({
        apiserver: { dnsNames: ['control-plane'], ipAddresses: ['10.0.0.1'] },
        serviceClusterIP: '10.96.0.1',
        nodes: [
          { name: 'node-a', addresses: ['10.0.0.5'] },
          { name: 'node-b', addresses: ['10.0.0.6', 'node-b.lan'] },
        ],
        users: [{ name: 'jane', groups: ['dev', 'ops'] }],
      }),
      createCA({ commonName: 'kubernetes' }),
    ]);
  });

  it('gives the apiserver certificate the Service names, loopback, the VIP and the given addresses', () => {
    const cert = new X509Certificate(pki.apiserver.cert);
    const sans = cert.subjectAltName!.split(', ');
    expect(sans).toEqual(
      expect.arrayContaining([
        'DNS:kubernetes',
        'DNS:kubernetes.default',
        'DNS:kubernetes.default.svc',
        'DNS:kubernetes.default.svc.cluster.local',
        'DNS:localhost',
        'DNS:control-plane',
        'IP Address:127.0.0.1',
        'IP Address:10.96.0.1',
        'IP Address:10.0.0.1',
      ]),
    );
    expect(cert.subject).toBe('CN=kube-apiserver');
    expect(cert.checkIssued(new X509Certificate(pki.ca.cert))).toBe(true);
  });

  it('names each identity as kubeadm does', () => {
    const ca = describeCertificate(pki.ca.cert);
    expect(ca).toMatchObject({ commonName: 'kubernetes', isCA: true });
    expect(describeCertificate(pki.admin.cert)).toMatchObject({ commonName: 'kubernetes-admin', organizations: ['system:masters'] });
    expect(describeCertificate(pki.apiserverKubeletClient.cert)).toMatchObject({
      commonName: 'kube-apiserver-kubelet-client',
      organizations: ['system:masters'],
    });
    expect(describeCertificate(pki.users.jane.cert)).toMatchObject({ commonName: 'jane', organizations: ['dev', 'ops'] });
    const nodeB = pki.nodes['node-b'];
    expect(describeCertificate(nodeB.client.cert)).toMatchObject({
      commonName: 'system:node:node-b',
      organizations: ['system:nodes'],
      dnsNames: [],
      ipAddresses: [],
    });
    expect(describeCertificate(nodeB.serving.cert)).toMatchObject({
      commonName: 'system:node:node-b',
      organizations: ['system:nodes'],
      issuerCommonName: 'kubernetes',
      dnsNames: ['node-b', 'node-b.lan'],
      ipAddresses: ['10.0.0.6'],
      isCA: false,
    });
  });

  it('makes serving certificates for servers and client certificates for clients only', () => {
    const roots = [pki.ca.cert];
    expect(verifyChain({ leaf: pki.nodes['node-a'].serving.cert, roots, usage: 'server' })).toEqual({ ok: true });
    expect(verifyChain({ leaf: pki.nodes['node-a'].serving.cert, roots, usage: 'client' }).ok).toBe(false);
    expect(verifyChain({ leaf: pki.nodes['node-a'].client.cert, roots, usage: 'client' })).toEqual({ ok: true });
    expect(verifyChain({ leaf: pki.apiserverKubeletClient.cert, roots, usage: 'client' })).toEqual({ ok: true });
    expect(verifyChain({ leaf: pki.apiserver.cert, roots, usage: 'client' }).ok).toBe(false);
  });

  it('pairs every certificate with its own key', () => {
    const pairs = [pki.apiserver, pki.admin, pki.nodes['node-a'].client, pki.nodes['node-a'].serving, pki.users.jane];
    for (const pair of pairs) {
      const fromCert = new X509Certificate(pair.cert).publicKey.export({ type: 'spki', format: 'der' });
      const fromKey = createPublicKey(createPrivateKey(pair.key)).export({ type: 'spki', format: 'der' });
      expect(fromCert.equals(fromKey)).toBe(true);
    }
  });

  it('serves TLS as kubernetes.default.svc to a client that trusts only the cluster CA', async () => {
    const port = await listen({ cert: pki.apiserver.cert, key: pki.apiserver.key });
    await expect(connect(port, { ca: pki.ca.cert, servername: 'kubernetes.default.svc' })).resolves.toBe('null');
  });

  it('fails the handshake for a client that trusts a CA of the same name that is not the cluster\'s', async () => {
    const port = await listen({ cert: pki.apiserver.cert, key: pki.apiserver.key });
    await expect(connect(port, { ca: foreignCA.cert, servername: 'kubernetes.default.svc' })).rejects.toMatchObject({
      // OpenSSL finds the same-named CA and then the signature does not verify with its key.
      code: 'CERT_SIGNATURE_FAILURE',
    });
  });

  it('fails the handshake for a name the apiserver certificate does not cover', async () => {
    const port = await listen({ cert: pki.apiserver.cert, key: pki.apiserver.key });
    await expect(connect(port, { ca: pki.ca.cert, servername: 'evil.example' })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('presents a client certificate whose CN and O the server reads as user and groups', async () => {
    const port = await listen({
      cert: pki.nodes['node-a'].serving.cert,
      key: pki.nodes['node-a'].serving.key,
      ca: pki.ca.cert,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const seen = await connect(port, {
      ca: pki.ca.cert,
      servername: 'node-a',
      cert: pki.users.jane.cert,
      key: pki.users.jane.key,
    });
    expect(JSON.parse(seen)).toEqual({ CN: 'jane', O: ['dev', 'ops'] });
    const apiserverAsClient = await connect(port, {
      ca: pki.ca.cert,
      servername: 'node-a',
      cert: pki.apiserverKubeletClient.cert,
      key: pki.apiserverKubeletClient.key,
    });
    expect(JSON.parse(apiserverAsClient)).toEqual({ CN: 'kube-apiserver-kubelet-client', O: 'system:masters' });
  });

  it('refuses duplicate node names', async () => {
    await expect(
      createClusterPki({
        apiserver: { ipAddresses: [] },
        serviceClusterIP: '10.96.0.1',
        nodes: [
          { name: 'n', addresses: [] },
          { name: 'n', addresses: [] },
        ],
      }),
    ).rejects.toThrow('duplicate node name "n"');
  });
});
