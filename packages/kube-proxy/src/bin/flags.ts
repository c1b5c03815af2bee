// kube-proxy command-line flags, with Kubernetes' names, help texts and pflag habits (`--flag=value`,
// `-v=4`, `unknown flag: --foo`). As in kube-proxy, a `--config` file replaces the flag values: only
// --hostname-override and -v still apply on top of it, and the other flags given are reported as ignored.
import os from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DEFAULT_KUBE_PROXY_CONFIG, validateKubeProxyConfig } from '../config.ts';
import type { KubeProxyConfig } from '../config.ts';
import { loadKubeProxyConfigurationFile } from '../kube-proxy-configuration.ts';

/** What the binary runs with: the configuration plus the Node name derived from it. */
export interface KubeProxyRun {
  config: KubeProxyConfig;
  /** --hostname-override, or the host's name, lower-cased as kube-proxy does. */
  nodeName: string;
  warnings: string[];
}

/** The outcome of parsing the command line. */
export type ParsedKubeProxyArgs = ({ kind: 'run' } & KubeProxyRun) | { kind: 'help'; text: string } | { kind: 'error'; message: string };

const IGNORED_WITH_CONFIG = ' This parameter is ignored if a config file is specified by --config.';

function int(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw new InvalidArgumentError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  return Number(value);
}

function verbosityToLevel(v: number): string {
  if (v >= 5) return 'trace';
  if (v >= 3) return 'debug';
  return 'info';
}

/** The flag table. */
function program(): Command {
  return new Command('kube-proxy')
    .description(
      'The Kubernetes network proxy runs on each node. This reflects services as defined in the Kubernetes API on each node ' +
        'and can do simple TCP stream forwarding across a set of backends. hubspoke edition: user-space mode only.',
    )
    .helpOption('-h, --help', 'help for kube-proxy')
    .option('--config <path>', 'The path to the configuration file.')
    .option('--kubeconfig <path>', 'Path to kubeconfig file with authorization information.')
    .option('--hostname-override <name>', "If non-empty, will be used as the name of the Node that kube-proxy is running on. If unset, the node name is assumed to be the same as the node's hostname.")
    .option(
      '--bind-address <ip>',
      `The IP address for the proxy server to serve on (set to 0.0.0.0 for all interfaces); hubspoke puts the health and metrics servers on it when their address gives only a port. (default "0.0.0.0")${IGNORED_WITH_CONFIG}`,
    )
    .option(
      '--proxy-mode <mode>',
      `Which proxy mode to use: hubspoke's kube-proxy only has 'userspace' (the default), the mode Kubernetes had before iptables: it accepts connections on the Service addresses itself and relays them to endpoints.${IGNORED_WITH_CONFIG}`,
    )
    .option('--healthz-bind-address <ip:port>', `The IP address and port for the health check server to serve on, defaulting to "0.0.0.0:10256".${IGNORED_WITH_CONFIG}`)
    .option(
      '--metrics-bind-address <ip:port>',
      `The IP address and port for the metrics server to serve on, defaulting to "127.0.0.1:10249". (Set to "0.0.0.0:10249" / "[::]:10249" to bind on all interfaces.) Set empty to disable.${IGNORED_WITH_CONFIG}`,
    )
    .option('-v, --v <level>', 'number for the log level verbosity', int)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
}

// Flags a --config file overrides, by commander attribute and spelling.
const FILE_OVERRIDES: Array<[attr: string, flag: string, field: keyof KubeProxyConfig]> = [
  ['kubeconfig', '--kubeconfig', 'kubeconfig'],
  ['bindAddress', '--bind-address', 'bindAddress'],
  ['proxyMode', '--proxy-mode', 'mode'],
  ['healthzBindAddress', '--healthz-bind-address', 'healthzBindAddress'],
  ['metricsBindAddress', '--metrics-bind-address', 'metricsBindAddress'],
];

/** Parses `argv` (without node and script), reads `--config`, and validates the result. */
export async function parseKubeProxyArgs(argv: string[], hostname: () => string = os.hostname): Promise<ParsedKubeProxyArgs> {
  const cmd = program();
  // pflag reads `-v=4` as -v with value 4; commander would take "=4".
  const normalized = argv.map((a) => (a.startsWith('-v=') ? `--v=${a.slice(3)}` : a));
  try {
    cmd.parse(normalized, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { kind: 'help', text: cmd.helpInformation() };
      return { kind: 'error', message: commanderMessage(err, argv) };
    }
    throw err;
  }
  const v = cmd.opts<Record<string, unknown>>();
  const given = (attr: string) => cmd.getOptionValueSource(attr) === 'cli';
  const warnings: string[] = [];
  let config: KubeProxyConfig = { ...DEFAULT_KUBE_PROXY_CONFIG };

  if (given('config')) {
    try {
      const file = await loadKubeProxyConfigurationFile(v.config as string);
      config = { ...config, ...file.config };
      warnings.push(...file.warnings);
    } catch (err) {
      return { kind: 'error', message: (err as Error).message };
    }
    const ignored = FILE_OVERRIDES.filter(([attr]) => given(attr)).map(([, flag]) => flag);
    if (ignored.length) warnings.push(`ignored because --config is given (as in kube-proxy; set them in the file): ${ignored.join(', ')}`);
  } else {
    for (const [attr, , field] of FILE_OVERRIDES) if (given(attr)) config[field] = v[attr] as string;
  }
  if (given('hostnameOverride')) {
    const name = (v.hostnameOverride as string).trim();
    if (!name) return { kind: 'error', message: 'empty hostname-override is invalid' };
    config.hostnameOverride = name.toLowerCase();
  }
  if (given('v')) config.logLevel = verbosityToLevel(v.v as number);

  const problems = validateKubeProxyConfig(config);
  if (problems.length) return { kind: 'error', message: problems.join('; ') };
  return { kind: 'run', config, nodeName: config.hostnameOverride || hostname().toLowerCase(), warnings };
}

function commanderMessage(err: CommanderError, argv: string[]): string {
  switch (err.code) {
    case 'commander.unknownOption': {
      const flag = /'([^']+)'/.exec(err.message)?.[1] ?? argv.find((a) => a.startsWith('-')) ?? '';
      return `unknown flag: ${flag.split('=')[0]}`;
    }
    case 'commander.optionMissingArgument': {
      const flag = /option '([^']+)'/.exec(err.message)?.[1] ?? '';
      const long = flag.split(/[ ,]+/).find((f) => f.startsWith('--')) ?? flag;
      return `flag needs an argument: ${long}`;
    }
    case 'commander.invalidArgument': {
      const m = /option '([^']+)' argument '(.*)' is invalid\. (.*)$/s.exec(err.message);
      if (m) {
        const long = m[1].split(/[ ,]+/).find((f) => f.startsWith('--')) ?? m[1];
        return `invalid argument ${JSON.stringify(m[2])} for "${long}" flag: ${m[3]}`;
      }
      return err.message.replace(/^error: /, '');
    }
    case 'commander.excessArguments':
      return `unknown command ${JSON.stringify(argv.find((a) => !a.startsWith('-')) ?? '')} for "kube-proxy"`;
    default:
      return err.message.replace(/^error: /, '');
  }
}
