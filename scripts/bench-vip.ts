// The "pod → VIP → apiserver" part of `npm run bench`: what in-cluster clients pay for reaching the apiserver
// through the `kubernetes` Service (ClusterIP:443, relayed by the user-space kube-proxy) instead of dialling the
// apiserver's own address. The client is what a pod has — a ServiceAccount token from a TokenRequest and the
// cluster CA, no client certificate — and the same code, concurrency and agent settings drive both paths, once
// with keep-alive and once with a new connection (and full TLS handshake) per request, since the proxy's work is
// per connection: an accept, an endpoint dial, and two sockets to pump. Runnable alone: `npx tsx scripts/bench-vip.ts`.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startCluster, type Cluster } from '@hubspoke/lab';
import type { BenchRow } from './bench-streams.ts';
import { median, requestRate } from './bench-support.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
// A full TLS handshake per request is ~10× slower: fewer of them keep the run short.
const CONNECTIONS = Number(process.env.BENCH_VIP_CONNECTIONS ?? 500);
const WARM_UP = 200;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
// Direct and VIP are measured back to back this many times; the figures are medians, and the ratio is the median
// of each run's own VIP/direct, so a neighbour's burst on the shared cores cancels out rather than landing on one path.
const RUNS = Number(process.env.BENCH_VIP_RUNS ?? 5);
// Not the lab default (127.96/16, `hubspoke up`) nor the tests' 127.97 and 127.98: a cluster of its own.
const SERVICE_RANGE = '127.99.0.0/16';
const NAMESPACE = 'default';
const PATH = `/api/v1/namespaces/${NAMESPACE}/pods`;

/** Why this host cannot listen on port 443, or undefined when it can. */
function cannotBind443(): string | undefined {
  if (process.getuid?.() === 0) return undefined;
  let start = 1024;
  try {
    start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  } catch {
    // Not Linux: privileged ports are root's.
  }
  if (start <= 443) return undefined;
  return `kube-proxy must listen on ClusterIP:443, which needs root or net.ipv4.ip_unprivileged_port_start ≤ 443 (uid ${process.getuid?.()}, start ${start})`;
}

/** Requests per second for a pod's GETs (bearer token, cluster CA); rejects on any answer but 200. */
function rate(opts: { url: string; agent: Agent | false; ca: string; token: string; requests: number }): Promise<number> {
  return requestRate({ ...opts, concurrency: CONCURRENCY, headers: { authorization: `Bearer ${opts.token}` }, expectStatus: 200 });
}

/** A token for `default/default` as the kubelet would ask for one, allowed to list pods in its namespace. */
async function podCredentials(cluster: Cluster): Promise<string> {
  await cluster.admin.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NAMESPACE}/roles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'bench-pod-reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
  });
  await cluster.admin.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NAMESPACE}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'bench-pod-reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'bench-pod-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: NAMESPACE }],
  });
  const review = await cluster.admin.create(`/api/v1/namespaces/${NAMESPACE}/serviceaccounts/default/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  return (review.status as { token: string }).token;
}

type Path = 'direct' | 'vip';
type Mode = 'keepAlive' | 'perRequest';

/** The bench rows; one "skipped" row, saying why, when port 443 is out of reach. */
export async function benchVip(): Promise<BenchRow[]> {
  const blocked = cannotBind443();
  if (blocked) {
    console.error(`pod → VIP → apiserver: skipped: ${blocked}`);
    return [['pod → VIP → apiserver (kube-proxy)', 'skipped', blocked]];
  }

  const cluster = await startCluster({ nodes: 1, kubeProxy: true, apiserver: { serviceClusterIPRange: SERVICE_RANGE } });
  const keepAlive = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const token = await podCredentials(cluster);
    const service = await cluster.admin.get('/api/v1/namespaces/default/services/kubernetes');
    const clusterIP = (service.spec as { clusterIP: string }).clusterIP;
    // What a pod's KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT gives it, and the address its EndpointSlice names.
    const urls: Record<Path, string> = { vip: `https://${clusterIP}:443${PATH}`, direct: `${cluster.server}${PATH}` };
    const ca = cluster.pki.ca.cert;
    // perRequest has no agent: a pooled one, even without keep-alive, hands a just-freed socket to the next queued
    // request, and caches TLS sessions, which client-go does not. So each request is a new TCP and TLS handshake.
    const modes: Record<Mode, { agent: Agent | false; requests: number }> = {
      keepAlive: { agent: keepAlive, requests: REQUESTS },
      perRequest: { agent: false, requests: CONNECTIONS },
    };
    const samples: Record<Path, Record<Mode, number[]>> = { direct: { keepAlive: [], perRequest: [] }, vip: { keepAlive: [], perRequest: [] } };

    for (const path of ['direct', 'vip'] as const) {
      for (const mode of ['keepAlive', 'perRequest'] as const) await rate({ url: urls[path], ca, token, ...modes[mode], requests: WARM_UP });
    }
    const stats = cluster.kubeProxy!.stats;
    const acceptedBefore = stats.connectionsAccepted;
    for (let run = 0; run < RUNS; run++) {
      for (const mode of ['keepAlive', 'perRequest'] as const) {
        for (const path of ['direct', 'vip'] as const) samples[path][mode].push(await rate({ url: urls[path], ca, token, ...modes[mode] }));
      }
    }
    // Proof the VIP figures went through kube-proxy: at least one accepted connection per new-connection request.
    const accepted = stats.connectionsAccepted - acceptedBefore;
    if (accepted < RUNS * CONNECTIONS) throw new Error(`kube-proxy accepted ${accepted} connections, expected ≥ ${RUNS * CONNECTIONS}`);

    const figure = (path: Path, mode: Mode) => median(samples[path][mode]);
    const reqs = (n: number) => `${n.toFixed(0)} req/s`;
    const ratio = (mode: Mode) => {
      const perRun = samples.vip[mode].map((vip, run) => vip / samples.direct[mode][run]);
      return `${median(perRun).toFixed(2)} × direct (VIP/direct, run by run: ${perRun.map((r) => r.toFixed(2)).join(' ')})`;
    };
    const what = `LIST pods with a SA token, median of ${RUNS}`;
    const vip = `pod → VIP ${clusterIP}:443 → kube-proxy → apiserver`;
    return [
      [`pod → apiserver address directly (${what}, keep-alive)`, reqs(figure('direct', 'keepAlive')), '1.00 (baseline of the next row)'],
      [`${vip} (same, keep-alive)`, reqs(figure('vip', 'keepAlive')), ratio('keepAlive')],
      [`pod → apiserver address directly (${what}, new TLS connection per request)`, reqs(figure('direct', 'perRequest')), '1.00 (baseline of the next row)'],
      [`${vip} (same, new TLS connection per request)`, reqs(figure('vip', 'perRequest')), ratio('perRequest')],
    ];
  } finally {
    keepAlive.destroy();
    await cluster.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const rows = await benchVip();
  console.log(`hubspoke bench (VIP), ${new Date().toISOString().slice(0, 10)}, ${CONCURRENCY} clients, ${REQUESTS} requests each keep-alive rate, ${CONNECTIONS} each per-connection rate`);
  console.log('| measurement | figure | ratio |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}
