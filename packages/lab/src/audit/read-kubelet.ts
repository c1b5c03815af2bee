// A kubelet's side of an audit: its command line (the kubelet's own flag parser, plus the KubeletConfiguration
// its `--config` names) or the KubeletConfigInput the lab starts in-process, resolved with the kubelet's own
// defaults: flags alone get the legacy insecure ones, a `--config` file the secure KubeletConfiguration ones.
import path from 'node:path';
import { overlayFlags, parseKubeletArgs, parseKubeletConfiguration, resolveKubeletConfig, type KubeletConfig, type KubeletConfigInput } from '@hubspoke/kubelet';
import { takeFlag } from './argv.ts';
import type { KubeletFacts, Setting } from './configuration.ts';
import type { ReadResult } from './read-apiserver.ts';

/** A kubelet to audit: its command line (flags only), or its in-process configuration. */
export type KubeletSource = { argv: readonly string[] } | { config: KubeletConfigInput };

// The settings the controls look at, with their flag and KubeletConfiguration spellings.
const FIELDS = {
  anonymousAuth: { flag: '--anonymous-auth', config: 'authentication.anonymous.enabled' },
  authorizationMode: { flag: '--authorization-mode', config: 'authorization.mode' },
  authenticationTokenWebhook: { flag: '--authentication-token-webhook', config: 'authentication.webhook.enabled' },
  featureGates: { flag: '--feature-gates', config: 'featureGates' },
  clientCAFile: { flag: '--client-ca-file', config: 'authentication.x509.clientCAFile' },
  readOnlyPort: { flag: '--read-only-port', config: 'readOnlyPort' },
  tlsCertFile: { flag: '--tls-cert-file', config: 'tlsCertFile' },
  tlsPrivateKeyFile: { flag: '--tls-private-key-file', config: 'tlsPrivateKeyFile' },
  rotateCertificates: { flag: '--rotate-certificates', config: 'rotateCertificates' },
  serverTLSBootstrap: { flag: '--rotate-server-certificates', config: 'serverTLSBootstrap' },
} as const;
type Field = keyof typeof FIELDS;

// Evidence wording for one kubelet: where each field's value came from.
interface View {
  input: KubeletConfigInput;
  /** The value with its origin (flag, file, in-process or default). */
  describe(field: Field, value: unknown): string;
  /** The field was not given anywhere. */
  unset(field: Field): string;
}

/** The kubelet's settings; `readFile` reads the KubeletConfiguration a `--config` flag names. `label` names it in errors. */
export async function readKubelet(source: KubeletSource, opts: { readFile: (path: string) => string; label: string }): Promise<ReadResult<KubeletFacts>> {
  const view = 'argv' in source ? await argvView(source.argv, opts.readFile) : { kind: 'ok' as const, view: objectView(source.config) };
  if (view.kind === 'error') return { kind: 'error', message: `${opts.label}: ${view.message}` };
  let config: KubeletConfig;
  try {
    config = resolveKubeletConfig(view.view.input);
  } catch (err) {
    return { kind: 'error', message: `${opts.label}: ${(err as Error).message}` };
  }
  // The kubelet's own startup check (its auth chain would be empty): Kubernetes' words.
  if (!config.anonymousAuth && !config.clientCAFile && !config.clientCA && !config.authenticationTokenWebhook) {
    return { kind: 'error', message: `${opts.label}: No authentication method configured` };
  }
  return { kind: 'ok', facts: facts(config, view.view) };
}

async function argvView(argv: readonly string[], readFile: (path: string) => string): Promise<{ kind: 'ok'; view: View } | { kind: 'error'; message: string }> {
  const { values, rest } = takeFlag(argv, '--config');
  const parsed = await parseKubeletArgs(rest);
  if (parsed.kind === 'help') return { kind: 'error', message: '--help is not a configuration' };
  if (parsed.kind === 'error') return parsed;
  const flags = parsed.input;
  const configPath = values.at(-1);
  if (configPath === undefined) {
    return {
      kind: 'ok',
      view: {
        input: flags,
        describe: (field, value) => `${FIELDS[field].flag}=${String(value)}${field in flags ? '' : ' (default without --config)'}`,
        unset: (field) => `${FIELDS[field].flag} not set`,
      },
    };
  }
  let file: KubeletConfigInput;
  try {
    file = parseKubeletConfiguration(readFile(configPath), { baseDir: path.dirname(path.resolve(configPath)) }).input;
  } catch (err) {
    return { kind: 'error', message: `failed to load kubelet config file, path: ${configPath}, error: ${(err as Error).message}` };
  }
  // As the kubelet does: the file's values, overridden by the flags given, over KubeletConfiguration defaults.
  const input = overlayFlags(file, flags);
  return {
    kind: 'ok',
    view: {
      input,
      describe: (field, value) => {
        const { flag, config } = FIELDS[field];
        if (field in flags) return `${flag}=${String(value)}`;
        if (file[field] !== undefined) return `${config}: ${String(value)} (--config ${configPath})`;
        return `${config}: ${String(value)} (KubeletConfiguration default)`;
      },
      unset: (field) => `neither ${FIELDS[field].flag} nor ${FIELDS[field].config} in --config ${configPath}`,
    },
  };
}

function objectView(input: KubeletConfigInput): View {
  return {
    input,
    describe: (field, value) => `${field}: ${String(value)}${input[field] === undefined ? ` (default of the ${input.defaults ?? 'flags'} profile)` : ' (set in-process)'}`,
    unset: (field) => `${field} not set`,
  };
}

/** A feature gate's effective value, with where it came from (`featureGates` given, or the kubelet's default). */
function gate(config: KubeletConfig, view: View, name: keyof KubeletConfig['featureGates']): Setting<boolean> {
  const value = config.featureGates[name];
  const given = view.input.featureGates?.[name] !== undefined;
  return { value, evidence: given ? `${view.describe('featureGates', `${name}=${value}`)}` : `${FIELDS.featureGates.flag}: ${name}=${value} (default)` };
}

function facts(config: KubeletConfig, view: View): KubeletFacts {
  const setting = <T>(field: Field, value: T): Setting<T> => ({ value, evidence: view.describe(field, value) });
  const clientCA: Setting<boolean> = config.clientCAFile
    ? { value: true, evidence: view.describe('clientCAFile', config.clientCAFile) }
    : config.clientCA
      ? { value: true, evidence: 'clientCA (PEM, set in-process)' }
      : { value: false, evidence: view.unset('clientCAFile') };
  const servingCertificate: Setting<boolean> =
    config.tlsCertFile && config.tlsPrivateKeyFile
      ? { value: true, evidence: `${view.describe('tlsCertFile', config.tlsCertFile)}; ${view.describe('tlsPrivateKeyFile', config.tlsPrivateKeyFile)}` }
      : config.tlsCert && config.tlsPrivateKey
        ? { value: true, evidence: 'tlsCert and tlsPrivateKey (PEM, set in-process)' }
        : { value: false, evidence: `${view.unset('tlsCertFile')}; ${view.unset('tlsPrivateKeyFile')}` };
  return {
    node: config.nodeName,
    anonymousAuth: setting('anonymousAuth', config.anonymousAuth),
    authorizationMode: setting('authorizationMode', config.authorizationMode),
    authenticationTokenWebhook: setting('authenticationTokenWebhook', config.authenticationTokenWebhook),
    websocketUpgradeCreatePermission: gate(config, view, 'KubeletWebsocketUpgradeCreatePermission'),
    clientCA,
    readOnlyPort: setting('readOnlyPort', config.readOnlyPort),
    servingCertificate,
    rotateCertificates: setting('rotateCertificates', config.rotateCertificates),
    serverTLSBootstrap: setting('serverTLSBootstrap', config.serverTLSBootstrap),
  };
}
