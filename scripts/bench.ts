// npm run bench: start-up, request-rate and streaming figures for the in-process cluster, each printed with a ratio
// against a baseline measured in the same run on the same machine.
import { Agent, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { startCluster } from '@hubspoke/lab';
import { createCA, issueCertificate } from '@hubspoke/pki';
import { benchEgress } from './bench-egress.ts';
import { benchStreams } from './bench-streams.ts';
import { benchVip } from './bench-vip.ts';
import { benchLab } from './bench-lab.ts';
import { median, requestRate } from './bench-support.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

function rate(url: string, agent: Agent, ca: string): Promise<number> {
  return requestRate({ url, agent, ca, requests: REQUESTS, concurrency: CONCURRENCY });
}

async function main(): Promise<void> {
  // 1. Start-up: nothing → fresh PKI, apiserver, two Ready nodes.
  const starts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const c = await startCluster({ nodes: 2 });
    starts.push(performance.now() - t0);
    await c.close();
  }
  const start = median(starts);

  // 2. Request rates: the apiserver against a bare HTTPS server with the same TLS (baseline).
  const cluster = await startCluster({ nodes: 2 });
  for (let i = 0; i < 100; i++) {
    await cluster.admin.create('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { i: String(i) } });
  }
  const ca = await createCA({ commonName: 'bench' });
  const leaf = await issueCertificate({ ca, commonName: 'localhost', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const body = JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x' }, data: { a: '1' } });
  const bare = createServer({ key: leaf.key, cert: leaf.cert }, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `https://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, cert: cluster.pki.admin.cert, key: cluster.pki.admin.key });
  const bareAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  await rate(bareUrl, bareAgent, ca.cert); // warm-up
  const baseline = await rate(bareUrl, bareAgent, ca.cert);
  const get = await rate(`${cluster.server}/api/v1/namespaces/default/configmaps/cm-1`, agent, cluster.pki.ca.cert);
  const list = await rate(`${cluster.server}/api/v1/namespaces/default/configmaps`, agent, cluster.pki.ca.cert);
  agent.destroy();
  bareAgent.destroy();
  bare.close();
  await cluster.close();

  // 3. Streams through apiserver → kubelet → pod (a fresh cluster of its own).
  const streams = await benchStreams();

  // 4. In-cluster clients: the apiserver through the kubernetes Service's VIP (kube-proxy) against directly.
  const vip = await benchVip();

  // 5. The same streams over each egress (direct, Konnectivity, SSH tunnels), as ratios to direct.
  const egress = await benchEgress();

  // 6. The lab as people use it: `hubspoke up` to Ready, and the whole flag matrix.
  const lab = await benchLab();

  const rows = [
    ['in-process cluster: nothing → 2 Ready nodes', `${start.toFixed(0)} ms (median of ${RUNS})`, `${(start / 300).toFixed(2)} × the 300 ms target`],
    ['baseline: bare Node HTTPS server, fixed JSON', `${baseline.toFixed(0)} req/s`, '1.00'],
    ['apiserver GET configmap (x509 auth, RBAC)', `${get.toFixed(0)} req/s`, `${(get / baseline).toFixed(2)} × baseline`],
    ['apiserver LIST 100 configmaps', `${list.toFixed(0)} req/s`, `${(list / baseline).toFixed(2)} × baseline`],
    ...streams,
    ...vip,
    ...egress,
    ...lab,
  ];
  console.log(`hubspoke bench, ${new Date().toISOString().slice(0, 10)}, ${CONCURRENCY} clients, ${REQUESTS} requests each rate`);
  console.log('| measurement | figure | ratio |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

await main();
