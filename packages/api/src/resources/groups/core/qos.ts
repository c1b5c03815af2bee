// A pod's QoS class (Guaranteed, Burstable, BestEffort) from its containers' cpu and memory requests and
// limits, as the apiserver records it in status.qosClass on create.
import type { Container, Pod } from './pod-types.ts';

const QOS_RESOURCES = ['cpu', 'memory'];

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A resource quantity (`500m`, `128Mi`, `1e3`, `2`) as a number; NaN when unparsable. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || !(m[2] in SUFFIX)) return NaN;
  return Number(m[1]) * SUFFIX[m[2]];
}

/** `qos.GetPodQOS`. */
export function podQOSClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let allLimited = true;
  for (const c of containers) {
    const limited = new Set<string>();
    for (const name of QOS_RESOURCES) {
      const req = c.resources?.requests?.[name];
      const lim = c.resources?.limits?.[name];
      if (req !== undefined && parseQuantity(req) !== 0) requests.set(name, (requests.get(name) ?? 0) + parseQuantity(req));
      if (lim !== undefined && parseQuantity(lim) !== 0) {
        limits.set(name, (limits.get(name) ?? 0) + parseQuantity(lim));
        limited.add(name);
      }
    }
    if (limited.size < QOS_RESOURCES.length) allLimited = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (allLimited && [...requests].every(([name, value]) => limits.get(name) === value)) return 'Guaranteed';
  return 'Burstable';
}
