// Services: a ClusterIP from --service-cluster-ip-range on create (or the one asked for, if free), kept for
// the Service's life.
import { invalidValue, invalid, type KubeObject } from '@hubspoke/api';
import { formatIPv4, parseCidr } from '../../config.ts';
import type { Strategy, StrategyContext } from '../strategy.ts';

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
}

function toInt(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

/** The services strategy for a given service CIDR. */
export function serviceStrategy(range: string): Strategy {
  const cidr = parseCidr(range);
  if (!cidr) throw new Error(`invalid service CIDR ${range}`);
  const size = 2 ** (32 - cidr.bits);
  const used = (ctx: StrategyContext): Set<string> =>
    new Set(
      ctx.storage
        .peekList('services')
        .map((s) => (s as unknown as { spec?: ServiceSpec }).spec?.clusterIP)
        .filter((ip): ip is string => !!ip && ip !== 'None'),
    );
  return {
    hasStatus: true,
    prepareForCreate(obj: KubeObject, ctx: StrategyContext) {
      const spec = ((obj.spec as ServiceSpec | undefined) ?? {}) as ServiceSpec;
      obj.spec = spec;
      obj.status = { loadBalancer: {} };
      if (spec.type === 'ExternalName' || spec.clusterIP === 'None') {
        if (spec.clusterIP === 'None') spec.clusterIPs = ['None'];
        return;
      }
      const taken = used(ctx);
      const asked = spec.clusterIP || spec.clusterIPs?.[0];
      if (asked) {
        const n = toInt(asked);
        const inRange = n !== undefined && n > cidr.base && n < cidr.base + size - 1;
        if (!inRange) {
          throw invalid('Service', obj.metadata.name ?? '', [
            invalidValue('spec.clusterIPs', [asked], `failed to allocate IP ${asked}: the provided IP (${asked}) is not in the valid range. The range of valid IPs is ${range}`),
          ]);
        }
        if (taken.has(asked)) {
          throw invalid('Service', obj.metadata.name ?? '', [
            invalidValue('spec.clusterIPs', [asked], `failed to allocate IP ${asked}: provided IP is already allocated`),
          ]);
        }
        spec.clusterIP = asked;
        spec.clusterIPs = [asked];
        return;
      }
      // Random probing keeps allocation O(1) on average even with many Services.
      for (let i = 0; i < size * 2; i++) {
        const candidate = formatIPv4(cidr.base + 1 + Math.floor(Math.random() * (size - 2)));
        if (!taken.has(candidate)) {
          spec.clusterIP = candidate;
          spec.clusterIPs = [candidate];
          return;
        }
      }
      throw invalid('Service', obj.metadata.name ?? '', [
        invalidValue('spec.clusterIPs', [], 'failed to allocate a serviceIP: range is full'),
      ]);
    },
    prepareForUpdate(obj: KubeObject, old: KubeObject) {
      const spec = ((obj.spec as ServiceSpec | undefined) ?? {}) as ServiceSpec;
      const oldSpec = (old.spec as ServiceSpec | undefined) ?? {};
      obj.spec = spec;
      if (!spec.clusterIP && oldSpec.clusterIP) {
        spec.clusterIP = oldSpec.clusterIP;
        spec.clusterIPs = oldSpec.clusterIPs;
      }
      if (oldSpec.clusterIP && spec.clusterIP !== oldSpec.clusterIP) {
        throw invalid('Service', obj.metadata.name ?? '', [
          invalidValue('spec.clusterIPs[0]', spec.clusterIP, 'may not change once set'),
        ]);
      }
    },
  };
}
