// Test support: the control plane's CSR approver and signer played by a test. It watches CSRs in the
// apiserver's storage and, as a callback decides, approves and then signs (two steps, like the approving
// and signing controllers), denies, fails, or leaves a request for the test to answer later.
import type { KubeObject } from '@hubspoke/api';
import type { Storage } from '@hubspoke/apiserver';
import { signCsr } from '@hubspoke/pki';
import type { CertKey } from '@hubspoke/pki';

/** The storage key of CertificateSigningRequests. */
export const CSR_KEY = 'certificatesigningrequests.certificates.k8s.io';

/** What to do with a new CSR. */
export type SignerDecision =
  | { kind: 'approve'; validity?: { notBefore: Date; notAfter: Date } }
  | { kind: 'deny' | 'fail'; reason: string; message: string }
  | { kind: 'leave' };

/** A running test signer. */
export interface TestSigner {
  /** Every CSR as it was created, in arrival order. */
  readonly seen: KubeObject[];
  /** Appends Approved, then sets status.certificate signed by the CA (client or server usage by signer). */
  approve(name: string, validity?: { notBefore: Date; notAfter: Date }): Promise<void>;
  /** Appends a Denied or Failed condition. */
  refuse(name: string, type: 'Denied' | 'Failed', reason: string, message: string): Promise<void>;
  stop(): void;
}

/** Starts answering CSRs in `storage` with `decide`. */
export function startTestSigner(storage: Storage, opts: { ca: CertKey; decide: (csr: KubeObject, index: number) => SignerDecision }): TestSigner {
  const seen: KubeObject[] = [];
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    reason,
    message,
    lastUpdateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  const setStatus = (name: string, change: (status: Record<string, unknown>) => void) =>
    storage.update(CSR_KEY, undefined, name, (csr) => {
      const status = { ...((csr.status as Record<string, unknown> | undefined) ?? {}) };
      change(status);
      return { ...csr, status };
    });
  const addCondition = (name: string, c: ReturnType<typeof condition>) =>
    setStatus(name, (status) => (status.conditions = [...((status.conditions as unknown[]) ?? []), c]));

  const signer: TestSigner = {
    seen,
    async approve(name, validity) {
      await addCondition(name, condition('Approved', 'TestApproved', 'approved by the test'));
      const csr = await storage.get(CSR_KEY, undefined, name);
      const spec = csr?.spec as { request: string; signerName: string };
      const certificate = await signCsr({
        ca: opts.ca,
        csr: Buffer.from(spec.request, 'base64').toString('utf8'),
        usage: spec.signerName === 'kubernetes.io/kubelet-serving' ? 'server' : 'client',
        ...validity,
      });
      await setStatus(name, (status) => (status.certificate = Buffer.from(certificate).toString('base64')));
    },
    async refuse(name, type, reason, message) {
      await addCondition(name, condition(type, reason, message));
    },
    stop: () => watch.stop(),
  };
  const watch = storage.watch(CSR_KEY, {}, (event) => {
    if (event.type !== 'ADDED') return;
    seen.push(event.object);
    const decision = opts.decide(event.object, seen.length - 1);
    const name = event.object.metadata.name!;
    const answered =
      decision.kind === 'approve'
        ? signer.approve(name, decision.validity)
        : decision.kind === 'leave'
          ? Promise.resolve()
          : signer.refuse(name, decision.kind === 'deny' ? 'Denied' : 'Failed', decision.reason, decision.message);
    // Surfaces as an unhandled rejection, which fails the running test loudly.
    answered.catch((err: unknown) => {
      throw new Error(`test signer could not answer ${name}`, { cause: err });
    });
  });
  return signer;
}
