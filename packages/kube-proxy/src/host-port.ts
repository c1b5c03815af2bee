// kube-proxy's `IP:port` server addresses (healthzBindAddress, metricsBindAddress). hubspoke also takes
// `:port`, meaning "on --bind-address", so one flag moves all of the proxy's own servers.
import { isIP } from 'node:net';

/** A parsed server address. */
export interface HostPort {
  host: string;
  port: number;
}

/** Parses `value`; '' means "do not serve" (undefined). Throws with Kubernetes' validation wording. */
export function parseHostPort(value: string, field: string, defaultHost = '0.0.0.0'): HostPort | undefined {
  if (value === '') return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(value);
  const host = m ? (m[1] ?? m[2] ?? '') : '';
  const port = m ? Number(m[3]) : NaN;
  const invalid = () => new Error(`KubeProxyConfiguration.${field}: Invalid value: ${JSON.stringify(value)}: must be IP:port`);
  if (!m || port > 65535) throw invalid();
  if (host === '') return { host: defaultHost, port };
  if (!isIP(host) || (m[1] !== undefined && isIP(host) !== 6)) throw invalid();
  return { host, port };
}

/** `host:port`, bracketing IPv6 hosts. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
