// kube-controller-manager's csrsigning controller: issues certificates from the cluster signing CA
// (--cluster-signing-cert-file / --cluster-signing-key-file) for approved requests to the built-in signers
// kubernetes.io/kube-apiserver-client-kubelet, kubernetes.io/kubelet-serving and
// kubernetes.io/kube-apiserver-client. A request that breaks its signer's rules gets a Failed condition
// (reason SignerValidationFailure) instead of a certificate.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KubeObject } from '@hubspoke/api';
import { signCertificateRequest, type CertKey } from '@hubspoke/pki';
import { KEYS, clockOf, type Controller, type ControllerContext } from './context.ts';
import { approvalOf, hasTrueCondition, parseRequest, trueCondition, viewCsr, withCertificate, withCondition, type CsrView } from './csr-objects.ts';
import { ruleFor } from './csr-rules.ts';
import { follow } from './follow.ts';
import { SkipUpdate, updateIfPresent } from './objects.ts';
import { WorkQueue } from './work-queue.ts';

/** The signing CA and the longest lifetime a certificate may get. */
export interface CsrSigningContext extends ControllerContext {
  /** PEM CA certificate and its private key (EC or RSA). */
  signingPair: CertKey;
  /** --cluster-signing-duration in ms. Default 8760h (one year). */
  durationMs?: number;
}

const DEFAULT_DURATION_MS = 8760 * 3_600_000;
// Twice the backdate: a shorter certificate could be expired for a verifier with a slow clock.
const MIN_DURATION_MS = 10 * 60_000;

/** Start signing approved CSRs; throws when the signing pair is unusable, as kube-controller-manager refuses to start. */
export function startCsrSigningController(ctx: CsrSigningContext): Controller {
  const { storage, logger, signingPair } = ctx;
  checkSigningPair(signingPair);
  const now = clockOf(ctx);
  const maxMs = ctx.durationMs ?? DEFAULT_DURATION_MS;

  async function reconcile(name: string): Promise<void> {
    const stored = storage.peek(KEYS.certificateSigningRequests, undefined, name);
    if (!stored) return;
    const view = viewCsr(stored);
    if (!ready(view)) return;
    const rule = ruleFor(view.signerName);
    if (!rule) return;
    const request = parseRequest(view, logger);
    if (!request) return;
    const verdict = rule(request, view.usages);
    if (!verdict.ok) {
      await fail(name, verdict.message);
      return;
    }
    const result = await signCertificateRequest({
      ca: signingPair,
      csr: view.requestPem,
      usages: view.usages,
      ttlMs: lifetime(view.expirationSeconds, maxMs),
      now: now(),
    });
    if (result.kind === 'rejected') {
      // The request is immutable, so signing it again cannot succeed.
      logger.warn({ csr: name, reason: result.reason }, 'error auto signing csr');
      return;
    }
    const updated = await update(name, (current) => withCertificate(current, result.certificate));
    if (updated) logger.info({ csr: name, signer: view.signerName }, 'csr signed');
  }

  async function fail(name: string, message: string): Promise<void> {
    const condition = trueCondition('Failed', 'SignerValidationFailure', message, now());
    const updated = await update(name, (current) => withCondition(current, condition));
    if (updated) logger.info({ csr: name, reason: message }, 'csr failed signer validation');
  }

  // Writes as the status subresource would, unless the CSR stopped being ours to sign meanwhile.
  function update(name: string, change: (current: KubeObject) => KubeObject): Promise<KubeObject | undefined> {
    return updateIfPresent(() =>
      storage.update(KEYS.certificateSigningRequests, undefined, name, (current) => {
        if (!ready(viewCsr(current))) throw new SkipUpdate();
        return change(current);
      }),
    );
  }

  const queue = new WorkQueue({ name: 'csrsigning', logger, handler: reconcile });
  const resync = () => {
    for (const csr of storage.peekList(KEYS.certificateSigningRequests)) queue.add(csr.metadata.name ?? '');
  };
  const watch = follow(ctx, {
    key: KEYS.certificateSigningRequests,
    onEvent: (e) => queue.add(e.object.metadata.name ?? ''),
    onResync: resync,
  });
  resync();
  return {
    stop() {
      watch.stop();
      queue.stop();
    },
  };
}

/** Approved, not denied, not failed, not yet issued: the only CSRs a signer acts on. */
function ready(view: CsrView): boolean {
  const { approved, denied } = approvalOf(view);
  return approved && !denied && !hasTrueCondition(view, 'Failed') && !view.issued;
}

/** spec.expirationSeconds honoured between ten minutes and the signing duration; absent = the signing duration. */
export function lifetime(expirationSeconds: number | undefined, maxMs: number): number {
  if (expirationSeconds === undefined) return maxMs;
  const requestedMs = expirationSeconds * 1000;
  if (requestedMs > maxMs) return maxMs;
  return Math.max(requestedMs, MIN_DURATION_MS);
}

/** Throws when the signing pair is unreadable, not a CA, or its key does not match (checked before serving). */
export function checkSigningPair(pair: CertKey): void {
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(pair.cert);
  } catch (err) {
    throw new Error(`error reading CA cert file: ${(err as Error).message}`);
  }
  if (!ca.ca) throw new Error(`cluster signing certificate "${ca.subject}" is not a CA`);
  let matches: boolean;
  try {
    matches = ca.checkPrivateKey(createPrivateKey(pair.key));
  } catch (err) {
    throw new Error(`error reading CA key file: ${(err as Error).message}`);
  }
  if (!matches) throw new Error('cluster signing key does not match the cluster signing certificate');
}
