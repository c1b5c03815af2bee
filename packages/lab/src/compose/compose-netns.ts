// docker-compose.yml run without Docker: each service's own command line in a network namespace of its own (or
// the namespace of the service named by `network_mode: service:X`), on Linux bridges for the compose networks
// with the compose addresses, in a separate "docker host" namespace that, like Docker, does not forward between
// them. Volumes are bind mounts in a private mount namespace per service, `sysctls` are set in the namespace,
// services without `cap_add: [NET_ADMIN]` run without that capability (Docker's default set lacks it), published
// ports listen in the docker host namespace (run the clients there, as on a Docker host), and `up` follows `docker compose up -d`: it recreates the services whose
// configuration changed (with those sharing their namespace), starts exited ones again, and waits for
// `condition: service_completed_successfully`. Needs root, iproute2, util-linux (unshare, setpriv).
import { existsSync, statSync } from 'node:fs';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { addBridge, attachToBridge, createBareNetns, spawnInNetns, type BareNetns, type NetnsProcess } from '../matrix/netns.ts';
import { loadComposeProject, serviceDependencies, type ComposeService } from './compose-project.ts';

/** Where the project lives and what the emulated containers see. */
export interface ComposeNetnsOptions {
  composeText: string;
  /** The folder of docker-compose.yml: `./x` volumes resolve here. */
  projectDir: string;
  /** Prepended to PATH (the image's node_modules/.bin). */
  binDir: string;
  /** Named volumes and each container's own writable paths live here. */
  stateDir: string;
  /** Container paths that are each container's own (its image filesystem), e.g. /var/lib/kubelet. */
  privatePaths?: string[];
}

/** A running emulated project. */
export interface ComposeNetns {
  /** The "docker host" namespace, on every network at its gateway address (.1), where published ports listen. */
  host: BareNetns;
  /** `docker compose up -d [services…]` with `vars` as the environment. */
  up(vars: Record<string, string>, services?: string[]): Promise<void>;
  /** `docker compose stop service`. */
  stop(service: string): Promise<void>;
  /** The namespace a service's processes run in. */
  namespaceOf(service: string): string;
  /** The service's stdout and stderr so far (its latest container). */
  logs(service: string): string;
  /** Its exit code, null while it runs, undefined if it never ran. */
  exitCode(service: string): number | null | undefined;
  close(): Promise<void>;
}

interface Container {
  config: string;
  service: ComposeService;
  process: NetnsProcess;
  exit: Promise<number>;
  code: number | null;
  /** The namespace it owns (undefined when it shares another service's). */
  netns?: BareNetns;
}

const MOUNT_AND_EXEC = 'set -e; while [ "$1" != -- ]; do mount --bind "$1" "$2"; [ "$3" = rw ] || mount -o remount,bind,ro "$2"; shift 3; done; shift; exec "$@"';

/** Build the networks (bridges in the host namespace); nothing runs until `up`. */
export async function startComposeNetns(options: ComposeNetnsOptions): Promise<ComposeNetns> {
  const document = parse(options.composeText, { merge: true }) as { networks?: Record<string, { ipam?: { config?: { subnet?: string }[] } } | null> };
  const host = await createBareNetns('dkh');
  const networks = new Map<string, { bridge: string; prefix: string; gateway: string }>();
  const containers = new Map<string, Container>();
  const publishedBy = new Set<string>();
  const hostsFile = join(options.stateDir, 'hosts');
  const createdDirs: string[] = [];
  const createdFiles: string[] = [];
  const relays: NetnsProcess[] = [];
  let index = 0;
  try {
    for (const [name, network] of Object.entries(document.networks ?? {})) {
      const subnet = network?.ipam?.config?.[0]?.subnet;
      if (!subnet) throw new Error(`network ${name}: only networks with an ipam subnet are emulated`);
      const [base, prefix] = subnet.split('/');
      const gateway = base.replace(/\d+$/, (last) => String(Number(last) + 1));
      const bridge = `br${index++}`;
      await addBridge({ ns: host.name, bridge, address: `${gateway}/${prefix}` });
      // Docker keeps its networks apart (it drops what crosses); here it is refused with an ICMP error, so a client
      // with a missing route fails at once instead of after a connect timeout. The host's own addresses still answer.
      await host.ip(['rule', 'add', 'pref', '100', 'iif', bridge, 'prohibit']);
      networks.set(name, { bridge, prefix, gateway });
    }
    const forward = await host.exec('sysctl', ['-w', 'net.ipv4.ip_forward=1']);
    if (forward.code !== 0) throw new Error(`sysctl: ${forward.stderr}`);
  } catch (err) {
    await host.close();
    throw err;
  }

  const owner = (name: string, service: ComposeService): string => (service.network_mode?.startsWith('service:') ? service.network_mode.slice('service:'.length) : name);
  const namespaceOf = (name: string): string => {
    const container = containers.get(name);
    if (!container) throw new Error(`service ${name} has not run`);
    const own = owner(name, container.service);
    const netns = own === name ? container.netns : containers.get(own)?.netns;
    if (!netns) throw new Error(`service ${name}: the namespace of ${own} is gone`);
    return netns.name;
  };

  const stopContainer = async (name: string): Promise<void> => {
    const container = containers.get(name);
    if (!container) return;
    await container.process.stop(10_000);
    await container.exit;
  };

  const removeContainer = async (name: string): Promise<void> => {
    await stopContainer(name);
    await containers.get(name)?.netns?.close();
    containers.delete(name);
  };

  const hostPath = async (target: string, file = false): Promise<void> => {
    // Mount points must exist on this host's root: create the missing ones (removed again by close, if empty); a
    // file is mounted on a file.
    if (existsSync(target)) return;
    const missing: string[] = [];
    for (let dir = file ? dirname(target) : target; !existsSync(dir); dir = dirname(dir)) missing.unshift(dir);
    for (const dir of missing) {
      await mkdir(dir);
      createdDirs.push(dir);
    }
    if (file) {
      await writeFile(target, '', { flag: 'wx' });
      createdFiles.push(target);
    }
  };

  const mounts = async (name: string, service: ComposeService): Promise<string[]> => {
    const triples: string[] = [];
    for (const volume of service.volumes ?? []) {
      const [source, target, mode = 'rw'] = volume.split(':');
      const path = source.startsWith('.') || isAbsolute(source) ? resolve(options.projectDir, source) : join(options.stateDir, 'volumes', source);
      // A file volume (`./.env:/app/.env`) mounts the file; anything else is a folder, made if missing, as Docker does.
      const file = existsSync(path) && statSync(path).isFile();
      if (!file) await mkdir(path, { recursive: true });
      await hostPath(target, file);
      triples.push(path, target, mode);
    }
    // Docker's embedded DNS answers service names with their addresses: here, an /etc/hosts of the project.
    triples.push(hostsFile, '/etc/hosts', 'ro');
    for (const target of options.privatePaths ?? []) {
      const path = join(options.stateDir, 'containers', name, target);
      await mkdir(path, { recursive: true });
      await hostPath(target);
      triples.push(path, target, 'rw');
    }
    return triples;
  };

  const ownNamespace = async (service: ComposeService): Promise<BareNetns> => {
    const netns = await createBareNetns('dkc');
    try {
      const attached = Object.entries(service.networks ?? {});
      for (const [i, [network, settings]] of attached.entries()) {
        const net = networks.get(network);
        if (!net) throw new Error(`network ${network} is not defined`);
        if (!settings?.ipv4_address) throw new Error(`network ${network}: only fixed ipv4_address attachments are emulated`);
        // Docker derives the MAC from the address (02:42 + its four bytes): a recreated container keeps it, so the
        // neighbours' ARP caches stay right.
        const mac = ['02', '42', ...settings.ipv4_address.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
        await attachToBridge({ bridgeNs: host.name, bridge: net.bridge, ns: netns.name, ifname: `eth${i}`, address: `${settings.ipv4_address}/${net.prefix}`, mac });
      }
      if (attached.length > 0) await netns.ip(['route', 'add', 'default', 'via', networks.get(attached[0][0])!.gateway]);
      const sysctls = Array.isArray(service.sysctls) ? service.sysctls.map((s) => s.split('=')) : Object.entries(service.sysctls ?? {});
      for (const [key, value] of sysctls) {
        const set = await netns.exec('sysctl', ['-w', `${key}=${value}`]);
        if (set.code !== 0) throw new Error(`sysctl ${key}=${value}: ${set.stderr}`);
      }
      return netns;
    } catch (err) {
      await netns.close();
      throw err;
    }
  };

  const publish = async (service: ComposeService): Promise<void> => {
    for (const port of service.ports ?? []) {
      const parts = port.split(':');
      const [hostPort, containerPort] = parts.slice(-2);
      const address = Object.values(service.networks ?? {})[0]?.ipv4_address;
      if (!address) throw new Error(`ports ${port}: the service has no network address`);
      const listen = parts.length === 3 ? parts[0] : '0.0.0.0';
      // Docker's userland proxy, in the docker host namespace: it dials the container from the network's gateway.
      const relay = spawnInNetns(host.name, process.execPath, ['-e', RELAY, listen, hostPort, address, containerPort]);
      relays.push(relay);
      await waitForOutput(relay, 'listening', `the port relay for ${port}`);
    }
  };

  const start = async (name: string, service: ComposeService): Promise<void> => {
    const own = owner(name, service);
    let netns: BareNetns | undefined;
    if (own === name) netns = containers.get(name)?.netns ?? (await ownNamespace(service));
    const triples = await mounts(name, service);
    const caps = service.cap_add?.includes('NET_ADMIN') ? [] : ['setpriv', '--bounding-set', '-net_admin', '--'];
    const nsName = own === name ? netns!.name : namespaceOf(own);
    const child = spawnInNetns(nsName, 'unshare', ['-m', '--propagation', 'private', 'sh', '-c', MOUNT_AND_EXEC, 'sh', ...triples, '--', ...caps, ...service.command], {
      env: { ...process.env, PATH: `${options.binDir}:${process.env.PATH}` },
      cwd: options.projectDir,
    });
    const container: Container = {
      config: JSON.stringify(service),
      service,
      process: child,
      code: null,
      netns,
      exit: new Promise<number>((done) => {
        if (child.child.exitCode !== null) return done(child.child.exitCode);
        child.child.once('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
      }),
    };
    void container.exit.then((code) => (container.code = code));
    containers.set(name, container);
    if (service.ports && !publishedBy.has(name)) {
      publishedBy.add(name);
      await publish(service);
    }
  };

  const up = async (vars: Record<string, string>, services?: string[]): Promise<void> => {
    const project = loadComposeProject({ composeText: options.composeText, vars, services });
    const names = Object.entries(project.services).flatMap(([name, s]) => Object.values(s.networks ?? {}).slice(0, 1).map((n) => `${n?.ipv4_address} ${name}\n`));
    await mkdir(options.stateDir, { recursive: true });
    await writeFile(hostsFile, `127.0.0.1 localhost\n::1 localhost\n${names.join('')}`);
    const order = topological(project.services);
    const changed = new Set(order.filter((name) => containers.has(name) && containers.get(name)!.config !== JSON.stringify(project.services[name])));
    // A recreated service takes its namespace with it: whatever shares that namespace is recreated too.
    for (const [name, container] of containers) {
      const own = owner(name, container.service);
      if (own !== name && changed.has(own)) changed.add(name);
    }
    // Sharers first, then the namespace owners; a sharer this `up` does not start again stays removed.
    const recreate = [...changed].sort((a, b) => Number(owner(b, containers.get(b)!.service) === b) - Number(owner(a, containers.get(a)!.service) === a));
    for (const name of recreate) await stopContainer(name);
    for (const name of recreate) await removeContainer(name);
    for (const name of order) {
      const service = project.services[name];
      const container = containers.get(name);
      if (container && container.code === null) continue;
      if (container) containers.delete(name); // exited: compose starts it again (same namespace, if it owns one)
      if (container?.netns) await container.netns.close();
      for (const [dep, condition] of Object.entries(dependsOn(service))) {
        if (condition !== 'service_completed_successfully') continue;
        const code = await containers.get(dep)?.exit;
        if (code !== 0) throw new Error(`${name}: ${dep} did not complete successfully (exit ${code}): ${containers.get(dep)?.process.output()}`);
      }
      await start(name, service);
    }
  };

  return {
    host,
    up,
    async stop(service) {
      await stopContainer(service);
    },
    namespaceOf,
    logs: (service) => containers.get(service)?.process.output() ?? '',
    exitCode: (service) => (containers.has(service) ? containers.get(service)!.code : undefined),
    async close() {
      const names = [...containers.keys()].reverse();
      for (const name of names) await stopContainer(name);
      for (const name of names) await removeContainer(name);
      for (const relay of relays) await relay.stop(1000);
      await host.close();
      for (const file of createdFiles) await rm(file, { force: true });
      for (const dir of createdDirs.reverse()) await rmdir(dir).catch(() => undefined);
    },
  };
}

const RELAY = `const net=require('node:net');const [address,port,host,target]=process.argv.slice(1);
net.createServer((c)=>{const u=net.connect(Number(target),host);c.pipe(u).pipe(c);u.on('error',()=>c.destroy());c.on('error',()=>u.destroy())}).listen(Number(port),address,()=>console.log('listening'))`;

async function waitForOutput(proc: NetnsProcess, text: string, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.output().includes(text)) return;
    if (proc.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not start: ${proc.output()}`);
}

function dependsOn(service: ComposeService): Record<string, string> {
  if (Array.isArray(service.depends_on)) return Object.fromEntries(service.depends_on.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(service.depends_on ?? {}).map(([d, v]) => [d, (v as { condition?: string } | null)?.condition ?? 'service_started']));
}

/** Service names, each after everything it depends on. */
function topological(services: Record<string, ComposeService>): string[] {
  const order: string[] = [];
  const visit = (name: string, path: string[]): void => {
    if (order.includes(name)) return;
    if (path.includes(name)) throw new Error(`dependency cycle: ${[...path, name].join(' → ')}`);
    for (const dep of serviceDependencies(services[name])) if (services[dep]) visit(dep, [...path, name]);
    order.push(name);
  };
  for (const name of Object.keys(services)) visit(name, []);
  return order;
}
