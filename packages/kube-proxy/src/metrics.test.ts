import { describe, expect, it } from 'vitest';
import { ProxyMetrics } from './metrics.ts';

/** `name{labels}` → value, from Prometheus text. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('ProxyMetrics', () => {
  it('renders every sample after its HELP and TYPE lines, ending with a newline', () => {
    const text = new ProxyMetrics().render();
    expect(text.endsWith('\n')).toBe(true);
    const declared = new Set<string>();
    for (const line of text.trimEnd().split('\n')) {
      const type = /^# TYPE (\S+) (counter|gauge|histogram)$/.exec(line);
      if (type) declared.add(type[1]);
      else if (!line.startsWith('# HELP ')) expect(declared.has(line.split(/[{ ]/)[0].replace(/_(bucket|sum|count)$/, ''))).toBe(true);
    }
  });

  it('counts syncs in the histogram, cumulatively per bucket', () => {
    const m = new ProxyMetrics();
    m.observeSync(0.0005, 1_700_000_000_000);
    m.observeSync(0.003, 1_700_000_001_500);
    const s = samples(m.render());
    expect(s.get('kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="0.001"}')).toBe(1);
    expect(s.get('kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="0.004"}')).toBe(2);
    expect(s.get('kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="+Inf"}')).toBe(2);
    expect(s.get('kubeproxy_sync_proxy_rules_duration_seconds_count')).toBe(2);
    expect(s.get('kubeproxy_sync_proxy_rules_duration_seconds_sum')).toBeCloseTo(0.0035);
    expect(s.get('kubeproxy_sync_proxy_rules_last_timestamp_seconds')).toBe(1_700_000_001.5);
  });

  it('exposes the connection counters and health answers by code', () => {
    const m = new ProxyMetrics();
    m.stats.connectionsProxied = 3;
    m.stats.connectionsRejected = 2;
    m.stats.connectionsFailed = 1;
    m.stats.bytesToClients = 10;
    m.observeHealth('healthz', 503);
    m.observeHealth('healthz', 200);
    m.observeHealth('healthz', 200);
    const s = samples(m.render());
    expect(s.get('kubeproxy_userspace_connections_proxied_total')).toBe(3);
    expect(s.get('kubeproxy_userspace_connection_errors_total{reason="no_endpoints"}')).toBe(2);
    expect(s.get('kubeproxy_userspace_connection_errors_total{reason="dial_failed"}')).toBe(1);
    expect(s.get('kubeproxy_userspace_bytes_total{direction="to_client"}')).toBe(10);
    expect(s.get('kubeproxy_proxy_healthz_total{code="200"}')).toBe(2);
    expect(s.get('kubeproxy_proxy_healthz_total{code="503"}')).toBe(1);
    expect(s.has('kubeproxy_proxy_livez_total{code="200"}')).toBe(false);
  });
});
