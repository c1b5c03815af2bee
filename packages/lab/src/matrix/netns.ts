// Linux network namespaces as extra "hosts" for whatever is about who can reach whom (the flag matrix, the
// cross-host tests): a namespace joined to the root namespace (or to another namespace, for a host behind a
// router) by a veth pair, its own addresses and routes, processes started inside it, and a teardown that leaves
// nothing behind even when setup fails halfway or the process exits without closing. Needs root and iproute2;
// there is no iptables here, so reachability is shaped with routes (e.g. `unreachable`, or `local` routes that
// make a router answer for others).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';

const IP = '/usr/sbin/ip';

/** A namespace to create: its veth link to the root namespace, and what to route on either side. */
export interface NetnsOptions {
  /** Up to 4 characters in the generated names, so a leftover says which test made it (default `hs`). */
  tag?: string;
  /**
   * The namespace at the other end of the veth (its "host"), e.g. a router in front of this one; default the
   * root namespace. Close this namespace before its host.
   */
  host?: Netns;
  /** CIDR of the veth's host side (the root namespace's unless `host` is set), e.g. `10.201.7.1/30`. */
  hostAddress: string;
  /** CIDR of the veth's namespace side, e.g. `10.201.7.2/30`. */
  nsAddress: string;
  /** Further CIDRs on the namespace's `lo`: the host's own addresses, which no one outside has a route to. */
  loopbackAddresses?: string[];
  /** Routes inside the namespace, each the arguments of `ip route add` (e.g. `['default', 'via', '10.201.7.1']`). */
  routes?: string[][];
  /** Routes in the host namespace, each the arguments of `ip route add` (e.g. `['unreachable', '10.202.7.0/24']`). */
  hostRoutes?: string[][];
}

/** The outcome of a command run to completion. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A process started inside a namespace, leading its own process group (so its children end with it). */
export interface NetnsProcess {
  child: ChildProcess;
  /** The last 64 KiB of its stdout and stderr, for failure messages. */
  output(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs` (default 3000); resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** A live namespace; `close` undoes everything it made. */
export interface Netns {
  /** The namespace name (`ip netns exec <name>`). */
  name: string;
  /** The veth's interface in the host namespace. */
  hostLink: string;
  /** The veth's namespace-side interface. */
  nsLink: string;
  /** `hostAddress` without its prefix length: where the namespace reaches the root namespace. */
  hostIP: string;
  /** `nsAddress` without its prefix length: where the root namespace reaches the namespace. */
  nsIP: string;
  /** Run `command` inside to completion; never rejects for a non-zero exit. */
  exec(command: string, args: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Start a long-running `command` inside; `close` stops it if the test did not. */
  spawn(command: string, args: string[], opts?: { env?: NodeJS.ProcessEnv; cwd?: string }): NetnsProcess;
  /** Add a route in the host namespace (arguments of `ip route add`), removed by `close`. */
  addHostRoute(route: string[]): Promise<void>;
  /** Run `ip` inside (`ip -n <name> …`); rejects with its stderr. What it changes goes with the namespace. */
  ip(args: string[]): Promise<string>;
  /** Stop the processes, delete the host routes, the veth and the namespace. Idempotent; never rejects. */
  close(): Promise<void>;
}

/** Run `ip` with `args`; rejects with its stderr. */
export function ip(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(IP, args, (err, stdout, stderr) => (err ? reject(new Error(`ip ${args.join(' ')}: ${stderr.trim() || err.message}`)) : resolve(stdout)));
  });
}

/**
 * A random third octet N such that no address or route in the root namespace lies in any `${prefix}.N.0/24`
 * (prefixes like `10.201`), so test files running side by side pick different subnets.
 */
export async function freeOctet(prefixes: string[]): Promise<number> {
  const taken = `${await ip(['-4', '-o', 'addr', 'show'])}\n${await ip(['-4', 'route', 'show', 'table', 'all'])}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    const n = randomInt(1, 255);
    if (prefixes.every((p) => !taken.includes(`${p}.${n}.`))) return n;
  }
  throw new Error(`no free octet under ${prefixes.join(', ')}`);
}

/** Create a namespace joined to the root namespace by a veth pair; on any setup failure, undo and reject. */
export async function createNetns(options: NetnsOptions): Promise<Netns> {
  const tag = (options.tag ?? 'hs').slice(0, 4);
  const suffix = randomBytes(3).toString('hex');
  // Interface names are at most 15 characters: tag (4) + '-' + suffix (6) + side (1).
  const name = `${tag}-${suffix}`;
  const hostLink = `${tag}-${suffix}h`;
  const nsLink = `${tag}-${suffix}n`;
  const hostRoutes: string[][] = [];
  // Commands on the host side run in the host namespace, if there is one.
  const onHost = (args: string[]): string[] => (options.host ? ['-n', options.host.name, ...args] : args);
  const processes: NetnsProcess[] = [];
  let created = false;
  let closed = false;

  // The same steps twice: async for close, sync for a process that exits without calling it.
  const teardownSteps = (): string[][] => [
    ...hostRoutes.map((r) => onHost(['route', 'del', ...r])),
    onHost(['link', 'del', hostLink]),
    ['netns', 'del', name],
  ];
  const onExit = (): void => {
    for (const p of processes) killGroup(p.child, 'SIGKILL');
    for (const step of teardownSteps()) {
      try {
        execFileSync(IP, step, { stdio: 'ignore' });
      } catch {
        // Already gone, or never made.
      }
    }
  };
  process.on('exit', onExit);

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.allSettled(processes.map((p) => p.stop()));
    for (const step of teardownSteps()) await ip(step).catch(() => undefined);
    process.off('exit', onExit);
  };

  const netns: Netns = {
    name,
    hostLink,
    nsLink,
    hostIP: options.hostAddress.split('/')[0],
    nsIP: options.nsAddress.split('/')[0],
    exec(command, args, opts = {}) {
      return new Promise((resolve) => {
        execFile(IP, ['netns', 'exec', name, command, ...args], { timeout: opts.timeoutMs ?? 15_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      });
    },
    spawn(command, args, opts = {}) {
      if (closed || !created) throw new Error(`netns ${name} is not open`);
      const proc = startInside(name, command, args, opts);
      processes.push(proc);
      return proc;
    },
    async addHostRoute(route) {
      await ip(onHost(['route', 'add', ...route]));
      hostRoutes.push(route);
    },
    ip: (args) => ip(['-n', name, ...args]),
    close,
  };

  try {
    await ip(['netns', 'add', name]);
    created = true;
    await ip(onHost(['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', nsLink, 'netns', name]));
    await ip(onHost(['addr', 'add', options.hostAddress, 'dev', hostLink]));
    await ip(onHost(['link', 'set', hostLink, 'up']));
    await ip(['-n', name, 'link', 'set', 'lo', 'up']);
    await ip(['-n', name, 'addr', 'add', options.nsAddress, 'dev', nsLink]);
    await ip(['-n', name, 'link', 'set', nsLink, 'up']);
    for (const cidr of options.loopbackAddresses ?? []) await ip(['-n', name, 'addr', 'add', cidr, 'dev', 'lo']);
    for (const route of options.routes ?? []) await ip(['-n', name, 'route', 'add', ...route]);
    for (const route of options.hostRoutes ?? []) await netns.addHostRoute(route);
  } catch (err) {
    await close();
    throw err;
  }
  return netns;
}

function startInside(ns: string, command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string }): NetnsProcess {
  // `ip netns exec` execs the command in place, so the child's pid is the command's and leads its group.
  const child = spawn(IP, ['netns', 'exec', ns, command, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
  });
  let log = '';
  const keep = (d: Buffer): void => {
    log = (log + d.toString()).slice(-64 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  child.once('error', (err) => keep(Buffer.from(`spawn error: ${err.message}\n`)));
  return {
    child,
    output: () => log,
    async stop(graceMs = 3000) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Children the leader left behind (pods, helpers) go with the group.
      killGroup(child, 'SIGKILL');
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

/** Why namespaces cannot be made here (not root, no iproute2), in words for people; undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root: run as root (e.g. with sudo)';
  try {
    execFileSync(IP, ['-V'], { stdio: 'ignore' });
  } catch {
    return `network namespaces need iproute2 (${IP} not found): install the iproute2 package`;
  }
  return undefined;
}

/** A namespace without links (a switch host for bridges, or a host whose links are attached afterwards). */
export interface BareNetns {
  name: string;
  /** Run `ip` inside; rejects with its stderr. */
  ip(args: string[]): Promise<string>;
  /** Run `command` inside to completion; never rejects for a non-zero exit. */
  exec(command: string, args: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Delete the namespace (its links go with it). Idempotent; never rejects. Stop its processes first. */
  close(): Promise<void>;
}

/** Create an empty namespace with `lo` up; deleted at process exit if the caller does not close it. */
export async function createBareNetns(tag = 'hs'): Promise<BareNetns> {
  const name = `${tag.slice(0, 4)}-${randomBytes(3).toString('hex')}`;
  let closed = false;
  const onExit = (): void => {
    try {
      execFileSync(IP, ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  };
  process.on('exit', onExit);
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await ip(['netns', 'del', name]).catch(() => undefined);
    process.off('exit', onExit);
  };
  try {
    await ip(['netns', 'add', name]);
    await ip(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    name,
    ip: (args) => ip(['-n', name, ...args]),
    exec: (command, args, opts = {}) =>
      new Promise((resolve) => {
        execFile(IP, ['netns', 'exec', name, command, ...args], { timeout: opts.timeoutMs ?? 15_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
    close,
  };
}

/** Add a bridge `bridge` with `address` (CIDR, the network's gateway) in namespace `ns`, up. */
export async function addBridge(options: { ns: string; bridge: string; address: string }): Promise<void> {
  await ip(['-n', options.ns, 'link', 'add', options.bridge, 'type', 'bridge']);
  await ip(['-n', options.ns, 'addr', 'add', options.address, 'dev', options.bridge]);
  await ip(['-n', options.ns, 'link', 'set', options.bridge, 'up']);
}

/**
 * Plug namespace `ns` into `bridge` (in namespace `bridgeNs`) with a veth pair: `ifname` inside `ns` with
 * `address` (CIDR) and optionally `mac`, like a container's interface on a docker network. Deleting `ns` unplugs it.
 */
export async function attachToBridge(options: { bridgeNs: string; bridge: string; ns: string; ifname: string; address: string; mac?: string }): Promise<void> {
  const outside = `v${randomBytes(5).toString('hex')}`;
  const temporary = `t${randomBytes(5).toString('hex')}`;
  await ip(['-n', options.bridgeNs, 'link', 'add', outside, 'type', 'veth', 'peer', 'name', temporary, 'netns', options.ns]);
  await ip(['-n', options.bridgeNs, 'link', 'set', outside, 'master', options.bridge, 'up']);
  await ip(['-n', options.ns, 'link', 'set', temporary, 'name', options.ifname]);
  if (options.mac) await ip(['-n', options.ns, 'link', 'set', options.ifname, 'address', options.mac]);
  await ip(['-n', options.ns, 'addr', 'add', options.address, 'dev', options.ifname]);
  await ip(['-n', options.ns, 'link', 'set', options.ifname, 'up']);
}

/** Start a long-running `command` in namespace `ns` (by name: one made by createBareNetns, say), leading its own process group. */
export function spawnInNetns(ns: string, command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): NetnsProcess {
  return startInside(ns, command, args, opts);
}
