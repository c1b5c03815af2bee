// The matrix's node host, a program: `node --import tsx node-host.ts <config.json | JSON>`, run inside the node
// network namespace. One process starts every kubelet of a cluster (each on its own address) and, per node, the
// node side of the egress: a Konnectivity agent that dials the server from here and reaches its kubelet and pods
// locally, or an sshd on the node's address. One process per cluster keeps the matrix's cost at one start each.
// The runner starts it before the control plane exists, so its modules load meanwhile: a config file named but
// not there yet is waited for (the runner renames it into place whole). Prints NODE_HOST_READY once all of it
// runs; SIGTERM stops everything.
import { existsSync, readFileSync } from 'node:fs';
import { startKonnectivityAgent, type KonnectivityAgent } from '@hubspoke/konnectivity';
import { startKubelet, type KubeletHandle } from '@hubspoke/kubelet';
import { generateHostKeyPem, startSshd, type Sshd } from '@hubspoke/sshd';
import { pino } from 'pino';
import { NODE_HOST_READY, type NodeHostConfig } from './node-host-config.ts';

const argument = process.argv[2];
if (!argument) {
  process.stderr.write('usage: node-host <config.json | JSON>\n');
  process.exit(2);
}
const config = JSON.parse(argument.trimStart().startsWith('{') ? argument : await whenWritten(argument)) as NodeHostConfig;
const logger = pino({ level: process.env.NODE_HOST_LOG_LEVEL ?? 'warn' }, pino.destination(2));

const kubelets: KubeletHandle[] = [];
const agents: KonnectivityAgent[] = [];
const sshds: Sshd[] = [];
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await Promise.allSettled([...agents.map((a) => a.close()), ...sshds.map((s) => s.close()), ...kubelets.map((k) => k.stop())]);
  }
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

try {
  kubelets.push(...(await Promise.all(config.nodes.map((n) => startKubelet(n.kubelet, { logger })))));
  if (config.egress === 'konnectivity') {
    const k = config.konnectivity!;
    for (const n of config.nodes) {
      agents.push(
        await startKonnectivityAgent({
          proxyServerHost: k.host,
          proxyServerPort: k.port,
          caCert: k.caCert,
          agentCert: k.agentCert,
          agentKey: k.agentKey,
          agentId: n.name,
          agentIdentifiers: `ipv4=${n.address}&host=${n.name}`,
          logger: logger.child({ component: 'konnectivity-agent', node: n.name }),
        }),
      );
    }
    await Promise.all(agents.map((a) => a.whenConnected(20_000)));
  }
  if (config.egress === 'ssh') {
    const s = config.ssh!;
    sshds.push(
      ...(await Promise.all(
        config.nodes.map((n) =>
          startSshd({ hostKeys: [generateHostKeyPem(`root@${n.name}`)], authorizedKeys: s.authorizedKeys, listenAddress: n.address, port: s.port, user: s.user, logger: logger.child({ node: n.name }) }),
        ),
      )),
    );
  }
  await Promise.all(kubelets.map((k) => k.ready));
  process.stdout.write(`${NODE_HOST_READY} ${JSON.stringify(kubelets.map((k) => ({ node: k.nodeName, port: k.port, readOnlyPort: k.readOnlyPort })))}\n`);
} catch (err) {
  process.stderr.write(`node-host: ${(err as Error).stack ?? String(err)}\n`);
  await stop(1);
}

async function whenWritten(path: string, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) {
      process.stderr.write(`node-host: ${path} did not appear within ${timeoutMs} ms\n`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return readFileSync(path, 'utf8');
}
