// kube-controller-manager's csrapproving controller: approves kubelet client certificate requests
// (signer kubernetes.io/kube-apiserver-client-kubelet) when the requester may create the
// `certificatesigningrequests/selfnodeclient` (renewing its own identity) or `…/nodeclient` (anything else)
// subresource, asked of the apiserver's authorizer as a SubjectAccessReview would. It never denies: a request
// it does not recognize or may not approve stays Pending for a human or another approver.
import type { Attributes, Authorizer } from '@hubspoke/auth';
import type { CsrInfo } from '@hubspoke/pki';
import { KEYS, clockOf, type Controller, type ControllerContext } from './context.ts';
import { approvalOf, parseRequest, trueCondition, viewCsr, withCondition, type CsrView } from './csr-objects.ts';
import { SIGNERS, validateKubeletClientRequest } from './csr-rules.ts';
import { follow } from './follow.ts';
import { SkipUpdate, updateIfPresent } from './objects.ts';
import { WorkQueue } from './work-queue.ts';

/** What the approver needs besides the store: whom to ask. */
export interface CsrApprovingContext extends ControllerContext {
  authorizer: Authorizer;
  /** First delay before asking again about a request that was not allowed; doubles per attempt. Default 5 ms. */
  retryBaseMs?: number;
  /** Longest such delay. Default 1000 s (client-go's controller rate limiter). */
  retryMaxMs?: number;
}

interface Recognizer {
  subresource: 'selfnodeclient' | 'nodeclient';
  recognize(view: CsrView, request: CsrInfo): boolean;
  message: string;
}

// Self first: a node renewing its own certificate needs only the narrower permission.
const RECOGNIZERS: Recognizer[] = [
  {
    subresource: 'selfnodeclient',
    recognize: (view, request) => view.requester.name === request.commonName,
    message: 'Auto approving self kubelet client certificate after SubjectAccessReview.',
  },
  {
    subresource: 'nodeclient',
    recognize: () => true,
    message: 'Auto approving kubelet client certificate after SubjectAccessReview.',
  },
];

/** Start auto-approving kubelet client CSRs. */
export function startCsrApprovingController(ctx: CsrApprovingContext): Controller {
  const { storage, logger, authorizer } = ctx;
  const now = clockOf(ctx);
  const { retryBaseMs = 5, retryMaxMs = 1_000_000 } = ctx;
  const attempts = new Map<string, number>();

  async function reconcile(name: string): Promise<void> {
    const stored = storage.peek(KEYS.certificateSigningRequests, undefined, name);
    if (!stored) {
      attempts.delete(name);
      return;
    }
    const view = viewCsr(stored);
    const { approved, denied } = approvalOf(view);
    if (view.issued || approved || denied || view.signerName !== SIGNERS.kubeletClient) {
      attempts.delete(name);
      return;
    }
    const request = parseRequest(view, logger);
    if (!request) return;
    const fit = validateKubeletClientRequest(request, view.usages);
    if (!fit.ok) {
      logger.debug({ csr: name, reason: fit.message }, 'not a kubelet client certificate request, left pending');
      return;
    }

    const tried: string[] = [];
    for (const recognizer of RECOGNIZERS) {
      if (!recognizer.recognize(view, request)) continue;
      tried.push(recognizer.subresource);
      const decision = await authorizer.authorize(accessReview(view, recognizer.subresource));
      if (decision.kind !== 'allow') continue;
      await approve(name, recognizer);
      attempts.delete(name);
      return;
    }
    // Permissions may be granted later (kubeadm binds the bootstrappers after the fact): ask again with backoff.
    const attempt = (attempts.get(name) ?? 0) + 1;
    attempts.set(name, attempt);
    const delayMs = Math.min(retryBaseMs * 2 ** (attempt - 1), retryMaxMs);
    logger.info({ csr: name, recognizedAs: tried, requester: view.requester.name, retryInMs: delayMs }, 'csr recognized but subject access review was not approved');
    queue.addAfter(name, delayMs);
  }

  async function approve(name: string, recognizer: Recognizer): Promise<void> {
    const condition = trueCondition('Approved', 'AutoApproved', recognizer.message, now());
    const updated = await updateIfPresent(() =>
      storage.update(KEYS.certificateSigningRequests, undefined, name, (current) => {
        const latest = viewCsr(current);
        const { approved, denied } = approvalOf(latest);
        // Someone decided (or issued) in the meantime; theirs stands.
        if (latest.issued || approved || denied) throw new SkipUpdate();
        return withCondition(current, condition);
      }),
    );
    if (updated) logger.info({ csr: name, as: recognizer.subresource }, 'csr auto-approved');
  }

  const queue = new WorkQueue({ name: 'csrapproving', logger, handler: reconcile });
  const resync = () => {
    for (const csr of storage.peekList(KEYS.certificateSigningRequests)) queue.add(csr.metadata.name ?? '');
  };
  const watches = [
    follow(ctx, {
      key: KEYS.certificateSigningRequests,
      onEvent: (e) => queue.add(e.object.metadata.name ?? ''),
      onResync: resync,
    }),
    // A new cluster binding or role can allow what was refused a moment ago (CSRs are cluster-scoped, so
    // namespaced bindings never can); no need to wait out the backoff.
    ...[KEYS.clusterRoleBindings, KEYS.clusterRoles].map((key) => follow(ctx, { key, onEvent: () => resyncWaiting(), onResync: resyncWaiting })),
  ];
  function resyncWaiting(): void {
    for (const name of attempts.keys()) queue.add(name);
  }
  resync();
  return {
    stop() {
      for (const w of watches) w.stop();
      queue.stop();
    },
  };
}

/** The SubjectAccessReview the approver makes for the CSR's requester (`create certificatesigningrequests/<sub>`). */
function accessReview(view: CsrView, subresource: string): Attributes {
  return {
    user: view.requester,
    verb: 'create',
    isResourceRequest: true,
    apiGroup: 'certificates.k8s.io',
    resource: 'certificatesigningrequests',
    subresource,
  };
}
