// `hubspoke certs`: a cluster's PKI and kubeconfigs on disk, for starting the binaries by hand or from
// docker-compose.yml (kubeadm-like layout; keys 0600).
import { createClusterPki, writeClusterPki, type PkiPaths } from '@hubspoke/pki';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_TOKENS } from './demo.ts';

/** Options of `hubspoke certs`. */
export interface CertsOptions {
  dir: string;
  /** Addresses the apiserver is reached at (SANs), e.g. its container IP. */
  apiserverAddresses: string[];
  /** The URL written into kubeconfigs. */
  server: string;
  serviceClusterIP: string;
  /** `name=address` pairs. */
  nodes: { name: string; address: string }[];
}

/** Write the PKI, kubeconfigs and the lab's token file; returns the paths. */
export async function writeCerts(opts: CertsOptions): Promise<PkiPaths & { tokenFile: string }> {
  const pki = await createClusterPki({
    apiserver: { ipAddresses: ['127.0.0.1', ...opts.apiserverAddresses], dnsNames: ['apiserver'] },
    serviceClusterIP: opts.serviceClusterIP,
    nodes: opts.nodes.map((n) => ({ name: n.name, addresses: [n.address] })),
  });
  const paths = await writeClusterPki(opts.dir, pki, { server: opts.server });
  const tokenFile = join(opts.dir, 'tokens.csv');
  await writeFile(tokenFile, LAB_TOKENS.map((t) => `${t.token},${t.user},${t.uid},"${(t.groups ?? []).join(',')}"`).join('\n') + '\n', { mode: 0o600 });
  return { ...paths, tokenFile };
}
