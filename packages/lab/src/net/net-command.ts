// `hubspoke net`: a host's pod-network routes (flannel host-gw style), for docker-compose.yml, where each
// container that routes runs it once (beside a service, in its network namespace) or holds it (the router,
// whose namespace other containers join and which must therefore stay up).
import { Command, InvalidArgumentError } from 'commander';
import { parseCommandLine } from '@hubspoke/cli';
import { isIPv4 } from 'node:net';
import { applyNetPlan, isIPv4Cidr, type GatewayRoute, type NetPlan } from './net-routes.ts';

/** The flags of `hubspoke net`. */
export interface NetFlags extends NetPlan {
  /** Stay running until SIGTERM or SIGINT after the routes are in place. */
  hold: boolean;
}

/** The outcome of parsing `hubspoke net`'s arguments. */
export type ParsedNetArgs = { kind: 'run'; flags: NetFlags } | { kind: 'help'; text: string } | { kind: 'error'; message: string };

function gatewayRoute(value: string, previous: GatewayRoute[]): GatewayRoute[] {
  const [to, gateway, extra] = value.split('=');
  if (extra !== undefined || !to || !gateway) throw new InvalidArgumentError('expected CIDR=GATEWAY, e.g. 10.244.1.0/24=172.28.1.11');
  if (!isIPv4Cidr(to)) throw new InvalidArgumentError(`${to} is not an IPv4 CIDR`);
  if (!isIPv4(gateway)) throw new InvalidArgumentError(`${gateway} is not an IPv4 address`);
  return [...previous, { to, gateway }];
}

function localCidr(value: string, previous: string[]): string[] {
  if (!isIPv4Cidr(value)) throw new InvalidArgumentError(`${value} is not an IPv4 CIDR`);
  return [...previous, value];
}

function netOptions(command: Command): Command {
  return command
    .description("Install this host's pod-network routes (flannel host-gw style) in its network namespace, once or held. Needs CAP_NET_ADMIN.")
    .option('--route <cidr=gateway>', 'route CIDR via GATEWAY (`ip route replace CIDR via GATEWAY`); repeatable', gatewayRoute, [])
    .option('--local <cidr>', "make every address of CIDR this host's own, e.g. its pod CIDR (`ip route replace local CIDR dev lo`); repeatable", localCidr, [])
    .option('--hold', 'after the routes are in place, stay running until SIGTERM or SIGINT (for a namespace other containers share)', false);
}

/** Parses `hubspoke net`'s arguments (after `net`) as the bin does, without touching routes. */
export function parseNetArgs(argv: string[]): ParsedNetArgs {
  const command = netOptions(new Command('net'));
  const parsed = parseCommandLine(command, argv);
  if (parsed.kind !== 'parsed') return parsed;
  const o = command.opts<{ route: GatewayRoute[]; local: string[]; hold: boolean }>();
  const flags: NetFlags = { routes: o.route, locals: o.local, hold: o.hold };
  if (flags.routes.length === 0 && flags.locals.length === 0 && !flags.hold) return { kind: 'error', message: 'error: nothing to do: give --route, --local or --hold' };
  return { kind: 'run', flags };
}

/** Adds `net` to the hubspoke program. */
export function addNetCommand(program: Command): Command {
  return netOptions(program.command('net')).action(async (o: { route: GatewayRoute[]; local: string[]; hold: boolean }) => {
    try {
      for (const line of await applyNetPlan({ routes: o.route, locals: o.local })) process.stdout.write(`${line}\n`);
    } catch (err) {
      process.stderr.write(`hubspoke net: ${(err as Error).message}\n`);
      process.exit(1);
    }
    if (!o.hold) return;
    process.stdout.write('routes in place; holding until SIGTERM\n');
    await new Promise<void>((resolve) => {
      const keepAlive = setInterval(() => undefined, 1 << 30);
      const stop = (): void => {
        clearInterval(keepAlive);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    process.exit(0);
  });
}
