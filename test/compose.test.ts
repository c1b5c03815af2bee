// docker-compose.yml is checked without a Docker engine, once for each combination of .env blocks (egress: direct,
// konnectivity, ssh × kubelet-ca: unverified, verified): compose's own interpolation and profiles pick the services
// and their arguments (the attacker's profile included); every service runs a binary this repository ships, with
// arguments that binary's parser accepts; every /certs file named is one `hubspoke certs` writes, the egress wiring
// (socket, agents, SSH keys, node kubeconfigs) fits together, and the networks and routes join the apiserver, the
// router and the nodes the way the comments at the top of docker-compose.yml draw them.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMitmArgs } from '@hubspoke/attacker';
import { parseApiserverArgs, readEgressSelectorConfiguration } from '@hubspoke/apiserver';
import { parseKubeProxyArgs } from '@hubspoke/kube-proxy';
import { parseKubeletArgs } from '@hubspoke/kubelet';
import { interpolate, loadComposeProject, parseDashboardArgs, parseNetArgs, readDotenv, serviceDependencies, type ComposeService as Service } from '@hubspoke/lab';
import { loadHostKey, parseSshdArgs } from '@hubspoke/sshd';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'node_modules/.bin');

type Vars = Record<string, string>;

const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const dotenv = readDotenv(readFileSync(join(ROOT, '.env'), 'utf8'));
const rawServices = (parse(composeText, { merge: true }) as { services: Record<string, Service> }).services;

/** Every combination of one block per .env group, with the services compose starts for it (and the attacker). */
function combinations(): { egress: string; kubeletCA: string; vars: Vars; services: Record<string, Service>; withoutAttacker: string[] }[] {
  return Object.entries(dotenv.groups.egress).flatMap(([egress, egressVars]) =>
    Object.entries(dotenv.groups['kubelet-ca']).map(([kubeletCA, caVars]) => {
      const vars = { ...egressVars, ...caVars };
      return {
        egress,
        kubeletCA,
        vars,
        services: loadComposeProject({ composeText, vars, services: ['attacker'] }).services,
        withoutAttacker: Object.keys(loadComposeProject({ composeText, vars }).services),
      };
    }),
  );
}

const modes = combinations();
const flag = (svc: Service, name: string): string | undefined =>
  svc.command.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);

// Bins whose flag parser is exported: the same function the bin runs, called in-process.
type Parsed = { kind: 'run' } | { kind: 'help'; text: string } | { kind: 'error'; message: string };
const PARSERS: Record<string, (args: string[]) => Parsed | Promise<Parsed>> = {
  // The apiserver reads the files its flags name while parsing: they come from the `hubspoke certs` run.
  'kube-apiserver': (args) => parseApiserverArgs(args, { readFile: (p) => readFileSync(p.startsWith('/certs/') ? onDisk(p) : p, 'utf8') }),
  kubelet: parseKubeletArgs,
  'kube-proxy': parseKubeProxyArgs,
  'hubspoke-sshd': parseSshdArgs,
  // Subcommand bins: the subcommand's own parser.
  'hubspoke-attacker': ([sub, ...args]) => (sub === 'mitm' ? parseMitmArgs(args) : { kind: 'error', message: `only mitm is checked, not ${sub}` }),
};

/** `hubspoke net` and `hubspoke dashboard` are checked by their parsers; `hubspoke certs` runs for real (below). */
const HUBSPOKE_PARSERS: Record<string, (args: string[]) => Parsed> = { net: parseNetArgs, dashboard: parseDashboardArgs };

/** The long flags a commander help text lists (its option column is indented by exactly two spaces). */
function helpFlags(text: string): Set<string> {
  return new Set([...text.matchAll(/^ {2}(?:-\w, )?(--[A-Za-z0-9-]+)/gm)].map((m) => m[1]));
}

/** Long flags of a command line, without values. */
const flagNames = (args: string[]): string[] => args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]);

/** Problems with one command line, from its bin's exported parser: its verdict, and flags its help lists. */
async function parserProblems([bin, ...args]: string[]): Promise<string[]> {
  const parsed = await PARSERS[bin](args);
  if (parsed.kind !== 'run') return [`${bin} rejects its arguments: ${parsed.kind === 'error' ? parsed.message : 'help'}`];
  const sub = bin === 'hubspoke-attacker' ? [args[0]] : [];
  const known = helpFlags(((await PARSERS[bin]([...sub, '--help'])) as { text: string }).text);
  return flagNames(args).filter((f) => !known.has(f)).map((f) => `${bin} has no ${f}`);
}

/**
 * Problems with the command lines of a bin without an exported parser (none has a dry run): the bin runs once with
 * all of them and `--help` appended. Commander passes every value through its parser first (a bad one exits 1),
 * then prints help instead of starting; unknown flags are caught against the flags that help lists.
 */
async function binProblems(bin: string, commands: string[][]): Promise<Map<string[], string[]>> {
  const out = new Map<string[], string[]>();
  let help: string;
  try {
    help = (await run(join(BIN, bin), [...commands.flatMap((c) => c.slice(1)), '--help'])).stdout;
  } catch (err) {
    for (const c of commands) out.set(c, [`${bin} rejects a value: ${(err as { stderr?: string }).stderr ?? err}`]);
    return out;
  }
  const known = helpFlags(help);
  for (const c of commands) out.set(c, flagNames(c.slice(1)).filter((f) => !known.has(f)).map((f) => `${bin} has no ${f}`));
  return out;
}

/** `/certs/…` files a command names (the audit log is the apiserver's own output; --dir is the certs' output). */
function certPaths(svc: Service): string[] {
  return svc.command
    .filter((a) => !a.startsWith('--audit-log-path=') && !a.startsWith('--dir='))
    .map((a) => /=(\/certs\/[^,]+)$/.exec(a)?.[1])
    .filter((p): p is string => !!p);
}

let certsDir: string;
const onDisk = (p: string): string => join(certsDir, p.slice('/certs/'.length));
const problemsByCommand = new Map<string, string[]>();

beforeAll(async () => {
  certsDir = await mkdtemp(join(tmpdir(), 'compose-certs-'));
  const commands = [...new Map(modes.flatMap(({ services }) => Object.values(services).map((s) => [JSON.stringify(s.command), s.command] as const))).values()];
  const byBin = new Map<string, string[][]>();
  for (const c of commands) byBin.set(c[0], [...(byBin.get(c[0]) ?? []), c]);
  // One process per bin. `hubspoke certs` runs for real with the compose arguments (into a
  // temporary dir), which is the strictest check of its arguments: commander refuses unknown ones there.
  const certs = async (command: string[]): Promise<void> => {
    const parser = HUBSPOKE_PARSERS[command[1]];
    if (parser) {
      const args = command.slice(2);
      const parsed = parser(args);
      if (parsed.kind !== 'run') return void problemsByCommand.set(JSON.stringify(command), [`hubspoke ${command[1]} rejects its arguments: ${parsed.kind === 'error' ? parsed.message : 'help'}`]);
      const known = helpFlags((parser(['--help']) as { text: string }).text);
      return void problemsByCommand.set(JSON.stringify(command), flagNames(args).filter((f) => !known.has(f)).map((f) => `hubspoke ${command[1]} has no ${f}`));
    }
    if (command[1] !== 'certs') return void problemsByCommand.set(JSON.stringify(command), [`only \`hubspoke certs\`, \`net\` and \`dashboard\` are checked, not ${command[1]}`]);
    const args = command.slice(1).map((a) => (a === '--dir=/certs' ? `--dir=${certsDir}` : a));
    const problems = await run(join(BIN, command[0]), args).then(
      () => [],
      (err: { stderr?: string }) => [`hubspoke ${args[0]} failed: ${err.stderr ?? err}`],
    );
    problemsByCommand.set(JSON.stringify(command), problems);
  };
  // The certificates first: the apiserver's parser reads the files its flags name.
  await Promise.all((byBin.get('hubspoke') ?? []).map(certs));
  await Promise.all(
    [...byBin].map(async ([bin, list]) => {
      if (!existsSync(join(BIN, bin))) return list.forEach((c) => problemsByCommand.set(JSON.stringify(c), [`${bin} is not in node_modules/.bin`]));
      if (bin === 'hubspoke') return;
      const problems = PARSERS[bin] ? new Map(await Promise.all(list.map(async (c) => [c, await parserProblems(c)] as const))) : await binProblems(bin, list);
      for (const [c, p] of problems) problemsByCommand.set(JSON.stringify(c), p);
    }),
  );
}, 120_000);

afterAll(async () => {
  if (certsDir) await rm(certsDir, { recursive: true, force: true });
});

describe('.env', () => {
  it('defines every variable docker-compose.yml uses, one active block per group, Kubernetes\' defaults active', () => {
    const used = new Set<string>();
    interpolate(rawServices, {}, used);
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(Object.keys(dotenv.active), `${name} is not set in .env`).toContain(name);
    expect(Object.keys(dotenv.groups).sort()).toEqual(['egress', 'kubelet-ca']);
    expect(Object.keys(dotenv.groups.egress).sort()).toEqual(['direct', 'konnectivity', 'ssh']);
    expect(Object.keys(dotenv.groups['kubelet-ca']).sort()).toEqual(['unverified', 'verified']);
    expect(dotenv.active).toEqual({ ...dotenv.groups.egress.direct, ...dotenv.groups['kubelet-ca'].unverified });
    for (const blocks of Object.values(dotenv.groups)) {
      // The blocks of a group set the same variables, and no other group sets them.
      const names = Object.keys(Object.values(blocks)[0]).sort();
      for (const vars of Object.values(blocks)) expect(Object.keys(vars).sort()).toEqual(names);
    }
    const all = Object.values(dotenv.groups).flatMap((blocks) => Object.keys(Object.values(blocks)[0]));
    expect(all.sort()).toEqual(Object.keys(dotenv.active).sort());
  });
});

describe.each(modes)('docker-compose.yml with egress $egress, kubelet-ca $kubeletCA', ({ egress: mode, kubeletCA, vars, services, withoutAttacker }) => {
  it('runs only binaries this repository ships, with arguments their parsers accept', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect(problemsByCommand.get(JSON.stringify(svc.command)), name).toEqual([]);
    }
  });

  it('starts the node-side services of this egress only, next to services that are started too', () => {
    const bins = Object.values(services).map((s) => s.command[0]);
    expect(bins.filter((b) => b === 'konnectivity-agent').length).toBe(mode === 'konnectivity' ? 2 : 0);
    expect(bins.filter((b) => b === 'hubspoke-sshd').length).toBe(mode === 'ssh' ? 2 : 0);
    expect(bins.filter((b) => b === 'kube-proxy').length).toBe(2);
    for (const [name, svc] of Object.entries(services)) {
      for (const dep of serviceDependencies(svc)) expect(Object.keys(services), `${name} needs ${dep}`).toContain(dep);
    }
    expect(Object.keys(services)).toContain('attacker');
  });

  it('names only files that `hubspoke certs` writes, mounted where the services read them', () => {
    for (const [name, svc] of Object.entries(services)) {
      const paths = certPaths(svc);
      if (paths.length > 0) expect(svc.volumes?.map((v) => v.replace(/:ro$/, '')), name).toContain('./certs:/certs');
      for (const p of paths) expect(existsSync(onDisk(p)), `${name}: ${p}`).toBe(true);
    }
    expect(Object.values(services).flatMap(certPaths).length).toBeGreaterThanOrEqual(12);
    expect(vars.HUBSPOKE_EGRESS_CONFIG === '' || existsSync(onDisk(vars.HUBSPOKE_EGRESS_CONFIG))).toBe(true);
  });

  it('gives the kubelets and kube-proxies a kubeconfig that reaches the apiserver on the lab network', () => {
    const apiserver = services.apiserver;
    const expected = `https://${apiserver.networks!.control!.ipv4_address}:${flag(apiserver, '--secure-port')}`;
    for (const svc of Object.values(services).filter((s) => ['kubelet', 'kube-proxy'].includes(s.command[0]))) {
      const conf = parse(readFileSync(onDisk(flag(svc, '--kubeconfig')!), 'utf8')) as { clusters: { cluster: { server: string } }[] };
      expect(conf.clusters[0].cluster.server).toBe(expected);
    }
  });

  it('never publishes or listens on one port twice in a network namespace', () => {
    const published = Object.values(services).flatMap((s) => s.ports ?? []).map((p) => p.split(':').slice(0, -1).join(':'));
    expect(new Set(published).size).toBe(published.length);
    const LISTEN = ['--secure-port', '--port', '--agent-port', '--server-port', '--health-port', '--admin-port', '--health-server-port', '--healthz-bind-address', '--metrics-bind-address', '--captures-address'];
    const byNamespace = new Map<string, string[]>();
    for (const [name, svc] of Object.entries(services)) {
      const namespace = svc.network_mode?.replace(/^service:/, '') ?? name;
      const ports = LISTEN.map((f) => flag(svc, f)?.split(':').pop()).filter((p): p is string => !!p && p !== '0');
      byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), ...ports]);
    }
    for (const [namespace, ports] of byNamespace) expect(new Set(ports).size, `${namespace}: ${ports.join(', ')}`).toBe(ports.length);
  });

  it('wires the apiserver to the egress it is given', async () => {
    const apiserver = services.apiserver;
    const nodeAddress = (svc: Service) => services[svc.network_mode!.replace(/^service:/, '')].networks!.nodes!.ipv4_address!;
    const config = flag(apiserver, '--egress-selector-config-file');
    expect(config).toBe(vars.HUBSPOKE_EGRESS_CONFIG);
    if (mode === 'konnectivity') {
      const text = await readFile(onDisk(config!), 'utf8');
      const result = readEgressSelectorConfiguration(text, (p) => existsSync(p.startsWith('/certs/') ? onDisk(p) : p));
      expect(result.kind).toBe('ok');
      const udsName = (parse(text) as { egressSelections: { connection: { transport: { uds: { udsName: string } } } }[] }).egressSelections[0].connection.transport.uds.udsName;
      const server = services['konnectivity-server'];
      expect(flag(server, '--uds-name')).toBe(udsName);
      // The socket's folder is one volume, mounted into both containers.
      const mount = (svc: Service) => svc.volumes?.find((v) => v.split(':')[1] === dirname(udsName));
      expect(mount(server)).toBeDefined();
      expect(mount(apiserver)).toBe(mount(server));
      expect(server.network_mode).toBe('service:apiserver');
      for (const agent of Object.values(services).filter((s) => s.command[0] === 'konnectivity-agent')) {
        expect(flag(agent, '--proxy-server-host')).toBe(apiserver.networks!.control!.ipv4_address);
        expect(flag(agent, '--proxy-server-port')).toBe(flag(server, '--agent-port'));
        expect(flag(agent, '--agent-identifiers')).toContain(`ipv4=${nodeAddress(agent)}`);
      }
    }
    if (mode === 'ssh') {
      const user = flag(apiserver, '--ssh-user')!;
      const publicKey = (file: string) => loadHostKey(readFileSync(onDisk(file), 'utf8')).parsed.getPublicSSH().toString('base64');
      const apiserverKey = publicKey(flag(apiserver, '--ssh-keyfile')!);
      const knownHosts = readFileSync(onDisk(flag(apiserver, '--ssh-known-hosts-file')!), 'utf8');
      expect(flag(apiserver, '--ssh-port')).toBe('22');
      for (const sshd of Object.values(services).filter((s) => s.command[0] === 'hubspoke-sshd')) {
        expect(flag(sshd, '--user')).toBe(user);
        expect(flag(sshd, '--port')).toBe(flag(apiserver, '--ssh-port'));
        expect(readFileSync(onDisk(flag(sshd, '--authorized-keys-file')!), 'utf8')).toContain(apiserverKey);
        const hostKey = publicKey(flag(sshd, '--host-key-file')!);
        expect(knownHosts.split('\n').some((l) => l.split(' ')[0].split(',').includes(nodeAddress(sshd)) && l.includes(hostKey))).toBe(true);
      }
    } else {
      expect(flag(apiserver, '--ssh-user')).toBe('');
      expect(flag(apiserver, '--ssh-keyfile')).toBe('');
    }
  });

  it('joins the control and nodes networks only through the router, which forwards', () => {
    const on = (name: string, network: string) => services[name].networks?.[network]?.ipv4_address;
    expect(Object.keys(services.apiserver.networks ?? {})).toEqual(['control']);
    for (const node of ['node-1', 'node-2']) expect(Object.keys(services[node].networks ?? {})).toEqual(['nodes']);
    expect(Object.keys(services.router.networks ?? {}).sort()).toEqual(['control', 'nodes']);
    expect(on('router', 'control')).toBe('172.28.0.2');
    expect(on('router', 'nodes')).toBe('172.28.1.2');
    expect(services.router.sysctls).toEqual({ 'net.ipv4.ip_forward': 1 });
    // The router holds its namespace (the attacker joins it); the route sidecars run once.
    expect(services.router.command.slice(0, 2)).toEqual(['hubspoke', 'net']);
    expect(services.router.command).toContain('--hold');
    for (const [name, svc] of Object.entries(services).filter(([n, s]) => n !== 'router' && s.command[1] === 'net')) {
      expect(svc.command, name).not.toContain('--hold');
      expect(svc.network_mode, name).toMatch(/^service:/);
    }
  });

  it('gives NET_ADMIN to every service that changes routes, and to no other', () => {
    for (const [name, svc] of Object.entries(services)) {
      const routes = (svc.command[0] === 'hubspoke' && svc.command[1] === 'net') || svc.command.includes('--intercept-route');
      expect(svc.cap_add ?? [], name).toEqual(routes ? ['NET_ADMIN'] : []);
    }
  });

  it('routes every pod CIDR from the apiserver, the router and the other node through the right gateway', () => {
    const netOf = (namespace: string) => {
      const plans = Object.entries(services)
        .filter(([name, s]) => s.command[1] === 'net' && (name === namespace || s.network_mode === `service:${namespace}`))
        .map(([, s]) => parseNetArgs(s.command.slice(2)));
      const flags = plans.map((p) => (p.kind === 'run' ? p.flags : { routes: [], locals: [], hold: false }));
      return { routes: flags.flatMap((f) => f.routes), locals: flags.flatMap((f) => f.locals) };
    };
    /** The gateway `namespace` uses for `address`: its most specific --route, or its own (local) CIDRs. */
    const gateway = (namespace: string, address: string): string | undefined => {
      const net = netOf(namespace);
      if (net.locals.some((c) => inCidr(address, c))) return 'local';
      return net.routes.filter((r) => inCidr(address, r.to)).sort((a, b) => prefix(b.to) - prefix(a.to))[0]?.gateway;
    };
    const address = (name: string, network: string) => services[name].networks![network]!.ipv4_address!;
    const nodes = ['node-1', 'node-2'];
    for (const node of nodes) {
      const podCidr = flag(services[node], '--pod-cidr')!;
      const pod = podCidr.replace(/0\/24$/, '7');
      expect(flag(services[node], '--node-ip')).toBe(address(node, 'nodes'));
      expect(gateway(node, pod), `${node} owns its pods`).toBe('local');
      expect(gateway('apiserver', pod), `apiserver → ${node}'s pods`).toBe(address('router', 'control'));
      expect(gateway('router', pod), `router → ${node}'s pods`).toBe(address(node, 'nodes'));
      for (const other of nodes.filter((n) => n !== node)) expect(gateway(other, pod), `${other} → ${node}'s pods`).toBe(address(node, 'nodes'));
      expect(gateway('apiserver', address(node, 'nodes')), `apiserver → ${node}`).toBe(address('router', 'control'));
      expect(gateway(node, address('apiserver', 'control')), `${node} → apiserver`).toBe(address('router', 'nodes'));
    }
    // Service ClusterIPs stay inside each node (kube-proxy binds them there): no one routes them.
    const range = flag(services.apiserver, '--service-cluster-ip-range')!;
    expect(range).toBe('127.96.0.0/16');
  });

  it('runs the attacker only when asked, on the router, intercepting node-1\'s kubelet with routes', () => {
    expect(withoutAttacker).not.toContain('attacker');
    const attacker = services.attacker;
    expect(attacker.profiles).toEqual(['attacker']);
    expect(attacker.network_mode).toBe('service:router');
    const parsed = parseMitmArgs(attacker.command.slice(2));
    expect(parsed.kind).toBe('run');
    const flags = (parsed as Extract<typeof parsed, { kind: 'run' }>).flags;
    expect(flags.interceptRoute).toBe(true);
    expect(flags.upstream).toEqual({ host: services['node-1'].networks!.nodes!.ipv4_address, port: Number(flag(services['node-1'], '--port')) });
    expect(flags.sourceAddress).toBe(services.router.networks!.nodes!.ipv4_address);
    expect(flags.victim).toBe('node-1');
    expect(flags.capturesAddress).toEqual({ host: '0.0.0.0', port: 7071 });
    // What it saves lands in the mounted ./captures folder.
    expect(attacker.volumes).toContain('./captures:/captures');
    expect(dirname(flags.output!)).toBe('/captures');
  });

  it('serves the dashboard on the control network, reading this file, .env, the certs, the apiserver and the attacker', () => {
    const dashboard = services.dashboard;
    const parsed = parseDashboardArgs(dashboard.command.slice(2));
    if (parsed.kind !== 'run') throw new Error(`hubspoke dashboard: ${parsed.kind === 'error' ? parsed.message : 'help'}`);
    const { flags } = parsed;
    // The files it reads are mounted where its flags say.
    const mounts = new Map((dashboard.volumes ?? []).map((v) => [v.split(':')[1], v.split(':')[0]]));
    expect(mounts.get(flags.composeFile!)).toBe('./docker-compose.yml');
    expect(mounts.get(flags.composeEnvFile!)).toBe('./.env');
    expect(mounts.get(flags.certsDir!)).toBe('./certs');
    expect(existsSync(onDisk(flags.kubeconfig!))).toBe(true);
    // It reaches the apiserver and the attacker's captures directly on the control network.
    expect(Object.keys(dashboard.networks ?? {})).toEqual(['control']);
    expect(new URL(flags.server!).host).toBe(new URL(`https://${services.apiserver.networks!.control!.ipv4_address}:${flag(services.apiserver, '--secure-port')}`).host);
    const attacker = parseMitmArgs(services.attacker.command.slice(2));
    if (attacker.kind !== 'run') throw new Error('hubspoke-attacker mitm does not parse');
    expect(new URL(flags.attackerUrl!).host).toBe(`${services.router.networks!.control!.ipv4_address}:${attacker.flags.capturesAddress!.port}`);
    expect(dashboard.ports).toEqual([`${flags.port}:${flags.port}`]);
    expect(flags.address).toBe('0.0.0.0');
  });

  it('makes the kubelets serve certificates the apiserver verifies only when kubelet-ca is verified', async () => {
    const apiserver = services.apiserver;
    const parsed = await parseApiserverArgs(apiserver.command.slice(1), { readFile: (p) => readFileSync(onDisk(p), 'utf8') });
    if (parsed.kind !== 'run') throw new Error(`kube-apiserver: ${parsed.kind}`);
    for (const node of ['node-1', 'node-2']) {
      const kubelet = await parseKubeletArgs(services[node].command.slice(1));
      if (kubelet.kind !== 'run') throw new Error(`kubelet: ${kubelet.kind}`);
      if (kubeletCA === 'unverified') {
        // Empty values read as unset: a self-signed serving certificate, not verified.
        expect(kubelet.input.tlsCertFile || undefined).toBeUndefined();
        expect(kubelet.input.tlsPrivateKeyFile || undefined).toBeUndefined();
        continue;
      }
      const ca = new X509Certificate(readFileSync(onDisk(flag(apiserver, '--kubelet-certificate-authority')!)));
      const serving = new X509Certificate(readFileSync(onDisk(flag(services[node], '--tls-cert-file')!)));
      expect(serving.verify(ca.publicKey)).toBe(true);
      expect(serving.subject).toContain(`CN=system:node:${node}`);
      expect(serving.subject).toContain('O=system:nodes');
      expect(serving.checkIP(flag(services[node], '--node-ip')!)).toBe(flag(services[node], '--node-ip'));
      expect(existsSync(onDisk(flag(services[node], '--tls-private-key-file')!))).toBe(true);
    }
    if (kubeletCA === 'unverified') {
      expect(flag(apiserver, '--kubelet-certificate-authority')).toBe('');
      expect(parsed.options.kubeletCertificateAuthority).toBeUndefined();
    } else {
      expect(parsed.options.kubeletCertificateAuthority).toContain('BEGIN CERTIFICATE');
    }
  });
});

/** Whether IPv4 `address` is in `cidr`. */
function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return ((toInt(address) & mask) >>> 0) === ((toInt(base) & mask) >>> 0);
}
const toInt = (ip: string): number => ip.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);
const prefix = (cidr: string): number => Number(cidr.split('/')[1]);

describe('Dockerfile', () => {
  it('builds from files that exist', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    for (const m of dockerfile.matchAll(/^COPY (.+) \S+$/gm)) {
      for (const f of m[1].split(/\s+/)) expect(existsSync(join(ROOT, f)), f).toBe(true);
    }
  });

  it('installs iproute2, which `hubspoke net` and the attacker\'s --intercept-route run', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends iproute2/);
    expect(dockerfile).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
  });
});
