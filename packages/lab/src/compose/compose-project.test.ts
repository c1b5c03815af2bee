import { describe, expect, it } from 'vitest';
import { interpolate, loadComposeProject, readDotenv } from './compose-project.ts';

const DOTENV = `# Prose: this line is not a header.
#
# egress: direct — the apiserver dials each kubelet.
COMPOSE_PROFILES=
HUBSPOKE_SSH_USER=

# egress: ssh — tunnels.
#COMPOSE_PROFILES=ssh
#HUBSPOKE_SSH_USER=kube-apiserver

# kubelet-ca: unverified
HUBSPOKE_KUBELET_CA=

# kubelet-ca: verified
#HUBSPOKE_KUBELET_CA=/certs/pki/ca.crt
`;

const COMPOSE = `
name: t
x-image: &image
  image: hubspoke:dev
services:
  apiserver:
    <<: *image
    command: [kube-apiserver, "--ssh-user=\${HUBSPOKE_SSH_USER}", "--ssh-keyfile=\${HUBSPOKE_SSH_USER:+/certs/ssh/id}"]
  sshd:
    profiles: [ssh]
    network_mode: service:node
    command: [hubspoke-sshd]
  node:
    command: [kubelet]
  router:
    command: [hubspoke, net, --hold]
  attacker:
    profiles: [attacker]
    network_mode: service:router
    command: [hubspoke-attacker, mitm, "cost=$$5"]
`;

describe('readDotenv', () => {
  it('reads the active assignments and every block of every group, commented out or not', () => {
    const env = readDotenv(DOTENV);
    expect(env.active).toEqual({ COMPOSE_PROFILES: '', HUBSPOKE_SSH_USER: '', HUBSPOKE_KUBELET_CA: '' });
    expect(Object.keys(env.groups)).toEqual(['egress', 'kubelet-ca']);
    expect(env.groups.egress.ssh).toEqual({ COMPOSE_PROFILES: 'ssh', HUBSPOKE_SSH_USER: 'kube-apiserver' });
    expect(env.groups['kubelet-ca'].verified).toEqual({ HUBSPOKE_KUBELET_CA: '/certs/pki/ca.crt' });
    expect(env.groups['kubelet-ca'].unverified).toEqual({ HUBSPOKE_KUBELET_CA: '' });
  });
});

describe('interpolate', () => {
  it('follows compose for set, empty and unset variables, and records the names it read', () => {
    const used = new Set<string>();
    const vars = { A: 'a', E: '' };
    const out = interpolate(['${A}', '${E:-d}', '${E-d}', '${U-d}', '${A:+w}', '${E:+w}', '${E+w}', '${U+w}', '$A/$$A', '${U}'], vars, used);
    expect(out).toEqual(['a', 'd', '', 'd', 'w', '', 'w', '', 'a/$A', '']);
    expect([...used].sort()).toEqual(['A', 'E', 'U']);
    expect(() => interpolate('${E:?needed}', vars)).toThrow(/needed/);
  });
});

describe('loadComposeProject', () => {
  it('starts the services of the enabled profiles, with interpolated commands and merged anchors', () => {
    const direct = loadComposeProject({ composeText: COMPOSE, vars: { COMPOSE_PROFILES: '', HUBSPOKE_SSH_USER: '' } });
    expect(Object.keys(direct.services).sort()).toEqual(['apiserver', 'node', 'router']);
    expect(direct.services.apiserver.command).toEqual(['kube-apiserver', '--ssh-user=', '--ssh-keyfile=']);
    expect((direct.services.apiserver as unknown as { image: string }).image).toBe('hubspoke:dev');
    const ssh = loadComposeProject({ composeText: COMPOSE, vars: { COMPOSE_PROFILES: 'ssh', HUBSPOKE_SSH_USER: 'u' } });
    expect(ssh.profiles).toEqual(['ssh']);
    expect(Object.keys(ssh.services)).toContain('sshd');
    expect(ssh.services.apiserver.command).toEqual(['kube-apiserver', '--ssh-user=u', '--ssh-keyfile=/certs/ssh/id']);
  });

  it('adds a profiled service named on the command line, and refuses an unknown one', () => {
    const project = loadComposeProject({ composeText: COMPOSE, vars: {}, services: ['attacker'] });
    expect(Object.keys(project.services).sort()).toEqual(['apiserver', 'attacker', 'node', 'router']);
    expect(project.services.attacker.command).toEqual(['hubspoke-attacker', 'mitm', 'cost=$5']);
    expect(() => loadComposeProject({ composeText: COMPOSE, vars: {}, services: ['nope'] })).toThrow(/no such service: nope/);
  });
});
