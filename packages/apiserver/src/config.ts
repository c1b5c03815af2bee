// The apiserver's configuration: kube-apiserver's options as a typed object, with Kubernetes' defaults,
// validated at construction. Flags are parsed only in bin/kube-apiserver.ts.
import { isIP } from 'node:net';
import { admissionSelectionProblems } from './admission/plugins.ts';
import { DEFAULT_PREFERRED_ADDRESS_TYPES } from './kubelet/node-address.ts';
import { egressProblems } from './egress/egress.ts';

/** The feature gates this apiserver knows, with Kubernetes 1.32's defaults (`--feature-gates`). */
export const FEATURE_GATE_DEFAULTS = {
  /** A WebSocket (GET) exec/attach/portforward also needs `create` on the subresource, as SPDY (POST) does. */
  AuthorizePodWebsocketUpgradeCreatePermission: false,
  /**
   * KEP-4872: with --kubelet-certificate-authority, a kubelet's serving certificate must also name the node
   * dialled (CN `system:node:<nodeName>`), so a node holding a CA-signed certificate for another node's address
   * cannot answer for it. Off: the KEP's alpha default; no Kubernetes release ships it yet (deferred to 1.38),
   * and the KEP's separate opt-in flag `--enable-kubelet-cert-cn-validation` is folded into this gate here.
   */
  KubeletCertCNValidation: false,
} as const;

/** A known feature gate name. */
export type FeatureGate = keyof typeof FEATURE_GATE_DEFAULTS;

/** Authorization modes of `--authorization-mode`. */
export type AuthorizationMode = 'AlwaysAllow' | 'AlwaysDeny' | 'Node' | 'RBAC';
const MODES: AuthorizationMode[] = ['AlwaysAllow', 'AlwaysDeny', 'Node', 'RBAC'];

/** Options accepted by startApiserver. PEM strings stand in for the `*-file` flags when used in-process. */
export interface ApiserverOptions {
  /** `--bind-address` (default 0.0.0.0). */
  bindAddress?: string;
  /** `--secure-port` (default 6443; 0 = pick a free port). */
  securePort?: number;
  /** `--advertise-address`: the address in the `kubernetes` Endpoints (default: bindAddress, or 127.0.0.1). */
  advertiseAddress?: string;
  /** Serving certificate and key (`--tls-cert-file`, `--tls-private-key-file`). */
  tlsCert?: string;
  tlsKey?: string;
  /** `--cert-dir`: where a self-signed serving pair is written when none is given. */
  certDir?: string;
  /** `--client-ca-file` contents. Absent = no x509 client authentication. */
  clientCA?: string;
  /** `--token-auth-file` contents (CSV). */
  tokenAuthFile?: string;
  /** `--anonymous-auth` (default true). */
  anonymousAuth?: boolean;
  /** `--authorization-mode` (default `AlwaysAllow`, as kube-apiserver's own default). */
  authorizationModes?: AuthorizationMode[];
  /** `--enable-bootstrap-token-auth` (default false). */
  enableBootstrapTokenAuth?: boolean;
  /** `--service-account-key-file` contents: public keys that verify SA tokens. */
  serviceAccountKeys?: string[];
  /** `--service-account-signing-key-file` contents: the private key that signs SA tokens. */
  serviceAccountSigningKey?: string;
  /** `--service-account-issuer` (first one issues; all are accepted). */
  serviceAccountIssuers?: string[];
  /** `--service-account-jwks-uri`: the `jwks_uri` of the discovery document (default: the external address's). */
  serviceAccountJwksUri?: string;
  /** `--api-audiences` (default: the issuer). */
  apiAudiences?: string[];
  /** `--service-cluster-ip-range` (default 10.96.0.0/12; the lab uses a 127.x range). */
  serviceClusterIPRange?: string;
  /** `--audit-log-path` (`-` = stdout). */
  auditLogPath?: string;
  /** `--kubelet-preferred-address-types`. */
  kubeletPreferredAddressTypes?: string[];
  /** `--kubelet-client-certificate` / `--kubelet-client-key` contents. */
  kubeletClientCert?: string;
  kubeletClientKey?: string;
  /** `--kubelet-certificate-authority` contents; absent = the kubelet's certificate is not verified. */
  kubeletCertificateAuthority?: string;
  /** `--kubelet-timeout`: how long dialing a kubelet (TCP and TLS) may take, in ms (default 5 000). */
  kubeletTimeoutMs?: number;
  /**
   * hubspoke-specific `--proxy-allow-loopback-addresses` (default false): let pods/proxy and services/proxy dial
   * loopback pod/endpoint addresses. Kubernetes always refuses them (400 `address not allowed`); the single-host
   * lab puts pods on 127.x, so the lab turns this on. A documented lab deviation.
   */
  proxyAllowLoopback?: boolean;
  /**
   * `--enable-admission-plugins` / `--disable-admission-plugins`: names added to or removed from the default
   * set (see admission/plugins.ts). Unknown names are a startup error.
   */
  enableAdmissionPlugins?: string[];
  disableAdmissionPlugins?: string[];
  /**
   * kube-controller-manager's `--cluster-signing-cert-file` / `--cluster-signing-key-file` contents: the CA the
   * built-in CSR signer issues kubelet client and serving certificates from. Absent = CSRs are never signed.
   */
  clusterSigningCert?: string;
  clusterSigningKey?: string;
  /** kube-controller-manager's `--cluster-signing-duration` in ms (default 8760h, one year). */
  clusterSigningDurationMs?: number;
  /** `--feature-gates` as name → enabled; unknown names are a startup error. */
  featureGates?: Record<string, boolean>;
  /** CA handed to pods in `kube-root-ca.crt` (default: clientCA). */
  rootCA?: string;
  /** Node lifecycle grace before a node whose lease expired is marked Unknown (ms, default 40 000). */
  nodeMonitorGracePeriodMs?: number;
  /** Watch history kept for `resourceVersion` replays (events). */
  watchCacheSize?: number;
  /** Run the built-in controllers (scheduler, service accounts, namespaces, node lifecycle, endpoints). */
  controllers?: boolean;
  /**
   * `--egress-selector-config-file` contents (EgressSelectorConfiguration; the files it names are read from
   * disk). Only the `cluster` selection is used: kubelet traffic and nodes/pods/services proxying.
   */
  egressSelectorConfig?: string;
  /** `--ssh-user` / `--ssh-keyfile` contents: deprecated SSH tunnels to every node (not with the egress selector). */
  sshUser?: string;
  sshPrivateKey?: string;
  /** hubspoke's `--ssh-port` (default 22): the nodes' sshd port, for single-host labs. */
  sshPort?: number;
  /** hubspoke's `--ssh-known-hosts-file` contents; absent = node host keys are not checked (as Kubernetes). */
  sshKnownHosts?: string;
  /** pino level; `silent` by default in-process. */
  logLevel?: string;
}

/** Options with every default filled in. */
export type ApiserverConfig = Required<
  Omit<ApiserverOptions, 'featureGates' | 'clusterSigningCert' | 'clusterSigningKey' | 'tlsCert' | 'tlsKey' | 'certDir' | 'clientCA' | 'tokenAuthFile' | 'serviceAccountSigningKey' | 'serviceAccountJwksUri' | 'auditLogPath' | 'kubeletClientCert' | 'kubeletClientKey' | 'kubeletCertificateAuthority' | 'rootCA' | 'egressSelectorConfig' | 'sshUser' | 'sshPrivateKey' | 'sshPort' | 'sshKnownHosts'>
> &
  Pick<ApiserverOptions, 'clusterSigningCert' | 'clusterSigningKey' | 'tlsCert' | 'tlsKey' | 'certDir' | 'clientCA' | 'tokenAuthFile' | 'serviceAccountSigningKey' | 'serviceAccountJwksUri' | 'auditLogPath' | 'kubeletClientCert' | 'kubeletClientKey' | 'kubeletCertificateAuthority' | 'rootCA' | 'egressSelectorConfig' | 'sshUser' | 'sshPrivateKey' | 'sshPort' | 'sshKnownHosts'> & { featureGates: Record<FeatureGate, boolean> };

/** A configuration error, worded like kube-apiserver's startup validation. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Fill defaults and validate; throws ConfigError listing every problem. */
export function resolveApiserverConfig(opts: ApiserverOptions): ApiserverConfig {
  const problems: string[] = [];
  const bindAddress = opts.bindAddress ?? '0.0.0.0';
  const cfg: ApiserverConfig = {
    ...opts,
    bindAddress,
    securePort: opts.securePort ?? 6443,
    advertiseAddress: opts.advertiseAddress ?? (bindAddress === '0.0.0.0' || bindAddress === '::' ? '127.0.0.1' : bindAddress),
    anonymousAuth: opts.anonymousAuth ?? true,
    authorizationModes: opts.authorizationModes ?? ['AlwaysAllow'],
    enableBootstrapTokenAuth: opts.enableBootstrapTokenAuth ?? false,
    serviceAccountKeys: opts.serviceAccountKeys ?? [],
    serviceAccountIssuers: opts.serviceAccountIssuers ?? ['https://kubernetes.default.svc.cluster.local'],
    apiAudiences: opts.apiAudiences ?? [],
    serviceClusterIPRange: opts.serviceClusterIPRange ?? '10.96.0.0/12',
    kubeletPreferredAddressTypes: opts.kubeletPreferredAddressTypes ?? [...DEFAULT_PREFERRED_ADDRESS_TYPES],
    kubeletTimeoutMs: opts.kubeletTimeoutMs ?? 5_000,
    proxyAllowLoopback: opts.proxyAllowLoopback ?? false,
    featureGates: { ...FEATURE_GATE_DEFAULTS },
    enableAdmissionPlugins: opts.enableAdmissionPlugins ?? [],
    disableAdmissionPlugins: opts.disableAdmissionPlugins ?? [],
    clusterSigningDurationMs: opts.clusterSigningDurationMs ?? 8760 * 3600_000,
    nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodMs ?? 40_000,
    watchCacheSize: opts.watchCacheSize ?? 10_000,
    controllers: opts.controllers ?? true,
    logLevel: opts.logLevel ?? 'silent',
  };
  if (cfg.apiAudiences.length === 0) cfg.apiAudiences = [cfg.serviceAccountIssuers[0]];
  if (!Number.isInteger(cfg.securePort) || cfg.securePort < 0 || cfg.securePort > 65535) {
    problems.push(`--secure-port ${cfg.securePort} must be between 0 and 65535, inclusive`);
  }
  if (!isIP(cfg.bindAddress)) problems.push(`--bind-address: invalid IP address "${cfg.bindAddress}"`);
  if (!isIP(cfg.advertiseAddress)) problems.push(`--advertise-address: invalid IP address "${cfg.advertiseAddress}"`);
  for (const m of cfg.authorizationModes) {
    if (!MODES.includes(m)) problems.push(`--authorization-mode: authorization mode "${m}" is not supported (supported: ${MODES.join(', ')})`);
  }
  if (new Set(cfg.authorizationModes).size !== cfg.authorizationModes.length) {
    problems.push(`--authorization-mode: ${cfg.authorizationModes.join(',')} has mode specified more than once`);
  }
  if (Boolean(cfg.tlsCert) !== Boolean(cfg.tlsKey)) problems.push('--tls-cert-file and --tls-private-key-file must be given together');
  if (Boolean(cfg.clusterSigningCert) !== Boolean(cfg.clusterSigningKey)) {
    problems.push('--cluster-signing-cert-file and --cluster-signing-key-file must be given together');
  }
  if (Boolean(cfg.kubeletClientCert) !== Boolean(cfg.kubeletClientKey)) {
    problems.push('--kubelet-client-certificate and --kubelet-client-key must be given together');
  }
  for (const [name, enabled] of Object.entries(opts.featureGates ?? {})) {
    if (name in FEATURE_GATE_DEFAULTS) cfg.featureGates[name as FeatureGate] = enabled;
    else problems.push(`unrecognized feature gate: ${name}`);
  }
  problems.push(...admissionSelectionProblems({ enable: cfg.enableAdmissionPlugins, disable: cfg.disableAdmissionPlugins }));
  if (!(cfg.kubeletTimeoutMs > 0)) problems.push(`--kubelet-timeout must be positive, got ${cfg.kubeletTimeoutMs}ms`);
  if (cfg.serviceAccountJwksUri) {
    if (!URL.canParse(cfg.serviceAccountJwksUri)) problems.push(`service-account-jwks-uri must be a valid URL: ${cfg.serviceAccountJwksUri}`);
    else if (new URL(cfg.serviceAccountJwksUri).protocol !== 'https:') problems.push(`service-account-jwks-uri requires https scheme, parsed as: ${cfg.serviceAccountJwksUri}`);
  }
  if (!parseCidr(cfg.serviceClusterIPRange)) problems.push(`--service-cluster-ip-range: invalid CIDR "${cfg.serviceClusterIPRange}"`);
  problems.push(...egressProblems(opts));
  if (problems.length) throw new ConfigError(problems.join('\n'));
  return cfg;
}

/** An IPv4 CIDR as a base address and prefix length. */
export interface Cidr {
  base: number;
  bits: number;
}

/** Parse an IPv4 CIDR (`10.96.0.0/12`); undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 30 || bits < 8) return undefined;
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (addr & mask) >>> 0, bits };
}

/** Dotted form of a 32-bit address. */
export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The first usable address of a range: the `kubernetes` Service's ClusterIP. */
export function firstServiceIP(range: string): string {
  const cidr = parseCidr(range);
  if (!cidr) throw new ConfigError(`invalid CIDR "${range}"`);
  return formatIPv4(cidr.base + 1);
}
