// Kubelet command-line flags, with Kubernetes' names and pflag's habits (`--flag`, `--flag=true|false`,
// `unknown flag: --foo`). Flags given on the command line override the `--config` file, and the file
// switches the defaults to the secure KubeletConfiguration ones, as in Kubernetes.
import { parseFeatureGates, parseGoBool } from '@hubspoke/cli';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { AuthorizationMode, KubeletConfigInput } from '../config.ts';
import { parseGoDuration } from '../duration.ts';
import { loadKubeletConfigurationFile, overlayFlags } from '../kubelet-configuration.ts';

/** The outcome of parsing the command line. */
export type ParsedKubeletArgs =
  | { kind: 'run'; input: KubeletConfigInput; warnings: string[] }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

type Values = Record<string, unknown>;


function int(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw new InvalidArgumentError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  return Number(value);
}

function duration(value: string): number {
  try {
    return parseGoDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function labels(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`${JSON.stringify(pair)} is not key=value`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

function verbosityToLevel(v: number): string {
  if (v >= 5) return 'trace';
  if (v >= 3) return 'debug';
  return 'info';
}

/** The flag table: commander spelling, help text, parser, and the config field it sets. */
function program(): Command {
  return new Command('kubelet')
    .description('The kubelet is the primary "node agent" that runs on each node (hubspoke edition).')
    .helpOption('-h, --help', 'help for kubelet')
    .option('--kubeconfig <path>', 'Path to a kubeconfig file, specifying how to connect to the API server. Providing --kubeconfig enables API server mode, omitting it enables standalone mode.')
    .option('--bootstrap-kubeconfig <path>', 'Path to a kubeconfig file used to get a client certificate for the kubelet (TLS bootstrapping).')
    .option('--config <path>', 'The kubelet will load its initial configuration from this file (a KubeletConfiguration). Command-line flags override it.')
    .option('--hostname-override <name>', 'If non-empty, will use this string as identification instead of the actual hostname.')
    .option('--node-ip <ip>', 'IP address of the node, advertised in the Node status (InternalIP).')
    .option('--address <ip>', 'The IP address for the kubelet to serve on (set to 0.0.0.0 for all interfaces).')
    .option('--port <port>', 'The port for the kubelet to serve on. (default 10250)', int)
    .option('--read-only-port <port>', 'The read-only port for the kubelet to serve on with no authentication/authorization (set to 0 to disable). (default 10255)', int)
    .option('--tls-cert-file <path>', 'File containing x509 certificate used for serving HTTPS. If unset, a self-signed certificate is generated in --cert-dir.')
    .option('--tls-private-key-file <path>', 'File containing x509 private key matching --tls-cert-file.')
    .option('--client-ca-file <path>', 'If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated.')
    .option('--anonymous-auth [bool]', 'Enables anonymous requests to the kubelet server. (default true)', parseGoBool)
    .option('--authentication-token-webhook [bool]', 'Use the TokenReview API to determine authentication for bearer tokens.', parseGoBool)
    .option('--authorization-mode <mode>', 'Authorization mode for the kubelet server: AlwaysAllow or Webhook. (default "AlwaysAllow")')
    .option('--pod-cidr <cidr>', 'The CIDR to use for pod IP addresses.')
    .option('--root-dir <path>', 'Directory path for managing kubelet files. (default "/var/lib/kubelet")')
    .option('--cert-dir <path>', 'The directory where the TLS certs are located. (default "/var/lib/kubelet/pki")')
    .option('--rotate-certificates [bool]', 'Auto rotate the kubelet client certificates by requesting new certificates from the API server.', parseGoBool)
    .option('--rotate-server-certificates [bool]', 'Auto-request and rotate the kubelet serving certificates by requesting new certificates from the kube-apiserver when the certificate expiration approaches. Requires approving the submitted CertificateSigningRequest objects.', parseGoBool)
    .option('--node-labels <labels>', 'Labels to add when registering the node, as key=value pairs separated by commas.', labels)
    .option('--node-status-update-frequency <duration>', 'How often the kubelet posts node status to the master. (default 10s)', duration)
    .option('--streaming-connection-idle-timeout <duration>', 'Maximum time a streaming connection can be idle before it is closed. (default 4h0m0s)', duration)
    .option(
      '--feature-gates <mapping>',
      'A set of key=value pairs that describe feature gates. Options are:\n' +
        'KubeletWebsocketUpgradeCreatePermission=true|false (hubspoke, modelled on the unmerged kubernetes/kubernetes#136550; default=false): ' +
        'authorize /exec, /attach, /run and /portForward as verb create whatever the HTTP method, so a WebSocket GET with only get nodes/proxy cannot run commands.',
      parseFeatureGates,
    )
    .option('--v <level>', 'number for the log level verbosity', int)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
}

/** Parses `argv` (without node and script); reads the `--config` file when given. */
export async function parseKubeletArgs(argv: string[]): Promise<ParsedKubeletArgs> {
  const cmd = program();
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { kind: 'help', text: cmd.helpInformation() };
      return { kind: 'error', message: commanderMessage(err, argv) };
    }
    throw err;
  }
  const v = cmd.opts<Values>();
  const given = (key: string) => cmd.getOptionValueSource(key) === 'cli';
  const flags: KubeletConfigInput = {};
  const set = <K extends keyof KubeletConfigInput>(key: string, field: K, map: (x: unknown) => KubeletConfigInput[K] = (x) => x as KubeletConfigInput[K]) => {
    if (given(key)) flags[field] = map(v[key]);
  };
  set('kubeconfig', 'kubeconfig');
  set('bootstrapKubeconfig', 'bootstrapKubeconfig');
  set('hostnameOverride', 'nodeName');
  set('nodeIp', 'nodeIP');
  set('address', 'address');
  set('port', 'port');
  set('readOnlyPort', 'readOnlyPort');
  set('tlsCertFile', 'tlsCertFile');
  set('tlsPrivateKeyFile', 'tlsPrivateKeyFile');
  set('clientCaFile', 'clientCAFile');
  set('anonymousAuth', 'anonymousAuth');
  set('authenticationTokenWebhook', 'authenticationTokenWebhook');
  set('authorizationMode', 'authorizationMode', (x) => x as AuthorizationMode);
  set('podCidr', 'podCIDR');
  set('rootDir', 'rootDir');
  set('certDir', 'certDir');
  set('rotateCertificates', 'rotateCertificates');
  set('rotateServerCertificates', 'serverTLSBootstrap');
  set('nodeLabels', 'labels');
  set('nodeStatusUpdateFrequency', 'nodeStatusUpdateFrequencyMs');
  set('streamingConnectionIdleTimeout', 'streamingConnectionIdleTimeoutMs');
  set('featureGates', 'featureGates');
  flags.logLevel = verbosityToLevel(given('v') ? (v.v as number) : 0);

  if (!given('config')) return { kind: 'run', input: { ...flags, defaults: 'flags' }, warnings: [] };
  try {
    const file = await loadKubeletConfigurationFile(v.config as string);
    return { kind: 'run', input: overlayFlags(file.input, flags), warnings: file.warnings };
  } catch (err) {
    return { kind: 'error', message: (err as Error).message };
  }
}

function commanderMessage(err: CommanderError, argv: string[]): string {
  switch (err.code) {
    case 'commander.unknownOption': {
      const flag = /'([^']+)'/.exec(err.message)?.[1] ?? argv.find((a) => a.startsWith('-')) ?? '';
      return `failed to parse kubelet flag: unknown flag: ${flag.split('=')[0]}`;
    }
    case 'commander.optionMissingArgument': {
      const flag = /option '([^' ]+)/.exec(err.message)?.[1]?.replace(/\s.*$/, '') ?? '';
      return `failed to parse kubelet flag: flag needs an argument: ${flag.split(' ')[0]}`;
    }
    case 'commander.invalidArgument': {
      const m = /option '(\S+)[^']*' argument '(.*)' is invalid\. (.*)$/s.exec(err.message);
      if (m) return `failed to parse kubelet flag: invalid argument ${JSON.stringify(m[2])} for "${m[1]}" flag: ${m[3]}`;
      return `failed to parse kubelet flag: ${err.message.replace(/^error: /, '')}`;
    }
    case 'commander.excessArguments':
      return `unknown command ${argv.find((a) => !a.startsWith('-')) ?? ''}`;
    default:
      return `failed to parse kubelet flag: ${err.message.replace(/^error: /, '')}`;
  }
}
