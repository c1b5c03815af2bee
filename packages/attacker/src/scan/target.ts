// A kubelet address as given on the command line: `host:port`, `[v6]:port`, or a bare host (port 10250).

/** The kubelet's HTTPS port in Kubernetes. */
export const DEFAULT_KUBELET_PORT = 10250;

/** The kubelet's read-only port in Kubernetes (when not disabled with --read-only-port=0). */
export const DEFAULT_READ_ONLY_PORT = 10255;

/** A parsed target. */
export interface KubeletAddress {
  host: string;
  port: number;
}

/** Parses `target`; throws on a port that is not 1–65535. */
export function parseTarget(target: string): KubeletAddress {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  const [host, portText] = bracketed
    ? [bracketed[1], bracketed[2]]
    : target.split(':').length === 2
      ? (target.split(':') as [string, string])
      : [target, undefined];
  const port = portText === undefined ? DEFAULT_KUBELET_PORT : Number(portText);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid kubelet address "${target}" (want host:port)`);
  return { host, port };
}

/** `host:port` (IPv6 in brackets). */
export function formatAddress({ host, port }: KubeletAddress): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
