// `rogue-node` over real sockets: node-2's owner gets a cluster-signed serving certificate through the
// certificates API (CN system:node:node-2, node-1's address among its IPs; the admin approves it without
// checking IPs), then answers where the apiserver dials node-1. `--kubelet-certificate-authority` alone accepts
// it — chain and address both check out — and kubectl prints the rogue's log text. With KubeletCertCNValidation
// (KEP-4872) the apiserver refuses a certificate that is not node-1's, while node-1's own still works.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeCertificate } from '@hubspoke/pki';
import { startCluster, type Cluster } from '@hubspoke/lab';
import { startRogueNode, DEFAULT_FORGED_LOG } from '../packages/attacker/src/rogue-node/rogue-node.ts';
import { submitServingCsr, waitForIssuedCertificate } from '../packages/attacker/src/rogue-node/serving-csr.ts';
import { kubectl } from './support/kubectl.ts';
import { freePortOn } from './support/net.ts';
import { waitRunning } from './support/pods.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

interface Lab {
  c: Cluster;
  /** node-1's advertised address (the one in its Node status and its serving certificate). */
  node1: string;
  node2: string;
  port: number;
}

/**
 * Two nodes on `prefix`.1 and `prefix`.2, kubelet serving certificates from the cluster CA, verified by the
 * apiserver. node-1's kubelet binds `prefix`.101 but advertises `prefix`.1: on one host, that is how the
 * rogue gets node-1's address (across hosts: ARP or route poisoning, or an IP that moved).
 */
async function lab(prefix: string, gates: Record<string, boolean>): Promise<Lab> {
  const node1 = `${prefix}.1`;
  const node2 = `${prefix}.2`;
  const bind1 = `${prefix}.101`;
  const port = await freePortOn([node1, node2, bind1]);
  const c = await startCluster({
    nodes: 2,
    nodeAddressPrefix: prefix,
    kubeletPort: port,
    kubeletServingCerts: 'cluster-ca',
    verifyKubelets: true,
    apiserver: { featureGates: gates },
    kubelet: (node) => (node === 'node-1' ? { address: bind1 } : {}),
  });
  open.push(c);
  await c.admin.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'chatty' },
    spec: { nodeName: 'node-1', containers: [{ name: 'chatty', image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] }] },
  });
  await waitRunning(c, 'chatty');
  return { c, node1, node2, port };
}

/** node-2's owner asks for a serving certificate naming node-1's address too; the admin approves it. */
async function rogueCertificate(l: Lab): Promise<{ cert: string; key: string }> {
  const identity = { server: l.c.server, caCert: l.c.pki.ca.cert, clientCert: l.c.pki.nodes['node-2'].client.cert, clientKey: l.c.pki.nodes['node-2'].client.key };
  const csr = await submitServingCsr({ ...identity, nodeName: 'node-2', ipAddresses: [l.node2, l.node1], csrName: 'node-2-serving' });
  const approve = await kubectl(['certificate', 'approve', csr.name], { kubeconfig: l.c.adminKubeconfig });
  expect(approve.stdout).toBe(`certificatesigningrequest.certificates.k8s.io/${csr.name} approved\n`);
  const cert = await waitForIssuedCertificate({ ...identity, name: csr.name });
  return { cert, key: csr.key };
}

describe('a rogue node with a cluster-signed certificate for another node’s address', () => {
  it('is accepted by --kubelet-certificate-authority alone, and the user reads its forged logs', async () => {
    const l = await lab('127.0.41', {});
    const tls = await rogueCertificate(l);
    expect(describeCertificate(tls.cert)).toMatchObject({ commonName: 'system:node:node-2', organizations: ['system:nodes'], ipAddresses: [l.node2, l.node1] });
    const rogue = await startRogueNode({ listen: { host: l.node1, port: l.port }, tls });
    open.push(rogue);

    const logs = await kubectl(['logs', 'chatty'], { kubeconfig: l.c.adminKubeconfig });
    expect(logs).toEqual({ code: 0, stdout: DEFAULT_FORGED_LOG, stderr: '' });
    // The apiserver sent the rogue its kubelet client certificate and the pod it was after.
    expect(rogue.connections()[0].clientCN).toBe('kube-apiserver-kubelet-client');
    expect(rogue.requests().map((r) => r.target)).toEqual(['/containerLogs/default/chatty/chatty']);
  }, 60_000);

  it('is refused once KubeletCertCNValidation checks whose certificate it is, while node-1’s own passes', async () => {
    const l = await lab('127.0.42', { KubeletCertCNValidation: true });
    const tls = await rogueCertificate(l);
    const rogue = await startRogueNode({ listen: { host: l.node1, port: l.port }, tls });
    open.push(rogue);

    const refused = await kubectl(['logs', 'chatty'], { kubeconfig: l.c.adminKubeconfig });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim()).toBe(
      `Error from server: Get "https://${l.node1}:${l.port}/containerLogs/default/chatty/chatty": ` +
        'kubelet serving certificate CN "system:node:node-2" does not match node "node-1" (want "system:node:node-1")',
    );
    // The check runs after the handshake and before the request: the rogue learns nothing.
    expect(rogue.requests()).toEqual([]);
    await rogue.close();

    // The network heals (a plain TCP path to node-1's real kubelet): node-1's own certificate passes the check.
    const relay = await tcpRelay({ host: l.node1, port: l.port }, { host: '127.0.42.101', port: l.port });
    open.push(relay);
    const real = await kubectl(['logs', 'chatty', '--tail=1'], { kubeconfig: l.c.adminKubeconfig });
    expect(real.stderr).toBe('');
    // --tail=1 starts at the last line and reads to the end, as the kubelet does: a line written meanwhile comes too.
    expect(real.stdout).toMatch(/^(\d+ \S+ hello from chatty\n)+$/);
  }, 60_000);
});

/** Bytes from `listen` to `upstream`, untouched (no TLS termination). */
async function tcpRelay(listen: { host: string; port: number }, upstream: { host: string; port: number }): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(upstream);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.once('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(listen.port, listen.host, resolve));
  return {
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
