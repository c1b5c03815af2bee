// Content negotiation for responses: which representation a client asked for in `Accept`
// (plain JSON, a meta.k8s.io Table, PartialObjectMetadata, aggregated discovery).

/** One media range of an Accept header with its parameters. */
export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** Parse `Accept` into media ranges, in the order the client listed them. */
export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [{ type: '*/*', params: {} }];
  return accept
    .split(',')
    .map((part) => {
      const [type, ...rawParams] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rawParams) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
      }
      return { type: type.toLowerCase(), params };
    })
    .filter((r) => r.type !== '');
}

/** What a list/get response should be converted to. */
export type Conversion =
  | { as: 'object' }
  | { as: 'Table'; version: 'v1' | 'v1beta1' }
  | { as: 'PartialObjectMetadata'; version: 'v1' | 'v1beta1' };

const JSONISH = new Set(['application/json', '*/*', 'application/*', 'application/yaml', 'application/vnd.kubernetes.protobuf']);

/** The first acceptable conversion in the client's order; plain objects when nothing special is asked. */
export function negotiateConversion(accept: string | undefined): Conversion {
  for (const r of parseAccept(accept)) {
    if (!JSONISH.has(r.type)) continue;
    const as = r.params['as'];
    if (!as) return { as: 'object' };
    if (r.params['g'] !== 'meta.k8s.io') continue;
    const version = r.params['v'] === 'v1beta1' ? 'v1beta1' : r.params['v'] === 'v1' ? 'v1' : undefined;
    if (!version) continue;
    if (as === 'Table') return { as: 'Table', version };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { as: 'PartialObjectMetadata', version };
  }
  return { as: 'object' };
}

/** The aggregated-discovery version asked for (`apidiscovery.k8s.io` v2 or v2beta1), if any. */
export function negotiateAggregatedDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const r of parseAccept(accept)) {
    if (r.params['g'] === 'apidiscovery.k8s.io' && r.params['as'] === 'APIGroupDiscoveryList') {
      if (r.params['v'] === 'v2' || r.params['v'] === 'v2beta1') return r.params['v'];
      continue;
    }
    if (JSONISH.has(r.type) && !r.params['as']) return undefined;
  }
  return undefined;
}
