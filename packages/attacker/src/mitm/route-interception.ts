// The attacker on a router takes one port of one address for itself with routes alone (no iptables): across hosts
// the apiserver's packets to a node pass through the router, and a `local` route makes the router deliver them to
// its own listener instead of forwarding them. Only the intercepted port is taken: policy rules send every other
// packet to that address (SSH, kube-proxy's health port, the pods) on through the main table, and the attacker's
// own relayed connections (from --source-address) too, so they still reach the real node.
//
// The node's address goes into the `local` table because the kernel answers a connection (SYN-ACK) only from an
// address it finds there; the `local` table's rule therefore moves from priority 0 to LOCAL_PREF, below ours.
import { execFile } from 'node:child_process';

const IP = '/usr/sbin/ip';

/** Rule priorities: the source exemption, the intercepted port, the rest of the address, the moved local table. */
export const INTERCEPT_PREFS = { source: 10, port: 11, address: 12, local: 20 } as const;

/** What to intercept: TCP `address:port`, while connections from `sourceAddress` pass. */
export interface RouteInterceptionOptions {
  address: string;
  port: number;
  sourceAddress: string;
  /** Runs `ip` with arguments; default /usr/sbin/ip. Rejects with the command's stderr. */
  ip?: (args: string[]) => Promise<string>;
}

/** Interception in place; `undo` restores the namespace's routing (idempotent, never rejects). */
export interface RouteInterception {
  /** The `ip` commands that set it up, for people to read. */
  commands: string[];
  undo(): Promise<void>;
}

/** Why an interception could not be set up: the command that failed and its error. */
export class RouteInterceptionError extends Error {}

/** Set up the interception, first removing leftovers of an earlier run that did not undo its own. */
export async function interceptRoute(options: RouteInterceptionOptions): Promise<RouteInterception> {
  const run = options.ip ?? runIp;
  const target = `${options.address}/32`;
  const steps: string[][] = [
    ['rule', 'add', 'pref', `${INTERCEPT_PREFS.source}`, 'from', options.sourceAddress, 'lookup', 'main'],
    ['rule', 'add', 'pref', `${INTERCEPT_PREFS.port}`, 'to', target, 'ipproto', 'tcp', 'dport', `${options.port}`, 'lookup', 'local'],
    ['rule', 'add', 'pref', `${INTERCEPT_PREFS.address}`, 'to', target, 'lookup', 'main'],
    // The local table moves below the rules above: added at its new place before it leaves priority 0.
    ['rule', 'add', 'pref', `${INTERCEPT_PREFS.local}`, 'lookup', 'local'],
    ['rule', 'del', 'pref', '0', 'lookup', 'local'],
    // Last: from here on the port is the attacker's.
    ['route', 'replace', 'local', target, 'dev', 'lo', 'table', 'local'],
  ];
  const undo = async (): Promise<void> => {
    await run(['route', 'del', 'local', target, 'dev', 'lo', 'table', 'local']).catch(() => undefined);
    await restoreRules(run);
  };
  await undo();
  for (const step of steps) {
    try {
      await run(step);
    } catch (err) {
      await undo();
      throw new RouteInterceptionError(`cannot intercept ${options.address}:${options.port}: ip ${step.join(' ')}: ${explain((err as Error).message)}`);
    }
  }
  let undone = false;
  return {
    commands: steps.map((s) => `ip ${s.join(' ')}`),
    async undo() {
      if (undone) return;
      undone = true;
      await undo();
    },
  };
}

/** The namespace's rules as before any interception: the local table at priority 0, none of ours. */
async function restoreRules(run: (args: string[]) => Promise<string>): Promise<void> {
  const rules = await run(['rule', 'show']).catch(() => '');
  if (!/^0:\s+from all lookup local/m.test(rules)) await run(['rule', 'add', 'pref', '0', 'lookup', 'local']).catch(() => undefined);
  for (const pref of Object.values(INTERCEPT_PREFS)) {
    // A priority may hold several rules (leftovers of runs with other arguments): delete until none is left.
    for (let i = 0; i < 16; i++) {
      const deleted = await run(['rule', 'del', 'pref', `${pref}`]).then(() => true, () => false);
      if (!deleted) break;
    }
  }
}

function explain(message: string): string {
  return /Operation not permitted|RTNETLINK answers: Permission denied/i.test(message)
    ? `${message} (changing routes needs CAP_NET_ADMIN: in docker-compose.yml, cap_add: [NET_ADMIN])`
    : message;
}

function runIp(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(IP, args, (err, stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve(stdout)));
  });
}
