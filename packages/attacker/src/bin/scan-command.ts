// `hubspoke-attacker scan`: flags → scan settings → reports on stdout. The exit code is 0 whenever the scan
// ran, whatever it found; only unusable flags (a bad address, an unreadable key) fail it.
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { portNumber, positiveInteger } from './flag-values.ts';
import { pino } from 'pino';
import { formatReports, type ScanOutputFormat } from '../scan/report-format.ts';
import { scanKubelets } from '../scan/scan.ts';
import { parseTarget } from '../scan/target.ts';
import type { ScanCredentials } from '../scan/types.ts';

interface ScanFlags {
  target: string[];
  readOnlyPort?: number;
  token?: string;
  clientCertificate?: string;
  clientKey?: string;
  namespace?: string;
  pod?: string;
  container?: string;
  port?: number;
  command?: string;
  output: ScanOutputFormat;
  timeout: number;
  logLevel: string;
}

/** Adds the `scan` subcommand to `program`; returns the subcommand. */
export function addScanCommand(program: Command): Command {
  return program
    .command('scan')
    .description('Probe kubelets the way kubeletctl and kube-hunter do, plus a working port-forward: what each one exposes, and to whom.')
    .requiredOption('--target <host:port>', 'a kubelet HTTPS address (repeat for several)', collectTarget, [] as string[])
    .option('--read-only-port <port>', 'read-only port to probe (0 = none; default: /configz if readable, else 10255)', portNumber)
    .option('--token <token>', 'bearer token to present (a stolen credential)')
    .option('--client-certificate <file>', 'client certificate (PEM) to present')
    .option('--client-key <file>', 'key of --client-certificate (PEM)')
    .option('--namespace <ns>', 'namespace of --pod', undefined)
    .option('--pod <name>', 'pod for logs, run, exec, attach and port-forward (default: one read from /pods)')
    .option('--container <name>', 'container of --pod')
    .option('--port <port>', 'pod port for the port-forward probe (default: the pod’s first containerPort)', portNumber)
    .option('--command <cmd>', 'command for /run and exec, split on spaces', 'id')
    .addOption(new Option('--output <format>', 'report format').choices(['table', 'json']).default('table'))
    .option('--timeout <ms>', 'bound of each probe in milliseconds', positiveInteger, 5000)
    .option('--log-level <level>', 'pino level of the attacker’s own logs (stderr)', 'warn')
    .action(async (flags: ScanFlags, command: Command) => {
      if (Boolean(flags.clientCertificate) !== Boolean(flags.clientKey)) command.error('error: --client-certificate and --client-key go together');
      const read = async (file: string | undefined, flag: string): Promise<string | undefined> => {
        if (!file) return undefined;
        return readFile(file, 'utf8').catch((err: Error) => command.error(`error: cannot read ${flag} ${file}: ${err.message}`));
      };
      const credentials: ScanCredentials = {
        token: flags.token,
        clientCertificate: await read(flags.clientCertificate, '--client-certificate'),
        clientKey: await read(flags.clientKey, '--client-key'),
      };
      const logger = pino({ level: flags.logLevel, redact: ['token'] }, pino.destination(2));
      const reports = await scanKubelets({
        targets: flags.target,
        readOnlyPort: flags.readOnlyPort,
        credentials,
        prefer: { namespace: flags.namespace, pod: flags.pod, container: flags.container, port: flags.port },
        command: flags.command?.split(' ').filter(Boolean),
        timeoutMs: flags.timeout,
        logger,
      });
      process.stdout.write(formatReports(reports, flags.output));
    });
}

function collectTarget(value: string, previous: string[]): string[] {
  try {
    parseTarget(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return [...previous, value];
}
