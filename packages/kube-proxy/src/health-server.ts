// kube-proxy's health server: /healthz and /livez answer JSON with the last sync time, 503 until the proxy
// has synced its listeners once (hubspoke is stricter here than kube-proxy, which counts as healthy while
// starting up), and /healthz also 503 when the node is being deleted.
import type { HostPort } from './host-port.ts';
import { pathOf, startHttpServer } from './http-server.ts';
import type { RunningServer } from './http-server.ts';
import type { ProxyMetrics } from './metrics.ts';

/** What the health answers are computed from. */
export interface HealthSource {
  /** When the last sync completed; undefined before the first. */
  lastUpdated(): Date | undefined;
  /** False while this proxy's Node is being deleted (or marked for deletion by the autoscaler). */
  nodeEligible(): boolean;
}

/** Serves /healthz and /livez on `at`. */
export function startHealthServer(at: HostPort, source: HealthSource, metrics: ProxyMetrics): Promise<RunningServer> {
  return startHttpServer('proxy healthz', at, (req, res) => {
    const path = pathOf(req);
    if (path !== '/healthz' && path !== '/livez') return false;
    const now = new Date();
    const last = source.lastUpdated();
    const eligible = source.nodeEligible();
    const healthy = last !== undefined && (path === '/livez' || eligible);
    // As kube-proxy: a healthy answer reports "now" as lastUpdated (its historical meaning).
    const lastUpdated = goTimeString(healthy ? now : (last ?? ZERO_TIME));
    const body =
      path === '/healthz'
        ? `{"lastUpdated": ${JSON.stringify(lastUpdated)},"currentTime": ${JSON.stringify(goTimeString(now))}, "nodeEligible": ${eligible}}`
        : `{"lastUpdated": ${JSON.stringify(lastUpdated)},"currentTime": ${JSON.stringify(goTimeString(now))}}`;
    const code = healthy ? 200 : 503;
    metrics.observeHealth(path === '/healthz' ? 'healthz' : 'livez', code);
    res.writeHead(code, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
    return true;
  });
}

/** Go's time.Time zero value (year 1), which kube-proxy prints before its first sync. */
const ZERO_TIME = new Date(new Date(0).setUTCFullYear(1, 0, 1));

/** `date` as Go's time.Time String() prints it in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export function goTimeString(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const fraction = date.getUTCMilliseconds() ? `.${pad(date.getUTCMilliseconds(), 3).replace(/0+$/, '')}` : '';
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction} +0000 UTC`
  );
}
