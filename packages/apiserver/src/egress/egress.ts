// The apiserver's egress to the cluster, chosen once at startup: directly (the default, or `Direct`), through a
// Konnectivity-style HTTP CONNECT proxy (`--egress-selector-config-file`, selection `cluster`), or through
// per-node SSH tunnels (`--ssh-user`/`--ssh-keyfile`). The result is one Dialer that the kubelet client and the
// nodes/pods/services proxies share, so every control plane → cluster connection takes the same path.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import ssh2 from 'ssh2';
import { directDialer, type Dialer } from '../kubelet/dialer.ts';
import { clusterSelection, readEgressSelectorConfiguration } from './egress-selector-config.ts';
import { httpConnectDialer, proxyAddress, type ProxyServer } from './http-connect-dialer.ts';
import { knownHostsCheck } from './known-hosts.ts';
import { createSshTunneler } from './ssh-tunneler.ts';

/** The egress options of the apiserver's config (contents, not file names, except inside the egress file). */
export interface EgressOptions {
  /** `--egress-selector-config-file` contents. */
  egressSelectorConfig?: string;
  /** `--ssh-user` / `--ssh-keyfile` contents; `--ssh-port`; `--ssh-known-hosts-file` contents. */
  sshUser?: string;
  sshPrivateKey?: string;
  sshPort?: number;
  sshKnownHosts?: string;
}

/** The chosen egress. */
export interface Egress {
  kind: 'direct' | 'http-connect' | 'ssh';
  dialer: Dialer;
  /** Close long-lived connections (SSH tunnels). */
  close(): void;
}

/** Kubernetes' deprecation notice for the SSH flags, as pflag prints it. */
export const SSH_FLAG_DEPRECATION = 'This flag will be removed in a future version.';

/** Problems with the egress options, worded for startup (empty = valid). */
export function egressProblems(options: EgressOptions): string[] {
  const problems: string[] = [];
  if (options.egressSelectorConfig !== undefined) {
    const result = readEgressSelectorConfiguration(options.egressSelectorConfig);
    if (result.kind === 'invalid') problems.push(`failed to validate egress selector configuration: [${result.problems.join(', ')}]`);
  }
  if (options.sshUser && options.egressSelectorConfig !== undefined) {
    problems.push('--ssh-user and --egress-selector-config-file cannot be used together: choose SSH tunnels (deprecated) or the egress selector (Konnectivity)');
  }
  if (Boolean(options.sshUser) !== Boolean(options.sshPrivateKey)) problems.push('--ssh-user and --ssh-keyfile must be given together');
  const key = options.sshPrivateKey ? ssh2.utils.parseKey(options.sshPrivateKey) : undefined;
  if (key instanceof Error) problems.push(`--ssh-keyfile: error parsing SSH key: ${key.message}`);
  if (options.sshKnownHosts !== undefined && !options.sshUser) problems.push('--ssh-known-hosts-file needs --ssh-user');
  if (options.sshPort !== undefined && (!Number.isInteger(options.sshPort) || options.sshPort < 1 || options.sshPort > 65535)) {
    problems.push(`--ssh-port ${options.sshPort} must be between 1 and 65535, inclusive`);
  }
  return problems;
}

/** Build the egress for validated options; `nodeForAddress` routes pod IPs to their node's SSH tunnel. */
export function buildEgress(options: EgressOptions, deps: { nodeForAddress?: (host: string) => string | undefined; logger?: Logger } = {}): Egress {
  if (options.sshUser && options.sshPrivateKey) {
    deps.logger?.warn('SSH tunnels (--ssh-user, --ssh-keyfile) are deprecated and were removed in Kubernetes 1.22; use the egress selector (Konnectivity)');
    if (!options.sshKnownHosts) deps.logger?.warn('no --ssh-known-hosts-file: node host keys are NOT checked (Kubernetes\' behaviour; a node can be impersonated)');
    const tunneler = createSshTunneler({
      user: options.sshUser,
      privateKey: options.sshPrivateKey,
      port: options.sshPort,
      hostKeys: options.sshKnownHosts ? knownHostsCheck(options.sshKnownHosts) : undefined,
      nodeForAddress: deps.nodeForAddress,
      logger: deps.logger,
    });
    return { kind: 'ssh', dialer: tunneler.dialer, close: tunneler.close };
  }
  const proxy = options.egressSelectorConfig === undefined ? undefined : clusterProxy(options.egressSelectorConfig);
  if (!proxy) return { kind: 'direct', dialer: directDialer, close: () => {} };
  deps.logger?.info({ proxy: proxyAddress(proxy) }, 'cluster egress through an HTTP CONNECT proxy');
  return { kind: 'http-connect', dialer: httpConnectDialer(proxy), close: () => {} };
}

/** The HTTP CONNECT proxy of the `cluster` selection (its files read now), or undefined for Direct or none. */
export function clusterProxy(configText: string, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): ProxyServer | undefined {
  const result = readEgressSelectorConfiguration(configText);
  if (result.kind === 'invalid') throw new Error(result.problems.join('\n'));
  const cluster = clusterSelection(result.config);
  if (!cluster || cluster.connection.proxyProtocol !== 'HTTPConnect') return undefined;
  const { tcp, uds } = cluster.connection.transport ?? {};
  if (uds) return { kind: 'uds', path: uds.udsName };
  const tls = tcp!.tlsConfig;
  return {
    kind: 'tcp',
    url: tcp!.url,
    tls: tls?.clientCert && tls.clientKey ? { ca: tls.caBundle ? readFile(tls.caBundle) : undefined, cert: readFile(tls.clientCert), key: readFile(tls.clientKey) } : undefined,
  };
}
