import { createServer, type AddressInfo } from 'node:net';
import { startApiserver } from '../server.ts';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createCA, createCsr, describeCertificate, verifyChain, type CertKey } from '@hubspoke/pki';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from './context.ts';
import { lifetime, startCsrSigningController } from './csr-signing.ts';
import {
  BOOTSTRAP_USER,
  approveByHand,
  bindKubeadmAutoApproval,
  certificateOf,
  conditionsOf,
  csrObject,
  rbacCluster,
} from './csr-test-support.ts';
import { startControllers } from './index.ts';
import { eventually, recordingLogger } from './test-support.ts';

const CSRS = 'certificatesigningrequests.certificates.k8s.io';
const KUBELET_CLIENT = 'kubernetes.io/kube-apiserver-client-kubelet';
const KUBELET_SERVING = 'kubernetes.io/kubelet-serving';
const APISERVER_CLIENT = 'kubernetes.io/kube-apiserver-client';
const SERVING_USAGES = ['digital signature', 'key encipherment', 'server auth'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = new Date('2030-05-01T12:00:00Z');
const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };
const bootstrap = { serviceClusterIP: '', secureServingPort: 1, advertiseAddress: '', clusterRoles: [], clusterRoleBindings: [] };
const NODE_SUBJECT = { commonName: 'system:node:node-1', organizations: ['system:nodes'] };

describe('csrsigning controller', () => {
  let ca: CertKey;
  let controller: Controller | undefined;
  beforeAll(async () => {
    ca = await createCA({ notBefore: new Date('2029-01-01T00:00:00Z'), notAfter: new Date('2039-01-01T00:00:00Z') });
  });
  afterEach(() => controller?.stop());

  it('signs a bootstrap token user\'s client CSR once it is auto-approved: the certificate verifies with the node\'s identity', async () => {
    const { storage, authorizer } = await rbacCluster();
    await bindKubeadmAutoApproval(storage, 'bootstrap');
    controller = startControllers(
      { storage, logger: recordingLogger(), now: () => NOW, caPem: '', bootstrap, authorizer, clusterSigning: ca, clusterSigningDurationMs: 8760 * HOUR },
      ['csrapproving', 'csrsigning'],
    );
    const request = await createCsr(NODE_SUBJECT);
    const usages = ['digital signature', 'key encipherment', 'client auth'];
    await storage.create(CSRS, csrObject({ name: 'node-csr-1', requestPem: request.csr, signerName: KUBELET_CLIENT, usages, requester: BOOTSTRAP_USER, expirationSeconds: 86_400 }));
    const pem = await eventually(() => certificateOf(storage, 'node-csr-1'));

    expect(conditionsOf(storage, 'node-csr-1').map((c) => `${c.type}/${c.reason}`)).toEqual(['Approved/AutoApproved']);
    expect(describeCertificate(pem)).toMatchObject({
      commonName: 'system:node:node-1',
      organizations: ['system:nodes'],
      issuerCommonName: 'kubernetes',
      dnsNames: [],
      ipAddresses: [],
      isCA: false,
      // Backdated five minutes at both ends, as the requested day is not a short-lived certificate.
      notBefore: new Date(NOW.getTime() - 5 * MINUTE),
      notAfter: new Date(NOW.getTime() + 24 * HOUR - 5 * MINUTE),
    });
    expect(new X509Certificate(pem).keyUsage).toEqual([EKU.clientAuth]);
    expect(new X509Certificate(pem).checkPrivateKey(createPrivateKey(request.key))).toBe(true);
    expect(verifyChain({ leaf: pem, roots: [ca.cert], usage: 'client', now: NOW })).toEqual({ ok: true });
  });

  it('fails an approved kubelet client CSR that asks for server auth, with Kubernetes\' reason and no certificate', async () => {
    const { storage, authorizer } = await rbacCluster();
    await bindKubeadmAutoApproval(storage, 'bootstrap');
    const logger = recordingLogger();
    controller = startControllers({ storage, logger, now: () => NOW, caPem: '', bootstrap, authorizer, clusterSigning: ca }, ['csrapproving', 'csrsigning']);
    const request = await createCsr(NODE_SUBJECT);
    const usages = ['digital signature', 'client auth', 'server auth'];
    await storage.create(CSRS, csrObject({ name: 'greedy', requestPem: request.csr, signerName: KUBELET_CLIENT, usages, requester: BOOTSTRAP_USER }));
    await eventually(() => logger.entries.some((e) => e.msg === 'not a kubelet client certificate request, left pending'));
    expect(conditionsOf(storage, 'greedy')).toEqual([]);

    await approveByHand(storage, 'greedy');
    const failed = await eventually(() => conditionsOf(storage, 'greedy').find((c) => c.type === 'Failed'));
    expect(failed).toEqual({
      type: 'Failed',
      status: 'True',
      reason: 'SignerValidationFailure',
      message: 'usages did not match [client auth digital signature key encipherment]',
      lastUpdateTime: '2030-05-01T12:00:00Z',
      lastTransitionTime: '2030-05-01T12:00:00Z',
    });
    expect(certificateOf(storage, 'greedy')).toBeUndefined();
  });

  it('fails an approved serving CSR without DNS or IP SANs', async () => {
    const { storage } = await rbacCluster();
    controller = startCsrSigningController({ storage, logger: recordingLogger(), signingPair: ca });
    const request = await createCsr(NODE_SUBJECT);
    await storage.create(CSRS, csrObject({ name: 'bare', requestPem: request.csr, signerName: KUBELET_SERVING, usages: SERVING_USAGES, requester: BOOTSTRAP_USER }));
    await approveByHand(storage, 'bare');
    const failed = await eventually(() => conditionsOf(storage, 'bare').find((c) => c.type === 'Failed'));
    expect(failed).toMatchObject({ reason: 'SignerValidationFailure', message: 'DNS or IP subjectAltName is required' });
    expect(certificateOf(storage, 'bare')).toBeUndefined();
  });

  it('issues a serving certificate with the node\'s DNS and IP SANs once approved by hand', async () => {
    const { storage } = await rbacCluster();
    controller = startCsrSigningController({ storage, logger: recordingLogger(), signingPair: ca, durationMs: 2 * HOUR, now: () => NOW });
    const request = await createCsr({ ...NODE_SUBJECT, dnsNames: ['node-1'], ipAddresses: ['127.0.0.11'] });
    await storage.create(CSRS, csrObject({ name: 'serving', requestPem: request.csr, signerName: KUBELET_SERVING, usages: SERVING_USAGES, requester: BOOTSTRAP_USER }));
    // Approval, not creation, is what the signer waits for.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(certificateOf(storage, 'serving')).toBeUndefined();
    await approveByHand(storage, 'serving');
    const pem = await eventually(() => certificateOf(storage, 'serving'));
    expect(describeCertificate(pem)).toMatchObject({
      commonName: 'system:node:node-1',
      dnsNames: ['node-1'],
      ipAddresses: ['127.0.0.11'],
      // Two hours is short-lived: only the start is backdated.
      notAfter: new Date(NOW.getTime() + 2 * HOUR),
    });
    expect(new X509Certificate(pem).keyUsage).toEqual([EKU.serverAuth]);
    expect(verifyChain({ leaf: pem, roots: [ca.cert], usage: 'server', now: NOW })).toEqual({ ok: true });
  });

  it('signs RSA kubelet client requests and kube-apiserver-client requests for any user', async () => {
    const { storage } = await rbacCluster();
    controller = startCsrSigningController({ storage, logger: recordingLogger(), signingPair: ca });
    const rsa = await createCsr({ ...NODE_SUBJECT, keyType: 'rsa' });
    const usages = ['digital signature', 'key encipherment', 'client auth'];
    await storage.create(CSRS, csrObject({ name: 'rsa', requestPem: rsa.csr, signerName: KUBELET_CLIENT, usages, requester: BOOTSTRAP_USER }));
    const alice = await createCsr({ commonName: 'alice', organizations: ['dev'] });
    await storage.create(CSRS, csrObject({ name: 'alice', requestPem: alice.csr, signerName: APISERVER_CLIENT, usages: ['client auth'], requester: BOOTSTRAP_USER }));
    const invalid = await createCsr({ commonName: 'bob' });
    await storage.create(CSRS, csrObject({ name: 'bob', requestPem: invalid.csr, signerName: APISERVER_CLIENT, usages: ['client auth', 'server auth'], requester: BOOTSTRAP_USER }));
    for (const name of ['rsa', 'alice', 'bob']) await approveByHand(storage, name);

    const rsaCert = await eventually(() => certificateOf(storage, 'rsa'));
    expect(new X509Certificate(rsaCert).publicKey.asymmetricKeyType).toBe('rsa');
    const aliceCert = await eventually(() => certificateOf(storage, 'alice'));
    expect(describeCertificate(aliceCert)).toMatchObject({ commonName: 'alice', organizations: ['dev'] });
    const failed = await eventually(() => conditionsOf(storage, 'bob').find((c) => c.type === 'Failed'));
    expect(failed.message).toBe('invalid usage for client certificate: server auth');
  });

  it('issues nothing without a signing pair', async () => {
    const { storage, authorizer } = await rbacCluster();
    await bindKubeadmAutoApproval(storage, 'bootstrap');
    const logger = recordingLogger();
    controller = startControllers({ storage, logger, caPem: '', bootstrap, authorizer }, ['csrapproving', 'csrsigning']);
    expect(logger.entries).toContainEqual({ level: 'info', fields: { reason: 'no csr signing cert/key was specified' }, msg: 'controller skipped' });
    const request = await createCsr(NODE_SUBJECT);
    await storage.create(CSRS, csrObject({ name: 'unsigned', requestPem: request.csr, signerName: KUBELET_CLIENT, usages: ['digital signature', 'client auth'], requester: BOOTSTRAP_USER }));
    await eventually(() => conditionsOf(storage, 'unsigned').some((c) => c.type === 'Approved'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(certificateOf(storage, 'unsigned')).toBeUndefined();
  });

  it('refuses to start with a signing key that does not belong to the certificate', async () => {
    const { storage } = await rbacCluster();
    const other = await createCA({});
    expect(() => startCsrSigningController({ storage, logger: recordingLogger(), signingPair: { cert: ca.cert, key: other.key } })).toThrow(
      'cluster signing key does not match the cluster signing certificate',
    );
  });
});

describe('startApiserver with a bad signing pair', () => {
  it('fails before it listens, naming the problem', async () => {
    const [signing, other] = await Promise.all([createCA({}), createCA({})]);
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    await expect(startApiserver({ bindAddress: '127.0.0.1', securePort: port, clusterSigningCert: signing.cert, clusterSigningKey: other.key })).rejects.toThrow(
      'cluster signing key does not match the cluster signing certificate',
    );
    // Nothing was left listening on the port.
    await new Promise<void>((resolve, reject) => {
      const again = createServer().once('error', reject).listen(port, '127.0.0.1', () => again.close(() => resolve()));
    });
  });
});

describe('lifetime', () => {
  it('honours spec.expirationSeconds between ten minutes and the signing duration', () => {
    const year = 8760 * HOUR;
    expect(lifetime(undefined, year)).toBe(year);
    expect(lifetime(3600, year)).toBe(HOUR);
    expect(lifetime(2 * 8760 * 3600, year)).toBe(year);
    expect(lifetime(60, year)).toBe(10 * MINUTE);
  });
});
