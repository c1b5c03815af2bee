// The user's side of the matrix: the pods each cluster runs, and what a user does through the apiserver while
// the attacker sits on the path (logs and exec of every node's pod, plain and https: pod proxy requests). What
// comes back is the user's view; the attacker's is in its report.
import type { Cluster } from '../cluster.ts';
import { waitFor } from '../wait.ts';
import { execThroughApiserver } from './apiserver-exec.ts';
import type { NodeTraffic, ProxyTraffic, UserResponse } from './measure.ts';

/** The web pod's plain HTTP and HTTPS ports (the sniffer takes both). */
export const HTTP_PORT = 8080;
export const HTTPS_PORT = 8443;
/** What the impersonator answers on the https: port. */
export const FORGED = 'served by the attacker, not the pod\n';
/** Text every line of the logging pod contains. */
export const LOG_MARKER = 'hello from chatty';

/** A logging pod per node, and one web pod (HTTP on 8080, HTTPS on 8443) on the first; the web pod's IP. */
export async function startPods(cluster: Cluster, nodeNames: string[]): Promise<string> {
  const create = (name: string, nodeName: string, containers: Record<string, unknown>[]) =>
    cluster.admin.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName, containers } });
  await Promise.all([
    ...nodeNames.map((node, i) => create(`chatty-${i + 1}`, node, [{ name: 'chatty', image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] }])),
    create('web', nodeNames[0], [
      { name: 'http', image: 'hubspoke/http-server', ports: [{ containerPort: HTTP_PORT }] },
      { name: 'https', image: 'hubspoke/https-server', ports: [{ containerPort: HTTPS_PORT }] },
    ]),
  ]);
  const names = [...nodeNames.map((_, i) => `chatty-${i + 1}`), 'web'];
  return waitFor(async () => {
    const pods = await cluster.admin.list('/api/v1/namespaces/default/pods');
    const running = pods.items.filter((p) => (p.status as { phase?: string }).phase === 'Running');
    if (!names.every((n) => running.some((p) => p.metadata.name === n))) return undefined;
    return (running.find((p) => p.metadata.name === 'web')!.status as { podIP: string }).podIP;
  }, { timeoutMs: 30_000, intervalMs: 100, what: 'the pods Running' });
}

async function userGet(cluster: Cluster, path: string): Promise<UserResponse> {
  try {
    const res = await cluster.admin.raw('GET', path);
    return { status: res.status, body: res.body.toString('utf8') };
  } catch (err) {
    return { status: null, body: (err as Error).message };
  }
}

/** Logs and an exec of `echo <secret>` on `pod`, as the admin. */
export async function nodeTraffic(cluster: Cluster, pod: string, secret: string): Promise<NodeTraffic> {
  const [logs, exec] = await Promise.all([
    userGet(cluster, `/api/v1/namespaces/default/pods/${pod}/log?tailLines=3`),
    execThroughApiserver(
      { server: cluster.server, caCert: cluster.pki.ca.cert, clientCert: cluster.pki.admin.cert, clientKey: cluster.pki.admin.key },
      { namespace: 'default', pod, container: 'chatty', command: ['echo', secret] },
    ),
  ]);
  return { logs, exec, secret };
}

/** GET the web pod's page over http, and its /healthz over https:. */
export async function proxyTraffic(cluster: Cluster, podIP: string): Promise<ProxyTraffic> {
  const [http, https] = await Promise.all([
    userGet(cluster, `/api/v1/namespaces/default/pods/web:${HTTP_PORT}/proxy/`),
    userGet(cluster, `/api/v1/namespaces/default/pods/https:web:${HTTPS_PORT}/proxy/healthz`),
  ]);
  return { http, https, httpDestination: `${podIP}:${HTTP_PORT}`, httpsDestination: `${podIP}:${HTTPS_PORT}`, forged: FORGED };
}
