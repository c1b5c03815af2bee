// kube-proxy's metrics server: /metrics in Prometheus text, plus the /healthz ("ok") and /proxyMode it
// serves beside them.
import { PROXY_MODE } from './config.ts';
import type { HostPort } from './host-port.ts';
import { pathOf, startHttpServer } from './http-server.ts';
import type { RunningServer } from './http-server.ts';
import { PROMETHEUS_CONTENT_TYPE } from './metrics.ts';
import type { ProxyMetrics } from './metrics.ts';

/** Serves /metrics, /healthz and /proxyMode on `at`. */
export function startMetricsServer(at: HostPort, metrics: ProxyMetrics): Promise<RunningServer> {
  return startHttpServer('metrics server', at, (req, res) => {
    switch (pathOf(req)) {
      case '/metrics':
        res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE });
        res.end(metrics.render());
        return true;
      case '/healthz':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        res.end('ok');
        return true;
      case '/proxyMode':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(PROXY_MODE);
        return true;
      default:
        return false;
    }
  });
}
