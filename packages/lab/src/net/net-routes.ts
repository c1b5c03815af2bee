// Flannel's host-gw backend, by hand: every host routes each other node's pod CIDR via that node's address on
// the shared network, and a node makes its own pod CIDR local (AnyIP) so each pod binds its own address. In
// docker-compose.yml the router, the apiserver and the nodes run `hubspoke net` with these routes.
import { execFile } from 'node:child_process';
import { isIPv4 } from 'node:net';

const IP = '/usr/sbin/ip';

/** A route `to` (a CIDR) via `gateway`. */
export interface GatewayRoute {
  to: string;
  gateway: string;
}

/** The routes one host needs. */
export interface NetPlan {
  /** `ip route replace TO via GATEWAY`. */
  routes: GatewayRoute[];
  /** `ip route replace local CIDR dev lo`: every address of CIDR is this host's (AnyIP). */
  locals: string[];
}

/** Whether `value` is an IPv4 CIDR such as 10.244.1.0/24. */
export function isIPv4Cidr(value: string): boolean {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(value);
  return !!m && isIPv4(m[1]) && Number(m[2]) <= 32;
}

/** The `ip` arguments for `plan`, in order. */
export function netPlanCommands(plan: NetPlan): string[][] {
  return [
    ...plan.locals.map((cidr) => ['route', 'replace', 'local', cidr, 'dev', 'lo']),
    ...plan.routes.map((r) => ['route', 'replace', r.to, 'via', r.gateway]),
  ];
}

/** Applies `plan` (idempotent: `replace`); rejects naming the route that failed, and CAP_NET_ADMIN when it is missing. */
export async function applyNetPlan(plan: NetPlan, ip: (args: string[]) => Promise<string> = runIp): Promise<string[]> {
  const done: string[] = [];
  for (const args of netPlanCommands(plan)) {
    const command = `ip ${args.join(' ')}`;
    try {
      await ip(args);
    } catch (err) {
      const message = (err as Error).message;
      const missingCap = /Operation not permitted|Permission denied/i.test(message)
        ? ' — changing routes needs CAP_NET_ADMIN: give the service `cap_add: [NET_ADMIN]` in docker-compose.yml'
        : '';
      throw new Error(`${command} failed: ${message}${missingCap}`);
    }
    done.push(command);
  }
  return done;
}

function runIp(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(IP, args, (err, stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve(stdout)));
  });
}
