// Test support: a docker-compose lab on disk, shaped like the repository's (docker-compose.yml, .env with its
// `# egress: …` and `# kubelet-ca: …` blocks, a certs folder from `hubspoke certs`), written by the tests
// themselves so they do not follow the repository's copies. node-1's kubelet serves the cluster-CA certificate
// `hubspoke certs` wrote for it; node-2's makes its own.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCerts } from '../../certs.ts';
import type { ComposeFiles } from '../compose-config.ts';

/** The .env blocks a test can switch between. */
export interface ComposeChoice {
  egress: 'direct' | 'konnectivity' | 'ssh';
  kubeletCa: 'unverified' | 'verified';
}

const node = (n: number, tls: boolean): string => `
  node-${n}:
    image: hubspoke:dev
    command:
      - kubelet
      - --kubeconfig=/certs/nodes/node-${n}/kubelet.conf
      - --hostname-override=node-${n}
      - --node-ip=172.28.0.1${n}
      - --port=10250${tls ? `\n      - --tls-cert-file=/certs/nodes/node-${n}/pki/kubelet.crt\n      - --tls-private-key-file=/certs/nodes/node-${n}/pki/kubelet.key` : ''}
    networks:
      lab:
        ipv4_address: 172.28.0.1${n}
  node-${n}-konnectivity-agent:
    image: hubspoke:dev
    profiles: [konnectivity]
    network_mode: service:node-${n}
    command:
      - konnectivity-agent
      - --proxy-server-host=172.28.0.10
      - --proxy-server-port=8132
      - --agent-id=node-${n}
  node-${n}-sshd:
    image: hubspoke:dev
    profiles: [ssh]
    network_mode: service:node-${n}
    command:
      - hubspoke-sshd
      - --port=22
      - --host-key-file=/certs/nodes/node-${n}/ssh/ssh_host_ed25519_key
`;

/** docker-compose.yml for the fixture. */
export const COMPOSE_TEXT = `name: hubspoke
networks:
  lab:
    ipam:
      config:
        - subnet: 172.28.0.0/24
services:
  apiserver:
    image: hubspoke:dev
    command:
      - kube-apiserver
      - --secure-port=443
      - --advertise-address=172.28.0.10
      - --tls-cert-file=/certs/pki/apiserver.crt
      - --tls-private-key-file=/certs/pki/apiserver.key
      - --client-ca-file=/certs/pki/ca.crt
      - --authorization-mode=Node,RBAC
      - --anonymous-auth=false
      - --kubelet-client-certificate=/certs/pki/apiserver-kubelet-client.crt
      - --kubelet-client-key=/certs/pki/apiserver-kubelet-client.key
      - --kubelet-certificate-authority=\${HUBSPOKE_KUBELET_CA}
      - --egress-selector-config-file=\${HUBSPOKE_EGRESS_CONFIG}
      - --ssh-user=\${HUBSPOKE_SSH_USER}
      - --ssh-keyfile=\${HUBSPOKE_SSH_USER:+/certs/ssh/id_ed25519}
      - --ssh-known-hosts-file=\${HUBSPOKE_SSH_USER:+/certs/ssh/known_hosts}
      - --ssh-port=22
    networks:
      lab:
        ipv4_address: 172.28.0.10
  konnectivity-server:
    image: hubspoke:dev
    profiles: [konnectivity]
    network_mode: service:apiserver
    command:
      - konnectivity-server
      - --uds-name=/etc/kubernetes/konnectivity-server/konnectivity-server.socket
      - --agent-port=8132
${node(1, true)}${node(2, false)}`;

const EGRESS: Record<ComposeChoice['egress'], Record<string, string>> = {
  direct: { COMPOSE_PROFILES: '', HUBSPOKE_EGRESS_CONFIG: '', HUBSPOKE_SSH_USER: '' },
  konnectivity: { COMPOSE_PROFILES: 'konnectivity', HUBSPOKE_EGRESS_CONFIG: '/certs/egress-selector-configuration.yaml', HUBSPOKE_SSH_USER: '' },
  ssh: { COMPOSE_PROFILES: 'ssh', HUBSPOKE_EGRESS_CONFIG: '', HUBSPOKE_SSH_USER: 'kube-apiserver' },
};
const KUBELET_CA: Record<ComposeChoice['kubeletCa'], Record<string, string>> = {
  unverified: { HUBSPOKE_KUBELET_CA: '' },
  verified: { HUBSPOKE_KUBELET_CA: '/certs/pki/ca.crt' },
};

/** .env with every block written out and `choice`'s uncommented, as the repository's .env is edited. */
export function dotenvText(choice: ComposeChoice): string {
  const block = (group: string, name: string, vars: Record<string, string>, active: boolean): string =>
    [`# ${group}: ${name}`, ...Object.entries(vars).map(([k, v]) => `${active ? '' : '#'}${k}=${v}`)].join('\n');
  return [
    '# A test lab.',
    ...Object.entries(EGRESS).map(([name, vars]) => block('egress', name, vars, name === choice.egress)),
    ...Object.entries(KUBELET_CA).map(([name, vars]) => block('kubelet-ca', name, vars, name === choice.kubeletCa)),
  ].join('\n\n') + '\n';
}

/** Write docker-compose.yml, .env and certs/ (as `hubspoke certs` does for the compose lab) into `dir`. */
export async function writeComposeLab(dir: string, choice: ComposeChoice): Promise<ComposeFiles> {
  const files = { composeFile: join(dir, 'docker-compose.yml'), envFile: join(dir, '.env'), certsDir: join(dir, 'certs') };
  await writeCerts({
    dir: files.certsDir,
    apiserverAddresses: ['172.28.0.10'],
    server: 'https://127.0.0.1:6443',
    nodeServer: 'https://172.28.0.10:443',
    serviceClusterIP: '127.96.0.1',
    nodes: [
      { name: 'node-1', address: '172.28.0.11' },
      { name: 'node-2', address: '172.28.0.12' },
    ],
  });
  await Promise.all([writeFile(files.composeFile, COMPOSE_TEXT), writeFile(files.envFile, dotenvText(choice))]);
  return files;
}
