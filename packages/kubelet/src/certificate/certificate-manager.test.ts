import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describeCertificate, issueCertificate } from '@hubspoke/pki';
import { createCertificateManager } from './certificate-manager.ts';
import type { CertificateManager } from './certificate-manager.ts';
import { openCertificateStore } from './certificate-store.ts';
import type { CertificateStore } from './certificate-store.ts';
import { kubeletServingUsages } from './signers.ts';
import type { SignerDecision } from './test-signer.ts';
import { eventually, startCertTestCluster } from './test-cluster.ts';
import type { CertTestCluster } from './test-cluster.ts';

let cluster: CertTestCluster;
let decision: SignerDecision = { kind: 'approve' };
let dir: string;
let store: CertificateStore;
let manager: CertificateManager | undefined;
const logs: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });

beforeAll(async () => {
  cluster = await startCertTestCluster(() => decision);
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-cert-manager-'));
  store = await openCertificateStore({ pairNamePrefix: 'kubelet-server', certDir: dir });
  decision = { kind: 'approve' };
  logs.length = 0;
});
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
  await rm(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await cluster.close();
});

const identity = { commonName: 'system:node:node-a', organizations: ['system:nodes'] };
const serving = (ipAddresses: string[]) => ({ ...identity, dnsNames: ['node-a'], ipAddresses });
const start = async (template: ReturnType<typeof serving>, bootstrapPair?: { certPem: string; keyPem: string }) => {
  manager = await createCertificateManager({
    store,
    signerName: 'kubernetes.io/kubelet-serving',
    template: () => template,
    usages: kubeletServingUsages,
    clientFor: () => cluster.admin,
    bootstrapPair,
    logger,
  });
  manager.start();
  return manager;
};

describe('certificate manager', () => {
  it('keeps a stored certificate that fits the template and sleeps until its rotation deadline', async () => {
    const issued = await issueCertificate({ ca: cluster.ca, ...serving(['127.0.0.1']), usage: 'server', validityDays: 10 });
    await store.update(issued.cert, issued.key);
    const seen = cluster.signer.seen.length;
    const m = await start(serving(['127.0.0.1']));
    const waiting = await eventually(() => logs.find((l) => l.msg === 'Waiting for next certificate rotation'), 'the wait log');
    const day = 86_400_000;
    expect(waiting.waitMs as number).toBeGreaterThan(6.9 * day);
    expect(waiting.waitMs as number).toBeLessThan(9 * day);
    expect(cluster.signer.seen.length).toBe(seen);
    expect(m.current()?.certPem).toContain(issued.cert.trim());
  });

  it('asks at once when the stored certificate lacks an address the template now names', async () => {
    const issued = await issueCertificate({ ca: cluster.ca, ...serving(['127.0.0.1']), usage: 'server' });
    await store.update(issued.cert, issued.key);
    const m = await start(serving(['10.0.0.9', '127.0.0.1']));
    const pem = await eventually(() => {
      const pair = m.current();
      return pair && !pair.certPem.includes(issued.cert.trim()) ? pair.certPem : undefined;
    }, 'a certificate for the new address');
    expect(describeCertificate(pem).ipAddresses.sort()).toEqual(['10.0.0.9', '127.0.0.1']);
    expect(logs.find((l) => l.msg === 'Current certificate does not match the requested template')?.missing).toEqual({ ipAddresses: ['10.0.0.9'] });
  });

  it('starts from a bootstrap pair, stores it, and replaces it at once', async () => {
    const bootstrap = await issueCertificate({ ca: cluster.ca, ...serving(['127.0.0.1']), usage: 'server' });
    const m = await start(serving(['127.0.0.1']), { certPem: bootstrap.cert, keyPem: bootstrap.key });
    expect(m.current()?.certPem).toContain(bootstrap.cert.trim());
    const replaced = await eventually(() => {
      const pair = m.current();
      return pair && !pair.certPem.includes(bootstrap.cert.trim()) ? pair : undefined;
    }, 'the replacement');
    expect((await store.current())?.certPem).toBe(replaced.certPem);
  });

  it('ends a request still waiting for approval when stopped', async () => {
    decision = { kind: 'leave' };
    const seen = cluster.signer.seen.length;
    const m = await start(serving(['127.0.0.1']));
    await eventually(() => (cluster.signer.seen.length > seen ? true : undefined), 'the pending CSR');
    const started = Date.now();
    await m.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(m.current()).toBeUndefined();
  });
});
