// The apiserver's side of an audit: a kube-apiserver command line (read with the apiserver's own parser) or the
// ApiserverOptions the lab starts in-process, turned into the settings the controls judge. Files that flags name
// are only noted as set, never read, except the egress selector configuration, whose contents pick the egress.
import { FEATURE_GATE_DEFAULTS, parseApiserverArgs, type ApiserverOptions, type AuthorizationMode } from '@hubspoke/apiserver';
import { takeFlag } from './argv.ts';
import type { ApiserverFacts, Setting } from './configuration.ts';
import { egressModeOf } from './egress-mode.ts';

/** An apiserver to audit: its command line (flags only), or its in-process options. */
export type ApiserverSource = { argv: readonly string[] } | { options: ApiserverOptions };

/** Settings, or why they could not be read. */
export type ReadResult<T> = { kind: 'ok'; facts: T } | { kind: 'error'; message: string };

// How a field appears in evidence: the flag and its value for a command line, the option for an object.
interface View {
  options: ApiserverOptions;
  isSet(field: keyof ApiserverOptions): boolean;
  name(field: keyof ApiserverOptions, flag: string): string;
  /** `=<path>` for a command line; a note for in-process contents. */
  shown(field: keyof ApiserverOptions): string;
  egressConfig(): string | undefined;
}

// Service-account keys are parsed as keys while the command line is read; the audit never needs them.
const UNREAD_FLAGS = ['--service-account-key-file', '--service-account-signing-key-file'];

/** The apiserver's settings; `readFile` reads the egress selector configuration a command line names. */
export function readApiserver(source: ApiserverSource, readFile: (path: string) => string): ReadResult<ApiserverFacts> {
  const view = 'argv' in source ? argvView(source.argv, readFile) : optionsView(source.options);
  if (view.kind === 'error') return view;
  return facts(view.view);
}

function argvView(argv: readonly string[], readFile: (path: string) => string): { kind: 'ok'; view: View } | { kind: 'error'; message: string } {
  const rest = UNREAD_FLAGS.reduce((args, flag) => takeFlag(args, flag).rest, [...argv]);
  // Each file flag's "contents" is its path: presence is what the controls check, and the path is the evidence.
  const parsed = parseApiserverArgs(rest, { readFile: (path) => path });
  if (parsed.kind === 'help') return { kind: 'error', message: 'apiserver: --help is not a configuration' };
  if (parsed.kind === 'error') return { kind: 'error', message: `apiserver: ${parsed.message}` };
  const { options, given } = parsed;
  return {
    kind: 'ok',
    view: {
      options,
      isSet: (field) => given[field] !== undefined,
      name: (_field, flag) => flag,
      shown: (field) => `=${String(options[field])}`,
      egressConfig: () => (options.egressSelectorConfig === undefined ? undefined : readFile(options.egressSelectorConfig)),
    },
  };
}

function optionsView(options: ApiserverOptions): { kind: 'ok'; view: View } {
  return {
    kind: 'ok',
    view: {
      options,
      isSet: (field) => options[field] !== undefined,
      name: (field) => field,
      shown: () => ' (set in-process)',
      egressConfig: () => options.egressSelectorConfig,
    },
  };
}

/** A feature gate's value: given, or the apiserver's default for it. */
function gate(view: View, name: keyof typeof FEATURE_GATE_DEFAULTS): Setting<boolean> {
  const given = view.options.featureGates?.[name];
  const flag = view.name('featureGates', '--feature-gates');
  return given === undefined
    ? { value: FEATURE_GATE_DEFAULTS[name], evidence: `${flag}: ${name}=${FEATURE_GATE_DEFAULTS[name]} (default)` }
    : { value: given, evidence: `${flag}: ${name}=${given}` };
}

function facts(view: View): ReadResult<ApiserverFacts> {
  const { options } = view;
  const anonymous = options.anonymousAuth ?? true;
  const modes: AuthorizationMode[] = options.authorizationModes ?? ['AlwaysAllow'];
  const file = (field: keyof ApiserverOptions, flag: string): Setting<boolean> =>
    view.isSet(field) ? { value: true, evidence: `${view.name(field, flag)}${view.shown(field)}` } : { value: false, evidence: `${view.name(field, flag)} not set` };
  const clientCert = file('kubeletClientCert', '--kubelet-client-certificate');
  const clientKey = file('kubeletClientKey', '--kubelet-client-key');

  let egressText: string | undefined;
  try {
    egressText = view.egressConfig();
  } catch (err) {
    return { kind: 'error', message: `apiserver: reading --egress-selector-config-file: ${(err as Error).message}` };
  }
  const egress = egressModeOf({ egressSelectorConfig: egressText, sshUser: options.sshUser });
  if (egress.kind === 'error') return { kind: 'error', message: `apiserver: ${egress.message}` };
  const egressSource = view.isSet('egressSelectorConfig') ? `${view.name('egressSelectorConfig', '--egress-selector-config-file')}${view.shown('egressSelectorConfig')}: ` : '';

  return {
    kind: 'ok',
    facts: {
      anonymousAuth: {
        value: anonymous,
        evidence: view.isSet('anonymousAuth') ? `${view.name('anonymousAuth', '--anonymous-auth')}=${anonymous}` : `${view.name('anonymousAuth', '--anonymous-auth')}=true (default)`,
      },
      authorizationModes: {
        value: modes,
        evidence: view.isSet('authorizationModes')
          ? `${view.name('authorizationModes', '--authorization-mode')}=${modes.join(',')}`
          : `${view.name('authorizationModes', '--authorization-mode')}=AlwaysAllow (default)`,
      },
      kubeletClientCertificate: { value: clientCert.value && clientKey.value, evidence: `${clientCert.evidence}; ${clientKey.evidence}` },
      kubeletCertificateAuthority: file('kubeletCertificateAuthority', '--kubelet-certificate-authority'),
      egress: { value: egress.mode, evidence: `${egressSource}${egress.detail}` },
      sshKnownHosts: file('sshKnownHosts', '--ssh-known-hosts-file'),
      kubeletCertCNValidation: gate(view, 'KubeletCertCNValidation'),
    },
  };
}
