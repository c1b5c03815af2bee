// CertificateSigningRequests (pkg/registry/certificates/certificates/strategy.go): the requester is recorded from
// the request, never from the body; after creation the main resource changes only metadata, `status` carries
// the issued certificate and conditions other than Approved/Denied, and `approval` only the conditions.
import { clone, nowTimestamp, validateCertificateSigningRequest, type KubeObject } from '@hubspoke/api';
import type { UserInfo } from '@hubspoke/auth';
import type { Strategy, StrategyContext, UpdateStrategy } from '../strategy.ts';

interface Condition {
  type?: string;
  status?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

interface CsrSpec {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

const conditionsOf = (csr: KubeObject): Condition[] => ((csr.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);

/** `PrepareForCreate`: the requesting user as spec.username/uid/groups/extra, and no status (no pre-approved requests). */
export function recordRequester(csr: KubeObject, user: UserInfo): void {
  const spec = (csr.spec ??= {}) as CsrSpec;
  delete spec.username;
  delete spec.uid;
  delete spec.groups;
  delete spec.extra;
  if (user.name) spec.username = user.name;
  if (user.uid) spec.uid = user.uid;
  if (user.groups.length) spec.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) spec.extra = clone(user.extra);
  csr.status = {};
}

// `populateConditionTimestamps`: a missing lastUpdateTime is now; a missing lastTransitionTime is the stored one of
// the same type and status, or now.
function stampConditions(csr: KubeObject, old: KubeObject, now: string): void {
  for (const c of conditionsOf(csr)) {
    c.lastUpdateTime ||= now;
    if (!c.lastTransitionTime) {
      const same = conditionsOf(old).find((o) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = same?.lastTransitionTime ?? now;
    }
  }
}

// `preserveConditionInstances`: the stored conditions of one type replace the requested ones when their count is
// unchanged, so `status` may not rewrite a decision (adding or removing one fails validation instead).
function preserveConditions(csr: KubeObject, old: KubeObject, type: string): void {
  const before = conditionsOf(old).filter((c) => c.type === type);
  const after = conditionsOf(csr);
  const indices = after.flatMap((c, i) => (c.type === type ? [i] : []));
  if (indices.length !== before.length) return;
  indices.forEach((at, i) => (after[at] = clone(before[i])));
}

const keepSpec = (csr: KubeObject, old: KubeObject) => {
  csr.spec = clone(old.spec);
};

const statusStrategy: UpdateStrategy = {
  prepareForUpdate(csr, old, ctx: StrategyContext) {
    keepSpec(csr, old);
    preserveConditions(csr, old, 'Approved');
    preserveConditions(csr, old, 'Denied');
    stampConditions(csr, old, nowTimestamp(ctx.now()));
  },
  validateUpdate: (csr, old) => validateCertificateSigningRequest(csr, old, { certificate: true }),
};

const approvalStrategy: UpdateStrategy = {
  prepareForUpdate(csr, old, ctx: StrategyContext) {
    stampConditions(csr, old, nowTimestamp(ctx.now()));
    const conditions = conditionsOf(csr);
    keepSpec(csr, old);
    csr.status = { ...clone((old.status as object | undefined) ?? {}), conditions };
    if (conditions.length === 0) delete (csr.status as { conditions?: unknown }).conditions;
  },
  validateUpdate: (csr, old) => validateCertificateSigningRequest(csr, old, { approval: true }),
};

/** The certificatesigningrequests strategy with its `status` and `approval` subresources. */
export const certificateSigningRequestStrategy: Strategy = {
  hasStatus: true,
  prepareForCreate(csr, _ctx, user) {
    recordRequester(csr, user);
  },
  // Spec and status are immutable through the main resource; metadata (labels, annotations) may change.
  prepareForUpdate: keepSpec,
  subresources: { status: statusStrategy, approval: approvalStrategy },
};
