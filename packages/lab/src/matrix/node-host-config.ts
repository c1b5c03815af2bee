// What node-host.ts starts on the matrix's node host: every kubelet of one cluster, and each kubelet's side of
// the egress (a Konnectivity agent, or an sshd). Plain JSON, so the runner can hand it to another process.
import type { KubeletConfigInput } from '@hubspoke/kubelet';
import type { EgressMode } from '../egress.ts';

/** One node: its kubelet's configuration (PEMs inline) and the address it serves on. */
export interface NodeHostNode {
  name: string;
  address: string;
  kubelet: KubeletConfigInput;
}

/** The whole node host. */
export interface NodeHostConfig {
  nodes: NodeHostNode[];
  egress: EgressMode;
  /** For `konnectivity`: where the server accepts agents, and the agents' credentials. */
  konnectivity?: { host: string; port: number; caCert: string; agentCert: string; agentKey: string };
  /** For `ssh`: the apiserver's one `--ssh-port`, its login name and its public key (authorized_keys text). */
  ssh?: { port: number; user: string; authorizedKeys: string };
}

/** The line node-host.ts prints once every kubelet serves and every agent is connected. */
export const NODE_HOST_READY = 'node-host ready';
