// What a client needs to reach one apiserver: the kubeconfig cluster + user fields, already resolved to PEM.

/** Connection settings for createClient; PEM strings, not file paths. */
export interface ClientConfig {
  /** `https://host:port` (an optional path prefix is kept); `http://` is allowed for plain servers. */
  server: string;
  /** CA bundle that must have signed the server certificate; the system roots when absent. */
  caCert?: string;
  /** Client certificate and key for x509 authentication. */
  clientCert?: string;
  clientKey?: string;
  /** Bearer token sent as `Authorization: Bearer …`. */
  token?: string;
  /** The name the server certificate must carry when it differs from the URL host (`tls-server-name`). */
  tlsServerName?: string;
  /** Skip server certificate verification (kubeconfig `insecure-skip-tls-verify`). */
  insecureSkipTLSVerify?: boolean;
  userAgent?: string;
  /** Deadline for ordinary (non-watch) requests; default 30 s. */
  timeoutMs?: number;
}

/** The User-Agent sent when none is configured, shaped like client-go's. */
export const DEFAULT_USER_AGENT = `hubspoke-client/v0.1.0 (linux/${goArch(process.arch)}) kubernetes/v1.32.0`;

/** Node's `process.arch` in Go's GOARCH spelling (`x64` → `amd64`). */
export function goArch(arch: string): string {
  switch (arch) {
    case 'x64':
      return 'amd64';
    case 'ia32':
      return '386';
    case 'arm':
      return 'arm';
    case 'ppc64':
      return 'ppc64le';
    default:
      return arch;
  }
}

/** The parsed server URL; throws a clear error when the config cannot work. */
export function validateClientConfig(config: ClientConfig): URL {
  let url: URL;
  try {
    url = new URL(config.server);
  } catch {
    throw new Error(`client config: server ${JSON.stringify(config.server)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`client config: server ${config.server} must use https:// or http://`);
  }
  if (Boolean(config.clientCert) !== Boolean(config.clientKey)) {
    throw new Error('client config: clientCert and clientKey must be given together');
  }
  return url;
}
