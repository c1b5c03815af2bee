// docker-compose.yml is checked without a Docker engine, once for each egress block of .env (direct, konnectivity,
// ssh): compose's own interpolation and profiles pick the services and their arguments; every service runs a
// binary this repository ships, with arguments that binary's parser accepts; every /certs file named is one
// `hubspoke certs` writes, and the egress wiring (socket, agents, SSH keys, node kubeconfigs) fits together.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiserverArgs, readEgressSelectorConfiguration } from '@hubspoke/apiserver';
import { parseKubeProxyArgs } from '@hubspoke/kube-proxy';
import { parseKubeletArgs } from '@hubspoke/kubelet';
import { loadHostKey, parseSshdArgs } from '@hubspoke/sshd';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'node_modules/.bin');

interface Service {
  command: string[];
  profiles?: string[];
  volumes?: string[];
  ports?: string[];
  network_mode?: string;
  depends_on?: string[] | Record<string, unknown>;
  networks?: Record<string, { ipv4_address?: string }>;
}
type Vars = Record<string, string>;

/** The .env file: the assignments compose sees, and every `# egress: NAME` block (commented out or not). */
function readDotenv(text: string): { active: Vars; modes: Record<string, Vars> } {
  const active: Vars = {};
  const modes: Record<string, Vars> = {};
  let block: Vars | undefined;
  for (const line of text.split('\n')) {
    const header = /^# egress: (\w+)/.exec(line);
    if (header) modes[header[1]] = block = {};
    const assignment = /^(#?)([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!assignment) continue;
    if (block) block[assignment[2]] = assignment[3];
    if (!assignment[1]) active[assignment[2]] = assignment[3];
  }
  return { active, modes };
}

/** Compose's interpolation (${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:+x}, ${VAR+x}, $VAR, $$) of every string in `value`. */
function interpolate<T>(value: T, vars: Vars, used: Set<string>): T {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-+])([^}$]*))?\}|\$([A-Za-z_]\w*)/g, (all, braced?: string, op?: string, word?: string, bare?: string) => {
      if (all === '$$') return '$';
      const name = (braced ?? bare)!;
      used.add(name);
      const set = name in vars;
      const filled = set && vars[name] !== '';
      if (op === ':-') return filled ? vars[name] : word!;
      if (op === '-') return set ? vars[name] : word!;
      if (op === ':+') return filled ? word! : '';
      if (op === '+') return set ? word! : '';
      return vars[name] ?? '';
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars, used)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars, used)])) as T;
  }
  return value;
}

const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const dotenv = readDotenv(readFileSync(join(ROOT, '.env'), 'utf8'));
const rawServices = (parse(composeText) as { services: Record<string, Service> }).services;

/** The services compose would start with `vars` as its .env, interpolated. */
function servicesFor(vars: Vars): Record<string, Service> {
  const profiles = (vars.COMPOSE_PROFILES ?? '').split(',').filter(Boolean);
  const all = interpolate(rawServices, vars, new Set());
  return Object.fromEntries(Object.entries(all).filter(([, s]) => !s.profiles || s.profiles.some((p) => profiles.includes(p))));
}

const modes = Object.entries(dotenv.modes).map(([mode, vars]) => ({ mode, vars, services: servicesFor(vars) }));
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
};

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
  const known = helpFlags(((await PARSERS[bin](['--help'])) as { text: string }).text);
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
    if (command[1] !== 'certs') return void problemsByCommand.set(JSON.stringify(command), [`only \`hubspoke certs\` is checked, not ${command[1]}`]);
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
  it('defines every variable docker-compose.yml uses, with direct egress as the default', () => {
    const used = new Set<string>();
    interpolate(rawServices, {}, used);
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(Object.keys(dotenv.active), `${name} is not set in .env`).toContain(name);
    expect(Object.keys(dotenv.modes).sort()).toEqual(['direct', 'konnectivity', 'ssh']);
    expect(dotenv.active).toEqual(dotenv.modes.direct);
    for (const vars of Object.values(dotenv.modes)) expect(Object.keys(vars).sort()).toEqual(Object.keys(dotenv.active).sort());
  });
});

describe.each(modes)('docker-compose.yml with egress $mode', ({ mode, vars, services }) => {
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
      const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
      const shared = svc.network_mode?.replace(/^service:/, '');
      for (const dep of [...deps, ...(shared ? [shared] : [])]) expect(Object.keys(services), `${name} needs ${dep}`).toContain(dep);
    }
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
    const expected = `https://${apiserver.networks!.lab.ipv4_address}:${flag(apiserver, '--secure-port')}`;
    for (const svc of Object.values(services).filter((s) => ['kubelet', 'kube-proxy'].includes(s.command[0]))) {
      const conf = parse(readFileSync(onDisk(flag(svc, '--kubeconfig')!), 'utf8')) as { clusters: { cluster: { server: string } }[] };
      expect(conf.clusters[0].cluster.server).toBe(expected);
    }
  });

  it('never publishes or listens on one port twice in a network namespace', () => {
    const published = Object.values(services).flatMap((s) => s.ports ?? []).map((p) => p.split(':').slice(0, -1).join(':'));
    expect(new Set(published).size).toBe(published.length);
    const LISTEN = ['--secure-port', '--port', '--agent-port', '--server-port', '--health-port', '--admin-port', '--health-server-port', '--healthz-bind-address', '--metrics-bind-address'];
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
    const nodeAddress = (svc: Service) => services[svc.network_mode!.replace(/^service:/, '')].networks!.lab.ipv4_address!;
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
        expect(flag(agent, '--proxy-server-host')).toBe(apiserver.networks!.lab.ipv4_address);
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
});

describe('Dockerfile', () => {
  it('builds from files that exist', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    for (const m of dockerfile.matchAll(/^COPY (.+) \S+$/gm)) {
      for (const f of m[1].split(/\s+/)) expect(existsSync(join(ROOT, f)), f).toBe(true);
    }
  });
});
