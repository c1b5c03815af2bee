// `hubspoke up`: the single-host lab on fixed, familiar ports, with a summary for people.
import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { startCluster, type Cluster } from './cluster.ts';
import { createDemo, LAB_TOKENS } from './demo.ts';

/** Options of `hubspoke up`. */
export interface UpOptions {
  dir: string;
  port: number;
  nodes: number;
  kubeletPort: number;
  demo: boolean;
  logLevel: string;
}

/** Start the lab and print what runs where; resolves with the running cluster. */
export async function up(opts: UpOptions, out: NodeJS.WritableStream = process.stdout): Promise<Cluster> {
  const dir = resolve(opts.dir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  out.write(`Starting hubspoke lab in ${dir} …\n`);
  const logger = pino({ level: opts.logLevel }, pino.destination({ dest: resolve(dir, 'lab.log'), mkdir: true, sync: false }));
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      dir,
      nodes: opts.nodes,
      tokens: LAB_TOKENS,
      kubeletPort: opts.kubeletPort,
      kubeProxy: true,
      apiserver: { securePort: opts.port, auditLogPath: resolve(dir, 'audit.log'), logLevel: opts.logLevel },
      logger,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
    if (e.code === 'EADDRINUSE') {
      throw new Error(`port ${e.port ?? opts.port} on ${e.address ?? '127.0.0.1'} is already in use: stop what uses it, or choose another with --port (apiserver) or --kubelet-port`);
    }
    throw err;
  }
  if (opts.demo) await createDemo(cluster.admin);
  const ms = Date.now() - started;
  const kc = cluster.adminKubeconfig;
  const nodes = cluster.kubelets
    .map((k) => `  ${k.nodeName.padEnd(8)} https://${k.address}:${k.port}  kubelet serving cert: self-signed (NOT verified by the apiserver: no --kubelet-certificate-authority)`)
    .join('\n');
  out.write(`
hubspoke lab is up in ${ms} ms (profile kubernetes-defaults)
  apiserver ${cluster.server}  authorization Node,RBAC; anonymous auth on; audit log ${resolve(dir, 'audit.log')}
${nodes}
  admin kubeconfig  ${kc}
  kube-proxy        user space, one for the host: ${cluster.kubeProxy?.listeners().map((l) => `${l.address}:${l.port}`).join(', ') || 'no listeners'}
  users             alice (no RBAC permissions): ${cluster.tokenKubeconfigs['alice']}
                    bob (may view default):      ${cluster.tokenKubeconfigs['bob']}

Try:
  export KUBECONFIG=${kc}
  kubectl get nodes -o wide
  kubectl get pods -A -o wide
  kubectl get pods -w
  kubectl run hello --image=nginx
  kubectl auth whoami
  kubectl create token default
  kubectl --kubeconfig ${cluster.tokenKubeconfigs['alice']} get pods     # Forbidden, as Kubernetes words it
  kubectl --kubeconfig ${cluster.tokenKubeconfigs['bob']} auth can-i --list
  kubectl logs api-client     # a pod calling the apiserver through the kubernetes Service VIP: Forbidden…
  kubectl create rolebinding api-client-view --clusterrole=view --serviceaccount=default:default
  kubectl logs api-client     # …and now it lists pods as system:serviceaccount:default:default

Ctrl-C stops the lab.
`);
  return cluster;
}
