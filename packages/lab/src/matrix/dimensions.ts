// The flags the matrix varies, as data: each dimension has a few values, each value says what it does to the
// cluster (apiserver and egress) or to one kubelet. Cluster-level dimensions decide how many clusters run;
// kubelet-level ones become kubelets side by side in one cluster. A new dimension (a gate) is one more entry.
import type { KubeletConfigInput } from '@hubspoke/kubelet';
import type { EgressMode } from '../egress.ts';

/** What a cluster-level value sets. */
export interface ClusterPlan {
  /** `--kubelet-certificate-authority` = the cluster CA, and kubelet serving certificates signed by it. */
  verifyKubelets: boolean;
  /** `--feature-gates=KubeletCertCNValidation=true` (KEP-4872): a verified certificate must also be the dialled node's. */
  cnCheck: boolean;
  /** `--kubelet-client-certificate` / `--kubelet-client-key`. */
  kubeletClientCertificate: boolean;
  egress: EgressMode;
}

/** What a kubelet-level value sets: the kubelet settings the matrix varies. */
export type KubeletPlan = Required<Pick<KubeletConfigInput, 'anonymousAuth' | 'authenticationTokenWebhook' | 'authorizationMode' | 'readOnlyPort' | 'featureGates'>>;

/** One value of a dimension. */
export interface DimensionValue<P> {
  id: string;
  /** Short words for reports (`--anonymous-auth=true, AlwaysAllow`). */
  label: string;
  apply(plan: P): P;
}

/** A flag (or set of flags that only make sense together) the matrix varies. */
export type Dimension =
  | { level: 'cluster'; id: string; title: string; values: DimensionValue<ClusterPlan>[] }
  | { level: 'kubelet'; id: string; title: string; values: DimensionValue<KubeletPlan>[] };

/** Every dimension, in report column order. */
export const DIMENSIONS: readonly Dimension[] = [
  {
    level: 'cluster',
    id: 'kubelet-ca',
    title: 'kubelet serving certificates',
    // The CN check only looks at certificates the apiserver verifies, so it is a third value rather than a
    // dimension of its own: "unverified + gate" would be the same cluster as "unverified".
    values: [
      { id: 'unverified', label: 'self-signed, no --kubelet-certificate-authority', apply: (p) => ({ ...p, verifyKubelets: false, cnCheck: false }) },
      { id: 'verified', label: 'cluster CA, --kubelet-certificate-authority', apply: (p) => ({ ...p, verifyKubelets: true, cnCheck: false }) },
      {
        id: 'verified-cn',
        label: 'cluster CA, --kubelet-certificate-authority, KubeletCertCNValidation=true',
        apply: (p) => ({ ...p, verifyKubelets: true, cnCheck: true }),
      },
    ],
  },
  {
    level: 'cluster',
    id: 'client-cert',
    title: 'apiserver kubelet client certificate',
    values: [
      { id: 'set', label: '--kubelet-client-certificate set', apply: (p) => ({ ...p, kubeletClientCertificate: true }) },
      { id: 'unset', label: 'no --kubelet-client-certificate', apply: (p) => ({ ...p, kubeletClientCertificate: false }) },
    ],
  },
  {
    level: 'cluster',
    id: 'egress',
    title: 'apiserver → node path',
    values: (['direct', 'konnectivity', 'ssh'] as const).map((mode) => ({
      id: mode,
      label: mode === 'direct' ? 'direct' : mode === 'konnectivity' ? 'Konnectivity' : 'SSH tunnels',
      apply: (p: ClusterPlan) => ({ ...p, egress: mode }),
    })),
  },
  {
    level: 'kubelet',
    id: 'kubelet-auth',
    title: 'kubelet authentication and authorization',
    values: [
      {
        id: 'anonymous-off',
        label: '--anonymous-auth=false, Webhook',
        apply: (p) => ({ ...p, anonymousAuth: false, authenticationTokenWebhook: true, authorizationMode: 'Webhook' }),
      },
      {
        id: 'anonymous-webhook',
        label: '--anonymous-auth=true, Webhook',
        apply: (p) => ({ ...p, anonymousAuth: true, authenticationTokenWebhook: true, authorizationMode: 'Webhook' }),
      },
      {
        id: 'anonymous-alwaysallow',
        label: '--anonymous-auth=true, AlwaysAllow',
        apply: (p) => ({ ...p, anonymousAuth: true, authenticationTokenWebhook: false, authorizationMode: 'AlwaysAllow' }),
      },
    ],
  },
  {
    level: 'kubelet',
    id: 'read-only-port',
    title: 'kubelet read-only port',
    values: [
      { id: 'off', label: '--read-only-port=0', apply: (p) => ({ ...p, readOnlyPort: 0 }) },
      { id: 'on', label: '--read-only-port=10255', apply: (p) => ({ ...p, readOnlyPort: 10255 }) },
    ],
  },
  {
    level: 'kubelet',
    id: 'upgrade-check',
    title: 'kubelet WebSocket create-permission gate',
    values: [
      { id: 'off', label: 'KubeletWebsocketUpgradeCreatePermission=false', apply: (p) => ({ ...p, featureGates: { ...p.featureGates, KubeletWebsocketUpgradeCreatePermission: false } }) },
      { id: 'on', label: 'KubeletWebsocketUpgradeCreatePermission=true', apply: (p) => ({ ...p, featureGates: { ...p.featureGates, KubeletWebsocketUpgradeCreatePermission: true } }) },
    ],
  },
];

/** A choice of one value per dimension, by ids (`{ egress: 'direct', … }`). */
export type Combination = Record<string, string>;

/** The settings every plan starts from before the values apply. */
export const BASE_CLUSTER_PLAN: ClusterPlan = { verifyKubelets: false, cnCheck: false, kubeletClientCertificate: true, egress: 'direct' };
export const BASE_KUBELET_PLAN: KubeletPlan = { anonymousAuth: false, authenticationTokenWebhook: true, authorizationMode: 'Webhook', readOnlyPort: 0, featureGates: {} };

/** A stable id: `dimension=value` pairs in dimension order, comma-separated. */
export function combinationId(c: Combination, dimensions: readonly Dimension[] = DIMENSIONS): string {
  return dimensions.filter((d) => c[d.id] !== undefined).map((d) => `${d.id}=${c[d.id]}`).join(',');
}

/** Which values each dimension keeps; a dimension not named keeps every value. */
export type MatrixFilter = Record<string, string[]>;

/** The `--filter` syntax: `egress=direct,egress=ssh,read-only-port=on` (values of one dimension are alternatives). */
export function parseFilter(text: string, dimensions: readonly Dimension[] = DIMENSIONS): { kind: 'ok'; filter: MatrixFilter } | { kind: 'error'; message: string } {
  const filter: MatrixFilter = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, value, ...rest] = part.split('=');
    const dimension = dimensions.find((d) => d.id === key);
    if (!dimension) return { kind: 'error', message: `unknown dimension "${key}" in --filter (known: ${dimensions.map((d) => d.id).join(', ')})` };
    const values: { id: string }[] = dimension.values;
    if (value === undefined || rest.length > 0 || !values.some((v) => v.id === value)) {
      return { kind: 'error', message: `--filter ${part}: ${key} is one of ${values.map((v) => v.id).join(', ')}` };
    }
    (filter[key] ??= []).push(value);
  }
  return { kind: 'ok', filter };
}

/** The cluster-level and kubelet-level combinations the filter keeps. */
export interface MatrixPlan {
  clusters: Combination[];
  kubelets: Combination[];
}

/** Split the product into clusters × kubelets; each cluster runs every kubelet combination. */
export function planMatrix(filter: MatrixFilter = {}, dimensions: readonly Dimension[] = DIMENSIONS): MatrixPlan {
  const product = (level: Dimension['level']): Combination[] =>
    dimensions
      .filter((d) => d.level === level)
      .reduce<Combination[]>(
        (acc, d) => acc.flatMap((c) => d.values.filter((v) => !filter[d.id] || filter[d.id].includes(v.id)).map((v) => ({ ...c, [d.id]: v.id }))),
        [{}],
      );
  return { clusters: product('cluster'), kubelets: product('kubelet') };
}

/** The cluster plan a cluster-level combination stands for. */
export function clusterPlan(c: Combination, dimensions: readonly Dimension[] = DIMENSIONS): ClusterPlan {
  let plan = BASE_CLUSTER_PLAN;
  for (const d of dimensions) if (d.level === 'cluster') plan = valueOf(d, c).apply(plan);
  return plan;
}

/** The kubelet settings a kubelet-level combination stands for. */
export function kubeletPlan(c: Combination, dimensions: readonly Dimension[] = DIMENSIONS): KubeletPlan {
  let plan = BASE_KUBELET_PLAN;
  for (const d of dimensions) if (d.level === 'kubelet') plan = valueOf(d, c).apply(plan);
  return plan;
}

/** The label of the value `c` picks for `dimension`. */
export function valueLabel(dimension: Dimension, c: Combination): string {
  return valueOf(dimension, c).label;
}

function valueOf<D extends Dimension>(d: D, c: Combination): D['values'][number] {
  const value = (d.values as DimensionValue<unknown>[]).find((v) => v.id === c[d.id]);
  if (!value) throw new Error(`combination ${JSON.stringify(c)} has no value for ${d.id}`);
  return value as D['values'][number];
}
