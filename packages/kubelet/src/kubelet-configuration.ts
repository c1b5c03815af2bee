// The `--config` file: a `kubelet.config.k8s.io/v1beta1` KubeletConfiguration in YAML, mapped onto
// KubeletConfigInput. Relative paths inside it are relative to the file, as Kubernetes resolves them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { AuthorizationMode, KubeletConfigInput } from './config.ts';
import { parseGoDuration } from './duration.ts';

const API_VERSIONS = ['kubelet.config.k8s.io/v1beta1', 'kubelet.config.k8s.io/v1'];

/** The file's settings, plus a warning per field hubspoke does not implement. */
export interface KubeletConfigurationFile {
  input: KubeletConfigInput;
  warnings: string[];
}

type Doc = Record<string, unknown>;

/** Reads and maps the KubeletConfiguration at `file`; throws with the file name on any problem. */
export async function loadKubeletConfigurationFile(file: string): Promise<KubeletConfigurationFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`failed to load kubelet config file, path: ${file}, error: ${(err as Error).message}`);
  }
  try {
    return parseKubeletConfiguration(text, { baseDir: path.dirname(path.resolve(file)) });
  } catch (err) {
    throw new Error(`failed to load kubelet config file, path: ${file}, error: ${(err as Error).message}`);
  }
}

/** Maps KubeletConfiguration YAML text; `baseDir` anchors relative paths. The result uses the file's defaults. */
export function parseKubeletConfiguration(text: string, opts: { baseDir?: string } = {}): KubeletConfigurationFile {
  const doc: unknown = parse(text);
  if (!isObject(doc)) throw new Error('the kubelet configuration is not a YAML mapping');
  if (!API_VERSIONS.includes(String(doc.apiVersion)) || doc.kind !== 'KubeletConfiguration') {
    throw new Error(
      `expected apiVersion ${API_VERSIONS[0]} and kind KubeletConfiguration, got ${String(doc.apiVersion)} ${String(doc.kind)}`,
    );
  }
  const resolvePath = (p: string) => (opts.baseDir && !path.isAbsolute(p) ? path.join(opts.baseDir, p) : p);
  const input: KubeletConfigInput = { defaults: 'kubelet-configuration' };
  const warnings: string[] = [];

  const fields: Record<string, (value: unknown) => void> = {
    apiVersion: () => {},
    kind: () => {},
    address: (v) => (input.address = str(v, 'address')),
    port: (v) => (input.port = num(v, 'port')),
    readOnlyPort: (v) => (input.readOnlyPort = num(v, 'readOnlyPort')),
    tlsCertFile: (v) => (input.tlsCertFile = resolvePath(str(v, 'tlsCertFile'))),
    tlsPrivateKeyFile: (v) => (input.tlsPrivateKeyFile = resolvePath(str(v, 'tlsPrivateKeyFile'))),
    podCIDR: (v) => (input.podCIDR = str(v, 'podCIDR')),
    nodeStatusUpdateFrequency: (v) => (input.nodeStatusUpdateFrequencyMs = duration(v, 'nodeStatusUpdateFrequency')),
    nodeLeaseDurationSeconds: (v) => (input.nodeLeaseDurationSeconds = num(v, 'nodeLeaseDurationSeconds')),
    streamingConnectionIdleTimeout: (v) =>
      (input.streamingConnectionIdleTimeoutMs = duration(v, 'streamingConnectionIdleTimeout')),
    serverTLSBootstrap: (v) => (input.serverTLSBootstrap = bool(v, 'serverTLSBootstrap')),
    rotateCertificates: (v) => (input.rotateCertificates = bool(v, 'rotateCertificates')),
    featureGates: (v) => (input.featureGates = Object.fromEntries(Object.entries(obj(v, 'featureGates')).map(([gate, on]) => [gate, bool(on, `featureGates.${gate}`)]))),
    authentication: (v) => {
      const auth = obj(v, 'authentication');
      const anonymous = auth.anonymous === undefined ? {} : obj(auth.anonymous, 'authentication.anonymous');
      const webhook = auth.webhook === undefined ? {} : obj(auth.webhook, 'authentication.webhook');
      const x509 = auth.x509 === undefined ? {} : obj(auth.x509, 'authentication.x509');
      if (anonymous.enabled !== undefined) input.anonymousAuth = bool(anonymous.enabled, 'authentication.anonymous.enabled');
      if (webhook.enabled !== undefined) input.authenticationTokenWebhook = bool(webhook.enabled, 'authentication.webhook.enabled');
      if (x509.clientCAFile !== undefined) input.clientCAFile = resolvePath(str(x509.clientCAFile, 'authentication.x509.clientCAFile'));
    },
    authorization: (v) => {
      const authz = obj(v, 'authorization');
      if (authz.mode !== undefined) input.authorizationMode = str(authz.mode, 'authorization.mode') as AuthorizationMode;
    },
  };

  for (const [key, value] of Object.entries(doc)) {
    const apply = fields[key];
    if (apply) apply(value);
    else warnings.push(`kubelet configuration field ${JSON.stringify(key)} is not supported by hubspoke and is ignored`);
  }
  return { input, warnings };
}

/**
 * The configuration the kubelet runs with a `--config` file and flags: the flags win, and --feature-gates is merged
 * into the file's featureGates gate by gate (the kubelet puts back the file's gates the flag does not name).
 */
export function overlayFlags(file: KubeletConfigInput, flags: KubeletConfigInput): KubeletConfigInput {
  const featureGates = file.featureGates || flags.featureGates ? { featureGates: { ...file.featureGates, ...flags.featureGates } } : {};
  return { ...file, ...flags, ...featureGates, defaults: 'kubelet-configuration' };
}

function isObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, field: string): Doc {
  if (!isObject(v)) throw new Error(`${field} must be a mapping`);
  return v;
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new Error(`${field} must be a string`);
  return v;
}

function num(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${field} must be an integer`);
  return v;
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new Error(`${field} must be true or false`);
  return v;
}

function duration(v: unknown, field: string): number {
  try {
    return parseGoDuration(str(v, field));
  } catch (err) {
    throw new Error(`${field}: ${(err as Error).message}`);
  }
}
