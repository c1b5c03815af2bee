import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readComposeConfig, type ComposeFiles } from './compose-config.ts';
import { COMPOSE_TEXT, dotenvText, writeComposeLab } from './testing/compose-lab.ts';

let dir: string;
let files: ComposeFiles;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'compose-config-'));
  files = await writeComposeLab(dir, { egress: 'direct', kubeletCa: 'unverified' });
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('readComposeConfig', () => {
  it('reads the apiserver and the kubelets from their command lines, and which .env blocks are active', async () => {
    const config = await readComposeConfig(files);
    expect(config.apiserver).toEqual({
      anonymousAuth: false,
      authorizationModes: ['Node', 'RBAC'],
      kubeletCertificateAuthority: false,
      kubeletClientCertificate: true,
      sshKnownHosts: false,
    });
    // Kubelet flag defaults (no --config): anonymous, AlwaysAllow, the read-only port open.
    expect(config.kubelets).toEqual([
      { nodeName: 'node-1', address: '0.0.0.0', port: 10250, readOnlyPort: 10255, anonymousAuth: true, authorizationMode: 'AlwaysAllow', servingCert: 'cluster-ca' },
      { nodeName: 'node-2', address: '0.0.0.0', port: 10250, readOnlyPort: 10255, anonymousAuth: true, authorizationMode: 'AlwaysAllow', servingCert: 'self-signed' },
    ]);
    expect(config.egress).toEqual({ kind: 'direct' });
    expect(config.blocks).toEqual({ egress: 'direct', 'kubelet-ca': 'unverified' });
    expect(config.profiles).toEqual([]);
  });

  it('follows .env: konnectivity egress with the agents its profile starts, connection state left out', async () => {
    await writeFile(files.envFile, dotenvText({ egress: 'konnectivity', kubeletCa: 'verified' }));
    const config = await readComposeConfig(files);
    expect(config.apiserver.kubeletCertificateAuthority).toBe(true);
    expect(config.egress).toEqual({
      kind: 'konnectivity',
      udsName: '/etc/kubernetes/konnectivity-server/konnectivity-server.socket',
      agentPort: 8132,
      agents: [{ node: 'node-1' }, { node: 'node-2' }],
    });
    expect(config.blocks).toEqual({ egress: 'konnectivity', 'kubelet-ca': 'verified' });
    expect(config.profiles).toEqual(['konnectivity']);
  });

  it('follows .env: SSH tunnels to the sshds its profile starts, at their nodes\' addresses, host keys checked', async () => {
    await writeFile(files.envFile, dotenvText({ egress: 'ssh', kubeletCa: 'unverified' }));
    const config = await readComposeConfig(files);
    expect(config.apiserver.sshKnownHosts).toBe(true);
    expect(config.egress).toEqual({
      kind: 'ssh',
      port: 22,
      daemons: [
        { node: 'node-1', address: '172.28.0.11' },
        { node: 'node-2', address: '172.28.0.12' },
      ],
    });
  });

  it('calls an .env that matches no block custom, and goes by the values, not the block names', async () => {
    // A hand-edited line after the blocks (the empty line ends the last block): the direct block with an SSH user.
    await writeFile(files.envFile, `${dotenvText({ egress: 'direct', kubeletCa: 'unverified' })}\nHUBSPOKE_SSH_USER=kube-apiserver\n`);
    const config = await readComposeConfig(files);
    expect(config.blocks).toEqual({ egress: 'custom', 'kubelet-ca': 'unverified' });
    expect(config.egress).toEqual({ kind: 'ssh', port: 22, daemons: [] });
  });

  it('names the service whose command line its binary rejects', async () => {
    await writeFile(files.envFile, dotenvText({ egress: 'direct', kubeletCa: 'unverified' }));
    const broken = { ...files, composeFile: join(dir, 'broken.yml') };
    await writeFile(broken.composeFile, COMPOSE_TEXT.replace('- --hostname-override=node-2', '- --no-such-flag'));
    await expect(readComposeConfig(broken)).rejects.toThrow('service node-2: kubelet rejects its arguments: failed to parse kubelet flag: unknown flag: --no-such-flag');
    await writeFile(broken.composeFile, COMPOSE_TEXT.replace('- kube-apiserver', '- kube-apiserverx'));
    await expect(readComposeConfig(broken)).rejects.toThrow(`${broken.composeFile} runs no kube-apiserver service`);
  });
});
