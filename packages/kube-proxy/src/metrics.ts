// What the proxy counts, and the Prometheus text exposition of it. Kubernetes' kube-proxy metric names where
// one exists (sync counts and durations, healthz answers); `kubeproxy_userspace_*` for what only a user-space
// proxy can see (connections it relayed, refused or failed to dial, and the bytes it moved).

/** Live counters; the handle exposes them read-only. */
export interface ProxyStats {
  /** Connections accepted on a Service address. */
  connectionsAccepted: number;
  /** Connections relayed to an endpoint. */
  connectionsProxied: number;
  /** Connections reset because the service port had no ready endpoint (kube-proxy's REJECT). */
  connectionsRejected: number;
  /** Connections reset because no endpoint answered the dial. */
  connectionsFailed: number;
  /** Individual endpoint dials that failed (each one retried with the next endpoint). */
  dialFailures: number;
  /** Relayed connections still open. */
  activeConnections: number;
  bytesToEndpoints: number;
  bytesToClients: number;
  /** Times the listeners were reconciled with the Services and EndpointSlices. */
  syncs: number;
  serviceChanges: number;
  endpointChanges: number;
  /** Service addresses currently listened on. */
  listeners: number;
  /** Milliseconds since the epoch of the last completed sync; 0 before the first. */
  lastSyncTimeMs: number;
}

/** Seconds; kube-proxy's sync histogram buckets (1 ms doubling, 15 buckets). */
const SYNC_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

/** The Prometheus text content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The proxy's counters plus the sync-duration histogram and health-answer counts. */
export class ProxyMetrics {
  readonly stats: ProxyStats = {
    connectionsAccepted: 0,
    connectionsProxied: 0,
    connectionsRejected: 0,
    connectionsFailed: 0,
    dialFailures: 0,
    activeConnections: 0,
    bytesToEndpoints: 0,
    bytesToClients: 0,
    syncs: 0,
    serviceChanges: 0,
    endpointChanges: 0,
    listeners: 0,
    lastSyncTimeMs: 0,
  };
  private readonly syncBuckets = SYNC_BUCKETS.map(() => 0);
  private syncSeconds = 0;
  private readonly healthz = new Map<string, number>();
  private readonly livez = new Map<string, number>();

  /** Records one completed sync that took `seconds`. */
  observeSync(seconds: number, at: number): void {
    this.stats.syncs++;
    this.stats.lastSyncTimeMs = at;
    this.syncSeconds += seconds;
    SYNC_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.syncBuckets[i]++;
    });
  }

  /** Counts one /healthz or /livez answer by status code. */
  observeHealth(path: 'healthz' | 'livez', code: number): void {
    const map = path === 'healthz' ? this.healthz : this.livez;
    map.set(String(code), (map.get(String(code)) ?? 0) + 1);
  }

  /** The Prometheus text exposition (format 0.0.4). */
  render(): string {
    const s = this.stats;
    const out: string[] = [];
    const metric = (name: string, type: string, help: string, samples: Array<[labels: string, value: number]>) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) out.push(`${name}${labels} ${formatValue(value)}`);
    };
    const byCode = (map: Map<string, number>): Array<[string, number]> => [...map].sort().map(([code, n]) => [`{code="${code}"}`, n]);

    out.push('# HELP kubeproxy_sync_proxy_rules_duration_seconds [ALPHA] SyncProxyRules latency in seconds');
    out.push('# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram');
    SYNC_BUCKETS.forEach((le, i) => out.push(`kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="${formatValue(le)}"} ${this.syncBuckets[i]}`));
    out.push(`kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="+Inf"} ${s.syncs}`);
    out.push(`kubeproxy_sync_proxy_rules_duration_seconds_sum ${formatValue(this.syncSeconds)}`);
    out.push(`kubeproxy_sync_proxy_rules_duration_seconds_count ${s.syncs}`);
    metric('kubeproxy_sync_proxy_rules_last_timestamp_seconds', 'gauge', '[ALPHA] The last time proxy rules were successfully synced', [['', s.lastSyncTimeMs / 1000]]);
    metric('kubeproxy_sync_proxy_rules_service_changes_total', 'counter', '[ALPHA] Cumulative proxy rules Service changes', [['', s.serviceChanges]]);
    metric('kubeproxy_sync_proxy_rules_endpoint_changes_total', 'counter', '[ALPHA] Cumulative proxy rules Endpoint changes', [['', s.endpointChanges]]);
    if (this.healthz.size) metric('kubeproxy_proxy_healthz_total', 'counter', '[ALPHA] Cumulative proxy healthz HTTP status', byCode(this.healthz));
    if (this.livez.size) metric('kubeproxy_proxy_livez_total', 'counter', '[ALPHA] Cumulative proxy livez HTTP status', byCode(this.livez));
    metric('kubeproxy_userspace_listeners', 'gauge', 'Service addresses the user-space proxy listens on', [['', s.listeners]]);
    metric('kubeproxy_userspace_connections_accepted_total', 'counter', 'Connections accepted on Service addresses', [['', s.connectionsAccepted]]);
    metric('kubeproxy_userspace_connections_proxied_total', 'counter', 'Connections relayed to an endpoint', [['', s.connectionsProxied]]);
    metric('kubeproxy_userspace_connection_errors_total', 'counter', 'Connections reset without reaching an endpoint, by reason', [
      ['{reason="no_endpoints"}', s.connectionsRejected],
      ['{reason="dial_failed"}', s.connectionsFailed],
    ]);
    metric('kubeproxy_userspace_endpoint_dial_failures_total', 'counter', 'Endpoint dials that failed (retried with the next endpoint)', [['', s.dialFailures]]);
    metric('kubeproxy_userspace_active_connections', 'gauge', 'Relayed connections currently open', [['', s.activeConnections]]);
    metric('kubeproxy_userspace_bytes_total', 'counter', 'Bytes relayed, by direction', [
      ['{direction="to_endpoint"}', s.bytesToEndpoints],
      ['{direction="to_client"}', s.bytesToClients],
    ]);
    return `${out.join('\n')}\n`;
  }
}

// Prometheus floats: integers plainly, others in shortest round-trip form.
function formatValue(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15)));
}
