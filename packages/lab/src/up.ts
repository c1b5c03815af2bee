// `hubspoke up`: the single-host lab on fixed, familiar ports, started from a profile with any component flag on
// top, with progress while it starts and a summary for people: what runs where, what is (not) verified, and the
// commands to try next.
import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { startCluster, type Cluster } from './cluster.ts';
import { createDemo, LAB_TOKENS } from './demo.ts';
import type { EgressMode } from './egress.ts';
import { writeLabConfiguration } from './audit/audit-cluster.ts';
import { writeLabState } from './lab-state.ts';
import { resolveLabFlags, type ResolvedLabFlags } from './overrides.ts';

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
}

/** Start the lab and print what runs where; resolves with the running cluster. */
export async function up(opts: UpOptions, out: NodeJS.WritableStream = process.stdout): Promise<Cluster> {
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
  });
  out.write(summary(cluster, flags, { dir, ms: Date.now() - started, auditLog }));
  return cluster;
}

function summary(cluster: Cluster, flags: ResolvedLabFlags, info: { dir: string; ms: number; auditLog: string }): string {
  const cfg = cluster.apiserver.config;
  const verified = Boolean(cfg.kubeletCertificateAuthority);
  const egress = flags.options.egress ?? 'direct';
  const nodes = cluster.kubelets
    .map((k) => {
      const kc = k.config;
      const auth = kc.anonymousAuth ? `anonymous ALLOWED, authorization ${kc.authorizationMode}` : `anonymous off, authorization ${kc.authorizationMode}`;
      const ro = k.readOnlyPort ? `; read-only port ${k.readOnlyPort} OPEN (no authentication)` : '';
      const cert = verified ? 'serving cert verified by the apiserver' : 'serving cert NOT verified by the apiserver (no --kubelet-certificate-authority)';
      return `  ${k.nodeName.padEnd(9)} https://${k.address}:${k.port}  ${cert}; ${auth}${ro}`;
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
  kube-proxy  user space, one for the host: ${cluster.kubeProxy?.listeners().map((l) => `${l.address}:${l.port}`).join(', ') || 'no listeners'}
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

Ctrl-C stops the lab.
`;
}
