// What a docker-compose lab is configured to be, read from outside as `docker compose up` would run it: the
// compose file with the active assignments of .env and its profiles, the kube-apiserver's and the kubelets'
// command lines through their own parsers (the /certs files they name read from the certs folder), and the
// egress the apiserver's flags choose, with the node-side services started for it. No live state: compose-source.ts
// adds that from the apiserver, and leaves out what only the apiserver's process could tell.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { clusterSelection, parseApiserverArgs, readEgressSelectorConfiguration, resolveApiserverConfig, type ApiserverConfig } from '@hubspoke/apiserver';
import { parseKubeletArgs, resolveKubeletConfig } from '@hubspoke/kubelet';
import { loadComposeProject, readDotenv, type ComposeService } from '../compose/compose-project.ts';
import { servingCertKind } from '../lab-api.ts';
import type { ApiserverFacts, EgressFacts, KubeletFacts } from '../topology.ts';

/** Where a compose lab's configuration is. */
export interface ComposeFiles {
  composeFile: string;
  /** The .env that compose reads (its active assignments, COMPOSE_PROFILES included). */
  envFile: string;
  /** The folder mounted at /certs in the services (`hubspoke certs --dir`). */
  certsDir: string;
}

/** The lab as configured. Egress live fields (agents connected, tunnel connections) are absent: unknown. */
export interface ComposeConfig {
  apiserver: Omit<ApiserverFacts, 'url'>;
  kubelets: KubeletFacts[];
  egress: EgressFacts;
  /** For each `# <group>: <block>` group of .env, the block whose values are active (`custom` when none is). */
  blocks: Record<string, string>;
  /** COMPOSE_PROFILES. */
  profiles: string[];
}

const CERTS = '/certs/';

/** Read the configuration now (every call reads the files again, so .env edits are followed). */
export async function readComposeConfig(files: ComposeFiles): Promise<ComposeConfig> {
  const certsDir = resolve(files.certsDir);
  const inCerts = (path: string): string => (path.startsWith(CERTS) ? join(certsDir, path.slice(CERTS.length)) : path);
  const [composeText, envText] = await Promise.all([readFile(files.composeFile, 'utf8'), readFile(files.envFile, 'utf8')]);
  const dotenv = readDotenv(envText);
  const project = loadComposeProject({ composeText, vars: dotenv.active });
  const services = Object.entries(project.services);

  const apiserverEntry = services.find(([, s]) => s.command?.[0] === 'kube-apiserver');
  if (!apiserverEntry) throw new Error(`${files.composeFile} runs no kube-apiserver service`);
  const cfg = apiserverConfig(apiserverEntry, inCerts);
  const clusterCA = cfg.clientCA ?? '';

  const kubeletServices = services.filter(([, s]) => s.command?.[0] === 'kubelet');
  const kubelets = await Promise.all(kubeletServices.map((entry) => kubeletFacts(entry, inCerts, clusterCA)));
  // A node-side service (agent, sshd) belongs to the node whose network namespace it shares.
  const nodeOf = (service: ComposeService): { name: string; address: string } | undefined => {
    const owner = service.network_mode?.startsWith('service:') ? service.network_mode.slice('service:'.length) : undefined;
    const i = kubeletServices.findIndex(([name]) => name === owner);
    return i < 0 ? undefined : { name: kubelets[i].nodeName, address: nodeAddress(kubeletServices[i][1]) ?? kubelets[i].address };
  };

  return {
    apiserver: {
      anonymousAuth: cfg.anonymousAuth,
      authorizationModes: cfg.authorizationModes,
      kubeletCertificateAuthority: Boolean(cfg.kubeletCertificateAuthority),
      kubeletClientCertificate: Boolean(cfg.kubeletClientCert),
      sshKnownHosts: Boolean(cfg.sshKnownHosts),
    },
    kubelets,
    egress: egressFacts(cfg, services, nodeOf, (p) => existsSync(inCerts(p))),
    blocks: activeBlocks(dotenv),
    profiles: project.profiles,
  };
}

function apiserverConfig([name, service]: [string, ComposeService], inCerts: (path: string) => string): ApiserverConfig {
  const parsed = parseApiserverArgs(service.command.slice(1), { readFile: (p) => readFileSync(inCerts(p), 'utf8') });
  if (parsed.kind !== 'run') throw new Error(`service ${name}: kube-apiserver rejects its arguments: ${parsed.kind === 'error' ? parsed.message : 'help'}`);
  // Compose passes an empty value where .env leaves a flag unset (`--ssh-user=`): the apiserver reads that as unset.
  const options = { ...parsed.options, sshUser: parsed.options.sshUser || undefined };
  try {
    return resolveApiserverConfig(options);
  } catch (err) {
    throw new Error(`service ${name}: ${(err as Error).message}`);
  }
}

async function kubeletFacts([name, service]: [string, ComposeService], inCerts: (path: string) => string, clusterCA: string): Promise<KubeletFacts> {
  const argv = service.command.slice(1).map((arg) => arg.replace(/^(--[^=]+=)(\/certs\/.*)$/, (_, flag: string, path: string) => flag + inCerts(path)));
  const parsed = await parseKubeletArgs(argv);
  if (parsed.kind !== 'run') throw new Error(`service ${name}: kubelet rejects its arguments: ${parsed.kind === 'error' ? parsed.message : 'help'}`);
  // Defaults that would come from the dashboard's own host (hostname, address) come from the service instead.
  const config = resolveKubeletConfig({ ...parsed.input, nodeName: parsed.input.nodeName ?? name, nodeIP: parsed.input.nodeIP ?? nodeAddress(service) ?? '0.0.0.0' });
  const servingPem = config.tlsCertFile && existsSync(config.tlsCertFile) ? readFileSync(config.tlsCertFile, 'utf8') : '';
  return {
    nodeName: config.nodeName,
    address: config.address,
    port: config.port,
    readOnlyPort: config.readOnlyPort,
    anonymousAuth: config.anonymousAuth,
    authorizationMode: config.authorizationMode,
    // Without --tls-cert-file the kubelet makes its own certificate when it starts.
    servingCert: servingPem && clusterCA ? servingCertKind(servingPem, clusterCA) : 'self-signed',
  };
}

/** The address a node container has on its network: `--node-ip`, else the first static IPv4 address. */
function nodeAddress(service: ComposeService): string | undefined {
  const flag = service.command.find((a) => a.startsWith('--node-ip='))?.slice('--node-ip='.length);
  return flag || Object.values(service.networks ?? {}).find((n) => n?.ipv4_address)?.ipv4_address;
}

type NodeOf = (service: ComposeService) => { name: string; address: string } | undefined;

function egressFacts(cfg: ApiserverConfig, services: [string, ComposeService][], nodeOf: NodeOf, exists: (path: string) => boolean): EgressFacts {
  const flag = (service: ComposeService, name: string): string | undefined => service.command.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  const running = (bin: string): ComposeService[] => services.filter(([, s]) => s.command?.[0] === bin).map(([, s]) => s);
  if (cfg.sshUser && cfg.sshPrivateKey) {
    return {
      kind: 'ssh',
      port: cfg.sshPort ?? 22,
      daemons: running('hubspoke-sshd').flatMap((s) => {
        const node = nodeOf(s);
        return node ? [{ node: node.name, address: node.address }] : [];
      }),
    };
  }
  if (cfg.egressSelectorConfig === undefined) return { kind: 'direct' };
  const result = readEgressSelectorConfiguration(cfg.egressSelectorConfig, exists);
  if (result.kind === 'invalid') throw new Error(`--egress-selector-config-file: ${result.problems.join(', ')}`);
  const cluster = clusterSelection(result.config);
  if (!cluster || cluster.connection.proxyProtocol !== 'HTTPConnect') return { kind: 'direct' };
  const agents = running('konnectivity-agent');
  const server = running('konnectivity-server')[0];
  const port = (server && flag(server, '--agent-port')) ?? (agents[0] && flag(agents[0], '--proxy-server-port'));
  return {
    kind: 'konnectivity',
    udsName: cluster.connection.transport?.uds?.udsName ?? cluster.connection.transport?.tcp?.url ?? '',
    agentPort: Number(port ?? 8132), // konnectivity-server's default --agent-port
    agents: agents.flatMap((s) => {
      const node = nodeOf(s);
      return node ? [{ node: node.name }] : [];
    }),
  };
}

function activeBlocks(dotenv: ReturnType<typeof readDotenv>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(dotenv.groups).map(([group, blocks]) => {
      const active = Object.entries(blocks).find(([, vars]) => Object.entries(vars).every(([k, v]) => dotenv.active[k] === v));
      return [group, active?.[0] ?? 'custom'];
    }),
  );
}
