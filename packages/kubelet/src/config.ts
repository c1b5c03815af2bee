// The kubelet's configuration: every knob with its Kubernetes default, validated once at construction so a
// bad value fails with a clear message before anything listens. Flags are parsed in bin/ only.
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ClientConfig } from '@hubspoke/client';
import { parseCidr } from './pod-ip.ts';

/** `--authorization-mode` values the kubelet supports. */
export type AuthorizationMode = 'AlwaysAllow' | 'Webhook';

/**
 * Which baseline the defaults come from. Kubernetes keeps two: flags alone get the legacy, insecure
 * values (anonymous on, AlwaysAllow, read-only port 10255); a KubeletConfiguration file gets the
 * secure v1beta1 defaults (anonymous off, webhook on, Webhook, no read-only port).
 */
export type DefaultsProfile = 'flags' | 'kubelet-configuration';

/**
 * The kubelet's feature gates (`--feature-gates`), with their defaults. Only gates this kubelet implements.
 */
export const KUBELET_FEATURE_GATE_DEFAULTS = {
  /**
   * hubspoke's, modelled on kubernetes/kubernetes#136550 (closed unmerged): the kubelet authorizes /exec,
   * /attach, /run and /portForward as `create` whatever the HTTP method, so `get nodes/proxy` no longer runs
   * commands over a WebSocket GET. Kubernetes' kubelet has no such gate; off, as Kubernetes behaves.
   */
  KubeletWebsocketUpgradeCreatePermission: false,
} as const;

/** A feature gate this kubelet knows. */
export type KubeletFeatureGate = keyof typeof KUBELET_FEATURE_GATE_DEFAULTS;

/** Back-off bounds in milliseconds. */
export interface BackoffBounds {
  initialMs: number;
  maxMs: number;
}

/** What a caller may set; everything is optional and defaulted by resolveKubeletConfig. */
export interface KubeletConfigInput {
  defaults?: DefaultsProfile;
  /** `--hostname-override`; lower-cased like Kubernetes; default os.hostname(). */
  nodeName?: string;
  /** `--node-ip`: the address advertised in the Node's status (InternalIP). */
  nodeIP?: string;
  /** `--address`: the bind address of the HTTPS (and read-only) server. */
  address?: string;
  port?: number;
  readOnlyPort?: number;
  /** `--tls-cert-file` / `--tls-private-key-file`: paths of the serving certificate and key. */
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  /** The same as PEM text, for in-process kubelets. */
  tlsCert?: string;
  tlsPrivateKey?: string;
  /** `--client-ca-file`, or the PEM itself. */
  clientCAFile?: string;
  clientCA?: string;
  anonymousAuth?: boolean;
  authenticationTokenWebhook?: boolean;
  authorizationMode?: AuthorizationMode;
  podCIDR?: string;
  rootDir?: string;
  certDir?: string;
  /** `--kubeconfig`: a path (or YAML text), or an already resolved connection. Absent = standalone. */
  kubeconfig?: string | ClientConfig;
  bootstrapKubeconfig?: string;
  rotateCertificates?: boolean;
  serverTLSBootstrap?: boolean;
  nodeStatusUpdateFrequencyMs?: number;
  nodeLeaseDurationSeconds?: number;
  /** Kubernetes renews at a quarter of the lease duration (10 s); tests shorten it. */
  leaseRenewIntervalMs?: number;
  streamingConnectionIdleTimeoutMs?: number;
  /** `--node-labels`, added to the Node's well-known labels. */
  labels?: Record<string, string>;
  /** CrashLoopBackOff bounds; Kubernetes: 10 s doubling to 5 min. */
  crashLoopBackoff?: BackoffBounds;
  /** ImagePullBackOff bounds; Kubernetes: 10 s doubling to 5 min. */
  imagePullBackoff?: BackoffBounds;
  /** Relist back-off of the pod watch. */
  relistBackoff?: BackoffBounds;
  /** `--feature-gates`: name → enabled; an unknown name is a configuration error. */
  featureGates?: Record<string, boolean>;
  /** pino level; `silent` unless set. */
  logLevel?: string;
}

/** A validated configuration with every default filled in. */
export interface KubeletConfig {
  defaults: DefaultsProfile;
  nodeName: string;
  nodeIP: string;
  address: string;
  port: number;
  readOnlyPort: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  tlsCert?: string;
  tlsPrivateKey?: string;
  clientCAFile?: string;
  clientCA?: string;
  anonymousAuth: boolean;
  authenticationTokenWebhook: boolean;
  authorizationMode: AuthorizationMode;
  podCIDR?: string;
  rootDir: string;
  certDir: string;
  kubeconfig?: string | ClientConfig;
  bootstrapKubeconfig?: string;
  rotateCertificates: boolean;
  serverTLSBootstrap: boolean;
  nodeStatusUpdateFrequencyMs: number;
  nodeLeaseDurationSeconds: number;
  leaseRenewIntervalMs: number;
  streamingConnectionIdleTimeoutMs: number;
  labels: Record<string, string>;
  crashLoopBackoff: BackoffBounds;
  imagePullBackoff: BackoffBounds;
  relistBackoff: BackoffBounds;
  featureGates: Record<KubeletFeatureGate, boolean>;
  logLevel: string;
}

/** Thrown by resolveKubeletConfig; `problems` lists every invalid field. */
export class KubeletConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'KubeletConfigError';
  }
}

/** The profile-dependent defaults (see DefaultsProfile). */
export function profileDefaults(profile: DefaultsProfile): Pick<
  KubeletConfig,
  'anonymousAuth' | 'authenticationTokenWebhook' | 'authorizationMode' | 'readOnlyPort'
> {
  return profile === 'flags'
    ? { anonymousAuth: true, authenticationTokenWebhook: false, authorizationMode: 'AlwaysAllow', readOnlyPort: 10255 }
    : { anonymousAuth: false, authenticationTokenWebhook: true, authorizationMode: 'Webhook', readOnlyPort: 0 };
}

const KUBERNETES_BACKOFF: BackoffBounds = { initialMs: 10_000, maxMs: 300_000 };

/** `input` with defaults filled in; throws KubeletConfigError listing every problem. */
export function resolveKubeletConfig(input: KubeletConfigInput = {}): KubeletConfig {
  const profile = input.defaults ?? 'flags';
  const rootDir = input.rootDir ?? '/var/lib/kubelet';
  const config: KubeletConfig = {
    ...profileDefaults(profile),
    ...definedOnly(input),
    defaults: profile,
    nodeName: (input.nodeName ?? os.hostname()).toLowerCase(),
    nodeIP: input.nodeIP ?? defaultNodeIP(),
    address: input.address ?? '0.0.0.0',
    port: input.port ?? 10250,
    rootDir,
    certDir: input.certDir ?? path.join(rootDir, 'pki'),
    rotateCertificates: input.rotateCertificates ?? false,
    serverTLSBootstrap: input.serverTLSBootstrap ?? false,
    nodeStatusUpdateFrequencyMs: input.nodeStatusUpdateFrequencyMs ?? 10_000,
    nodeLeaseDurationSeconds: input.nodeLeaseDurationSeconds ?? 40,
    leaseRenewIntervalMs: input.leaseRenewIntervalMs ?? Math.floor(((input.nodeLeaseDurationSeconds ?? 40) * 1000) / 4),
    streamingConnectionIdleTimeoutMs: input.streamingConnectionIdleTimeoutMs ?? 4 * 3_600_000,
    labels: input.labels ?? {},
    crashLoopBackoff: input.crashLoopBackoff ?? KUBERNETES_BACKOFF,
    imagePullBackoff: input.imagePullBackoff ?? KUBERNETES_BACKOFF,
    relistBackoff: input.relistBackoff ?? { initialMs: 800, maxMs: 30_000 },
    featureGates: { ...KUBELET_FEATURE_GATE_DEFAULTS },
    logLevel: input.logLevel ?? 'silent',
  };
  const problems = validate(config);
  for (const [name, enabled] of Object.entries(input.featureGates ?? {})) {
    if (name in KUBELET_FEATURE_GATE_DEFAULTS) config.featureGates[name as KubeletFeatureGate] = enabled;
    else problems.push(`unrecognized feature gate: ${name}`);
  }
  if (problems.length > 0) throw new KubeletConfigError(problems);
  return config;
}

function validate(c: KubeletConfig): string[] {
  const problems: string[] = [];
  const port = (value: number, flag: string, name: string) => {
    if (!Number.isInteger(value) || value < 0 || value > 65535) {
      problems.push(`${name} (--${flag}) ${value} must be between 0 and 65535, inclusive`);
    }
  };
  port(c.port, 'port', 'port');
  port(c.readOnlyPort, 'read-only-port', 'readOnlyPort');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(c.nodeName) || c.nodeName.length > 253) {
    problems.push(`node name (--hostname-override) ${JSON.stringify(c.nodeName)} must be a lowercase RFC 1123 subdomain`);
  }
  if (isIP(c.nodeIP) === 0) problems.push(`node IP (--node-ip) ${JSON.stringify(c.nodeIP)} is not a valid IP address`);
  if (isIP(c.address) === 0) problems.push(`address (--address) ${JSON.stringify(c.address)} is not a valid IP address`);
  if (c.authorizationMode !== 'AlwaysAllow' && c.authorizationMode !== 'Webhook') {
    problems.push(`authorization mode (--authorization-mode) ${JSON.stringify(c.authorizationMode)} is not one of AlwaysAllow, Webhook`);
  }
  if (c.authorizationMode === 'Webhook' && !c.kubeconfig) {
    problems.push('authorization mode Webhook needs a kubeconfig to send SubjectAccessReviews');
  }
  if (c.authenticationTokenWebhook && !c.kubeconfig) {
    problems.push('authentication token webhook needs a kubeconfig to send TokenReviews');
  }
  if (Boolean(c.tlsCertFile) !== Boolean(c.tlsPrivateKeyFile)) {
    problems.push('--tls-cert-file and --tls-private-key-file must be given together');
  }
  if (Boolean(c.tlsCert) !== Boolean(c.tlsPrivateKey)) problems.push('tlsCert and tlsPrivateKey must be given together');
  if (c.podCIDR !== undefined) {
    try {
      parseCidr(c.podCIDR);
    } catch (err) {
      problems.push(`pod CIDR (--pod-cidr) ${(err as Error).message}`);
    }
  }
  const positive = (value: number, name: string) => {
    if (!(value > 0)) problems.push(`${name} must be greater than zero, got ${value}`);
  };
  positive(c.nodeStatusUpdateFrequencyMs, 'nodeStatusUpdateFrequency');
  positive(c.nodeLeaseDurationSeconds, 'nodeLeaseDurationSeconds');
  positive(c.leaseRenewIntervalMs, 'lease renew interval');
  positive(c.streamingConnectionIdleTimeoutMs, 'streamingConnectionIdleTimeout');
  for (const [name, b] of [
    ['crashLoopBackoff', c.crashLoopBackoff],
    ['imagePullBackoff', c.imagePullBackoff],
    ['relistBackoff', c.relistBackoff],
  ] as const) {
    if (!(b.initialMs > 0 && b.maxMs >= b.initialMs)) problems.push(`${name} needs 0 < initialMs <= maxMs`);
  }
  for (const key of Object.keys(c.labels)) {
    if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key)) problems.push(`node label key ${JSON.stringify(key)} is invalid`);
  }
  return problems;
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The first non-internal IPv4 address, like the kubelet's default-route guess; loopback if there is none. */
export function defaultNodeIP(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
