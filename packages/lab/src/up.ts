// `hubspoke up`: the single-host lab on fixed, familiar ports, started from a profile with any component flag on
// top, with progress while it starts and a summary for people: what runs where, what is (not) verified, and the
// commands to try next. It also serves the lab API (for the dashboard), and on request runs a man in the middle
// on the first node's path and the dashboard itself.
import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startMitm } from '@hubspoke/attacker';
import type { KubeletConfigInput } from '@hubspoke/kubelet';
import { pino, type Logger } from 'pino';
import { startCluster, type Cluster, type ClusterOptions } from './cluster.ts';
import { startDashboard, type Dashboard } from './dashboard/dashboard-server.ts';
import { createDemo, LAB_TOKENS } from './demo.ts';
import type { EgressMode } from './egress.ts';
import { writeLabConfiguration } from './audit/audit-cluster.ts';
import { startLabApi, type LabApi, type LabAttacker } from './lab-api.ts';
import { writeLabState } from './lab-state.ts';
import { resolveLabFlags, type ResolvedLabFlags } from './overrides.ts';

/** The address the victim node advertises under `--attacker mitm` (its kubelet keeps its own bind address). */
export const MITM_ADDRESS = '127.0.66.1';

/** Attackers `hubspoke up --attacker` can place. */
export const UP_ATTACKERS = ['mitm'] as const;

/** Options of `hubspoke up`. */
export interface UpOptions {
  dir: string;
  port: number;
  nodes: number;
  kubeletPort: number;
  demo: boolean;
  logLevel: string;
  /** One of PROFILE_NAMES (default kubernetes-defaults). */
  profile?: string;
  /** Overrides the profile's egress. */
  egress?: EgressMode;
  /** Component flags applied over the profile, each read by that component's parser. */
  apiserverArgs?: string[];
  kubeletArgs?: string[];
  kubeProxyArgs?: string[];
  /**
   * `mitm`: the first node advertises MITM_ADDRESS while its kubelet binds its own address, and a man in the
   * middle listens there and relays, so the apiserver's kubelet traffic for that node goes through it (C9).
   */
  attacker?: (typeof UP_ATTACKERS)[number];
  /** Also serve the dashboard on this port (0 = any free port). */
  dashboardPort?: number;
}

/** A lab `up` started: the cluster, the lab API, and the attacker and dashboard when asked for. */
export interface RunningLab {
  cluster: Cluster;
  labApi: LabApi;
  attacker?: LabAttacker;
  dashboard?: Dashboard;
  /** Stop everything, the cluster last. */
  close(): Promise<void>;
}

/** Start the lab and print what runs where; resolves with the running lab. */
export async function up(opts: UpOptions, out: NodeJS.WritableStream = process.stdout): Promise<RunningLab> {
  const dir = resolve(opts.dir);
  // Flags first: a refused flag should not cost the previous lab's files.
  const flags = await resolveLabFlags({
    profile: opts.profile ?? 'kubernetes-defaults',
    egress: opts.egress,
    apiserverArgs: opts.apiserverArgs,
    kubeletArgs: opts.kubeletArgs,
    kubeProxyArgs: opts.kubeProxyArgs,
  });
  for (const w of flags.warnings) out.write(`${w}\n`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  out.write(`Starting hubspoke lab in ${dir} (profile ${flags.profile.name}, egress ${flags.options.egress}) …\n`);
  const logFile = resolve(dir, 'lab.log');
  const logger = pino({ level: opts.logLevel }, pino.destination({ dest: logFile, mkdir: true, sync: false }));
  const auditLog = resolve(dir, 'audit.log');
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      ...flags.options,
      dir,
      nodes: opts.nodes,
      tokens: LAB_TOKENS,
      kubeletPort: opts.kubeletPort,
      kubeProxy: true,
      kubeProxyOptions: flags.kubeProxy,
      kubelet: opts.attacker === 'mitm' ? advertiseFirstNodeAt(flags.options.kubelet, MITM_ADDRESS) : flags.options.kubelet,
      apiserver: { securePort: opts.port, auditLogPath: auditLog, logLevel: opts.logLevel, ...flags.options.apiserver },
      onProgress: (stage) => out.write(`  … ${stage}\n`),
      logger,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
    if (e.code === 'EADDRINUSE') {
      const which = e.port === opts.port ? '--port (apiserver)' : e.port === 10255 ? "--kubelet-arg=--read-only-port=… (the kubelets' read-only port)" : '--kubelet-port';
      throw new Error(`port ${e.port ?? opts.port} on ${e.address ?? '127.0.0.1'} is already in use: stop what uses it (another \`hubspoke up\`? try \`hubspoke down\`), or choose another with ${which}`);
    }
    throw err;
  }
  const extras = await startExtras(cluster, opts, { logger, profile: flags.profile.name, progress: (stage) => out.write(`  … ${stage}\n`) });
  const { labApi, attacker, dashboard } = extras;
  if (opts.demo) await createDemo(cluster.admin);
  await writeLabConfiguration(dir, cluster); // for `hubspoke audit`
  await writeLabState(dir, {
    pid: process.pid,
    profile: flags.profile.name,
    egress: flags.options.egress ?? 'direct',
    server: cluster.server,
    adminKubeconfig: cluster.adminKubeconfig,
    kubeconfigs: {
      admin: cluster.adminKubeconfig,
      ...cluster.tokenKubeconfigs,
      ...Object.fromEntries(Object.entries(cluster.paths.nodes).map(([name, p]) => [name, p.kubeconfig])),
    },
    nodes: cluster.kubelets.map((k) => ({
      name: k.nodeName,
      address: k.address,
      port: k.port,
      readOnlyPort: k.readOnlyPort,
      servingCertVerified: Boolean(cluster.apiserver.config.kubeletCertificateAuthority),
    })),
    logFile,
    auditLog,
    startedAt: new Date(started).toISOString(),
    labApi: labApi.url,
    attacker: attacker ? { kind: 'mitm', address: attacker.mitm.address, port: attacker.mitm.port, victim: attacker.victim } : undefined,
    dashboard: dashboard?.url,
  });
  out.write(summary(cluster, flags, { dir, ms: Date.now() - started, auditLog, attacker, dashboard, labApi }));
  return { cluster, labApi, attacker, dashboard, close: extras.close };
}

/** The kubelet settings with the first node advertising `address` (its kubelet still binds its own). */
function advertiseFirstNodeAt(kubelet: ClusterOptions['kubelet'], address: string): ClusterOptions['kubelet'] {
  return (node: string, index: number): Partial<KubeletConfigInput> => {
    const base = typeof kubelet === 'function' ? kubelet(node, index) : kubelet ?? {};
    return index === 0 ? { ...base, nodeIP: address } : base;
  };
}

/** The lab API, and the attacker and dashboard when asked for; on failure, what started is stopped with the cluster. */
async function startExtras(
  cluster: Cluster,
  opts: UpOptions,
  ctx: { logger: Logger; profile: string; progress: (stage: string) => void },
): Promise<{ labApi: LabApi; attacker?: LabAttacker; dashboard?: Dashboard; close(): Promise<void> }> {
  let attacker: LabAttacker | undefined;
  let labApi: LabApi | undefined;
  let dashboard: Dashboard | undefined;
  const close = async (): Promise<void> => {
    await dashboard?.close();
    await labApi?.close();
    await attacker?.mitm.close();
    await cluster.close();
  };
  try {
    if (opts.attacker === 'mitm') {
      const victim = cluster.kubelets[0];
      ctx.progress(`attacker: a man in the middle on ${MITM_ADDRESS}:${victim.port}, relaying to ${victim.nodeName}'s kubelet`);
      const mitm = await startMitm({
        listen: { host: MITM_ADDRESS, port: victim.port },
        upstream: { host: victim.address, port: victim.port },
        logger: ctx.logger.child({ component: 'attacker' }),
      }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') throw new Error(`port ${victim.port} on ${MITM_ADDRESS} is already in use, so the attacker cannot listen there: stop what uses it, or choose another --kubelet-port`);
        throw err;
      });
      attacker = { mitm, victim: victim.nodeName };
    }
    labApi = await startLabApi({ cluster, profile: ctx.profile, attacker });
    if (opts.dashboardPort !== undefined) {
      dashboard = await startDashboard({ dir: opts.dir, port: opts.dashboardPort }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') throw new Error(`port ${opts.dashboardPort} on 127.0.0.1 is already in use: choose another with --dashboard-port`);
        throw err;
      });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { labApi, attacker, dashboard, close };
}

interface SummaryInfo {
  dir: string;
  ms: number;
  auditLog: string;
  attacker?: LabAttacker;
  dashboard?: Dashboard;
  labApi: LabApi;
}

function summary(cluster: Cluster, flags: ResolvedLabFlags, info: SummaryInfo): string {
  const cfg = cluster.apiserver.config;
  const verified = Boolean(cfg.kubeletCertificateAuthority);
  const egress = flags.options.egress ?? 'direct';
  const nodes = cluster.kubelets
    .map((k) => {
      const kc = k.config;
      const auth = kc.anonymousAuth ? `anonymous ALLOWED, authorization ${kc.authorizationMode}` : `anonymous off, authorization ${kc.authorizationMode}`;
      const ro = k.readOnlyPort ? `; read-only port ${k.readOnlyPort} OPEN (no authentication)` : '';
      const cert = verified ? 'serving cert verified by the apiserver' : 'serving cert NOT verified by the apiserver (no --kubelet-certificate-authority)';
      const advertised = k.config.nodeIP !== k.address ? ` (advertised as ${k.config.nodeIP})` : '';
      return `  ${k.nodeName.padEnd(9)} https://${k.address}:${k.port}${advertised}  ${cert}; ${auth}${ro}`;
    })
    .join('\n');
  const path = egress === 'konnectivity'
    ? `through Konnectivity: server socket ${cluster.konnectivity!.server.udsName}, agents ${cluster.konnectivity!.agents.map((a) => a.agentId).join(', ')} dial out to port ${cluster.konnectivity!.server.agentPort}`
    : egress === 'ssh'
      ? `through SSH tunnels (deprecated) to each node's sshd on port ${cluster.ssh!.port}; host keys NOT checked`
      : 'direct: the apiserver dials each kubelet';
  const kc = cluster.adminKubeconfig;
  return `
hubspoke lab is up in ${info.ms} ms — profile ${flags.profile.name}
  ${flags.profile.summary}
  apiserver ${cluster.server}  authorization ${cfg.authorizationModes.join(',')}; anonymous auth ${cfg.anonymousAuth ? 'on' : 'off'}; audit log ${info.auditLog}
  apiserver → kubelets: ${path}
${nodes}
${attackerLines(cluster, info)}  kube-proxy  user space, one for the host: ${cluster.kubeProxy?.listeners().map((l) => `${l.address}:${l.port}`).join(', ') || 'no listeners'}
  users       admin: ${kc}
              alice (no RBAC permissions): ${cluster.tokenKubeconfigs['alice']}
              bob (may view default):      ${cluster.tokenKubeconfigs['bob']}
  logs        hubspoke logs kube-apiserver | kubelet | kube-proxy${egress === 'konnectivity' ? ' | konnectivity-server | konnectivity-agent' : egress === 'ssh' ? ' | sshd' : ''}   (all in ${info.dir}/lab.log)

Try:
  export KUBECONFIG=${kc}
  kubectl get nodes -o wide
  kubectl get pods -A -o wide
  kubectl logs logger --tail=3
  kubectl exec shell -- sh -c 'echo hello from $(hostname)'
  kubectl auth whoami
  kubectl --kubeconfig ${cluster.tokenKubeconfigs['alice']} get pods     # Forbidden, as Kubernetes words it
  kubectl logs api-client     # a pod calling the apiserver through the kubernetes Service VIP: Forbidden…
  kubectl create rolebinding api-client-view --clusterrole=view --serviceaccount=default:default
  kubectl logs api-client     # …and now it lists pods as system:serviceaccount:default:default
  hubspoke status             # in another terminal; \`hubspoke down\` stops the lab
  hubspoke audit              # the CIS controls on this path, and which attacks this configuration lets through
  ${info.dashboard ? `open ${info.dashboard.url}   # the dashboard: topology, paths, bytes, what the attacker reads` : `hubspoke dashboard          # the live topology in a browser (lab API ${info.labApi.url})`}

Ctrl-C stops the lab.
`;
}

function attackerLines(cluster: Cluster, info: SummaryInfo): string {
  const lines: string[] = [];
  const a = info.attacker;
  if (a) {
    const victim = cluster.kubelets.find((k) => k.nodeName === a.victim)!;
    const verified = Boolean(cluster.apiserver.config.kubeletCertificateAuthority);
    lines.push(`  attacker    man in the middle on ${a.mitm.address}:${a.mitm.port}, the address ${a.victim} advertises; it relays to ${victim.address}:${victim.port}`);
    lines.push(
      verified
        ? '              the apiserver verifies kubelets (--kubelet-certificate-authority): it refuses the attacker\'s certificate, so the attacker reads nothing (C10)'
        : `              kubectl logs/exec/attach on ${a.victim}'s pods now go through it, in plaintext (C9)`,
    );
    if (!verified && !victim.config.anonymousAuth) {
      lines.push(`              ${a.victim}'s kubelet authenticates its clients and the attacker cannot pass on the apiserver's client certificate: it reads each request, but the kubelet answers it 401 (C10's last remedy). --profile wide-open lets it read logs and exec too`);
    }
  }
  if (info.dashboard) lines.push(`  dashboard   ${info.dashboard.url}`);
  return lines.map((l) => `${l}\n`).join('');
}
