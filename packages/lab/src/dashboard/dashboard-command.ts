// The lab `hubspoke dashboard` shows, from its flags: the lab `hubspoke up --dir` runs (the default), or a
// docker-compose lab (--compose-file and the three files that go with it). Kept out of bin/hubspoke.ts so the
// flag rules are tested without spawning the command. The .env flag is --compose-env-file, not compose's own
// --env-file: Node 20 reads an `--env-file` anywhere on its command line and exits 9 if the file is missing.
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseCommandLine } from '@hubspoke/cli';
import { composeSource, type ComposeSource, type ComposeSourceOptions } from './compose-source.ts';
import { DEFAULT_DASHBOARD_PORT } from './dashboard-server.ts';

/** The dashboard command's lab flags, as commander gives them. */
export interface DashboardLabFlags {
  dir: string;
  composeFile?: string;
  composeEnvFile?: string;
  certsDir?: string;
  kubeconfig?: string;
  server?: string;
  attackerUrl?: string;
}

/** Which lab to show, with the words the command prints for it. */
export type DashboardLab = { kind: 'dir'; dir: string; description: string } | { kind: 'compose'; source: ComposeSource; description: string };

const COMPOSE_FLAGS = ['--compose-file', '--compose-env-file', '--certs-dir', '--kubeconfig'] as const;
const COMPOSE_ONLY = ['--compose-env-file', '--certs-dir', '--kubeconfig', '--server', '--attacker-url'] as const;

/** The dashboard command's flags, as commander gives them. */
export type DashboardFlags = DashboardLabFlags & { port: number; address: string };

/** The outcome of parsing `hubspoke dashboard`'s arguments. */
export type ParsedDashboardArgs = { kind: 'run'; flags: DashboardFlags; dirGiven: boolean } | { kind: 'help'; text: string } | { kind: 'error'; message: string };

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`${value} is not a port`);
  return n;
}

/** Adds the dashboard's options to `command` (the bin's and parseDashboardArgs' one definition). */
export function dashboardOptions(command: Command): Command {
  return command
    .description('Serve the dashboard: the live topology of the lab in --dir (or of the docker-compose lab of --compose-file), every path with what protects it, byte counters, and what an attacker reads. It follows the lab across restarts and .env edits.')
    .addOption(new Option('--dir <dir>', 'the lab\'s folder (PKI, kubeconfigs, logs, lab.json)').default('.hubspoke'))
    .option('--compose-file <file>', 'show a docker-compose lab instead: its docker-compose.yml (with --compose-env-file, --certs-dir, --kubeconfig)')
    .option('--compose-env-file <file>', 'the compose lab\'s .env (which egress and kubelet-ca blocks are active, COMPOSE_PROFILES)')
    .option('--certs-dir <dir>', 'the compose lab\'s certs folder, mounted at /certs in its services (`hubspoke certs --dir`)')
    .option('--kubeconfig <file>', 'a kubeconfig that reads the compose lab\'s nodes, pods and services (certs/admin.conf)')
    .option('--server <url>', 'the compose lab\'s apiserver URL, instead of the kubeconfig\'s (e.g. https://172.28.0.10:443 from inside the lab network)')
    .option('--attacker-url <url>', 'where the compose lab\'s attacker serves GET /captures (none answering = no attacker)')
    .addOption(new Option('--port <port>', 'where to listen').default(DEFAULT_DASHBOARD_PORT).argParser(port))
    .option('--address <ip>', 'the address to listen on', '127.0.0.1');
}

/** Parses `hubspoke dashboard`'s arguments (after `dashboard`) as the bin does, checking how they fit together but opening nothing. */
export function parseDashboardArgs(argv: string[]): ParsedDashboardArgs {
  const command = dashboardOptions(new Command('dashboard'));
  const parsed = parseCommandLine(command, argv);
  if (parsed.kind !== 'parsed') return parsed;
  const flags = command.opts<DashboardFlags>();
  const dirGiven = command.getOptionValueSource('dir') === 'cli';
  const problem = flagProblem(flags, dirGiven);
  return problem ? { kind: 'error', message: `error: ${problem}` } : { kind: 'run', flags, dirGiven };
}

/** Why the flags do not fit together, or undefined. */
function flagProblem(flags: DashboardLabFlags, dirGiven: boolean): string | undefined {
  const value = (flag: string): string | undefined => flags[camel(flag)];
  if (!flags.composeFile) {
    const stray = COMPOSE_ONLY.filter((f) => value(f) !== undefined);
    return stray.length > 0 ? `${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} for a compose lab: add --compose-file` : undefined;
  }
  if (dirGiven) return '--dir and --compose-file cannot be used together: --dir follows the lab `hubspoke up` runs, --compose-file a docker-compose lab';
  const missing = COMPOSE_FLAGS.filter((f) => !value(f));
  if (missing.length > 0) return `a compose lab needs ${COMPOSE_FLAGS.join(', ')}: missing ${missing.join(', ')}`;
  for (const flag of ['--server', '--attacker-url'] as const) {
    const url = value(flag);
    if (url !== undefined && !URL.canParse(url)) return `${flag} ${JSON.stringify(url)} is not a URL`;
  }
  return undefined;
}

/** The lab the flags name; throws a message for people when they do not fit together. `dirGiven`: --dir was on the command line. */
export async function dashboardLab(flags: DashboardLabFlags, dirGiven: boolean): Promise<DashboardLab> {
  const value = (flag: string): string | undefined => flags[camel(flag)];
  const problem = flagProblem(flags, dirGiven);
  if (problem) throw new Error(problem);
  if (!flags.composeFile) return { kind: 'dir', dir: resolve(flags.dir), description: `the lab in ${resolve(flags.dir)}` };
  for (const flag of ['--compose-file', '--compose-env-file'] as const) {
    await access(value(flag)!).catch(() => {
      throw new Error(`${flag} ${value(flag)}: no such file`);
    });
  }
  const options: ComposeSourceOptions = {
    composeFile: flags.composeFile,
    envFile: flags.composeEnvFile!,
    certsDir: flags.certsDir!,
    kubeconfig: flags.kubeconfig!,
    server: flags.server,
    attackerUrl: flags.attackerUrl,
  };
  return { kind: 'compose', source: composeSource(options), description: `the docker-compose lab of ${resolve(flags.composeFile)}` };
}

function camel(flag: string): keyof DashboardLabFlags {
  return flag.slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase()) as keyof DashboardLabFlags;
}
