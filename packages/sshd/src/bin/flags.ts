// hubspoke-sshd command-line flags, in pflag's habits (`--flag value`, `--flag=value`, `unknown flag: --foo`).
import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** What the command line asks for, before any file is read. */
export interface SshdFlags {
  listenAddress: string;
  port: number;
  hostKeyFiles: string[];
  authorizedKeysFile: string;
  user?: string;
  logLevel: 'info' | 'debug' | 'trace';
}

/** The outcome of parsing the command line. */
export type ParsedSshdArgs =
  | { kind: 'run'; flags: SshdFlags }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError(`${JSON.stringify(value)} is not a port number (0-65535)`);
  }
  return Number(value);
}

function level(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  return Number(value);
}

function program(): Command {
  return new Command('hubspoke-sshd')
    .description("A node's SSH server for the apiserver's (deprecated) SSH tunnels: public-key login, TCP forwarding only.")
    .helpOption('-h, --help', 'help for hubspoke-sshd')
    .option('--listen-address <ip>', 'The IP address to listen on. (default "0.0.0.0")')
    .option('--port <port>', 'The port to listen on (0 picks a free one). (default 22)', port)
    .option('--host-key-file <path>', 'A private host key; repeatable. Generated (ed25519) and written there when missing.', (v: string, prev: string[] = []) => [...prev, v])
    .option('--authorized-keys-file <path>', 'OpenSSH authorized_keys file with the keys allowed to open tunnels (the apiserver\'s --ssh-keyfile public key).')
    .option('--user <name>', 'Accept only this login name (the apiserver\'s --ssh-user).')
    .option('-v, --v [level]', 'Log verbosity: -v for debug, --v=5 or more for trace.', level)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
}

/** Parses `argv` (without node and script). */
export function parseSshdArgs(argv: string[]): ParsedSshdArgs {
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
  const v = cmd.opts<{
    listenAddress?: string;
    port?: number;
    hostKeyFile?: string[];
    authorizedKeysFile?: string;
    user?: string;
    v?: number | true;
  }>();
  if (!v.authorizedKeysFile) return { kind: 'error', message: 'flag --authorized-keys-file is required' };
  const verbosity = v.v === true ? 3 : (v.v ?? 0);
  return {
    kind: 'run',
    flags: {
      listenAddress: v.listenAddress ?? '0.0.0.0',
      port: v.port ?? 22,
      hostKeyFiles: v.hostKeyFile ?? [],
      authorizedKeysFile: v.authorizedKeysFile,
      ...(v.user !== undefined ? { user: v.user } : {}),
      logLevel: verbosity >= 5 ? 'trace' : verbosity >= 1 ? 'debug' : 'info',
    },
  };
}

function commanderMessage(err: CommanderError, argv: string[]): string {
  switch (err.code) {
    case 'commander.unknownOption': {
      const flag = /'([^']+)'/.exec(err.message)?.[1] ?? argv.find((a) => a.startsWith('-')) ?? '';
      return `unknown flag: ${flag.split('=')[0]}`;
    }
    case 'commander.optionMissingArgument': {
      const flag = /option '([^']+)'/.exec(err.message)?.[1]?.split(/[ ,]/).find((f) => f.startsWith('--')) ?? '';
      return `flag needs an argument: ${flag}`;
    }
    case 'commander.invalidArgument': {
      const m = /option '(?:-\w, )?(\S+)[^']*' argument '(.*)' is invalid\. (.*)$/s.exec(err.message);
      if (m) return `invalid argument ${JSON.stringify(m[2])} for "${m[1]}" flag: ${m[3]}`;
      return err.message.replace(/^error: /, '');
    }
    case 'commander.excessArguments':
      return `unknown command ${JSON.stringify(argv.find((a) => !a.startsWith('-')) ?? '')} for "hubspoke-sshd"`;
    default:
      return err.message.replace(/^error: /, '');
  }
}
