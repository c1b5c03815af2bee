// The binaries as a person who knows Kubernetes would use them: certificates made with openssl, a
// token-auth-file, kube-apiserver and kubelet started from node_modules/.bin with Kubernetes' flag names,
// and the real kubectl against them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hubspoke/lab';
import { kubectl, table } from './support/kubectl.ts';
import { freePort } from './support/net.ts';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../node_modules/.bin');
let dir: string;
const children: ChildProcess[] = [];
let apiserverPort = 0;

async function openssl(...args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

/** A leaf signed by ca.crt with the given subject, SANs and extended key usage. */
async function leaf(name: string, subj: string, ext: string): Promise<void> {
  await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  await openssl('req', '-new', '-key', `${name}.key`, '-subj', subj, '-out', `${name}.csr`);
  await writeFile(join(dir, `${name}.ext`), ext);
  await openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-out', `${name}.crt`, '-extfile', `${name}.ext`);
}

function kubeconfig(server: string, user: string, cert: string, key: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: byhand
  cluster: {server: "${server}", certificate-authority: ${join(dir, 'ca.crt')}}
users:
- name: ${user}
  user: {client-certificate: ${join(dir, cert)}, client-key: ${join(dir, key)}}
contexts:
- name: ctx
  context: {cluster: byhand, user: ${user}}
current-context: ctx
`;
}

function start(bin: string, args: string[]): ChildProcess {
  const child = spawn(join(BIN, bin), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d));
  child.stderr!.on('data', (d: Buffer) => (log += d));
  child.on('exit', (code) => {
    if (code && code !== 0 && code !== null) console.error(`${bin} exited ${code}:\n${log}`);
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byhand-'));
  await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key');
  await openssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=byhand-ca', '-days', '30', '-out', 'ca.crt',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature');
  await leaf('apiserver', '/CN=kube-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n');
  await leaf('admin', '/O=system:masters/CN=admin', 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n');
  await leaf('node-a', '/O=system:nodes/CN=system:node:node-a', 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n');
  await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'sa.key');
  await openssl('pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
  await writeFile(join(dir, 'tokens.csv'), 'byhand-token-123,dana,2001,"ops"\n');

  apiserverPort = await freePort('127.0.0.1');
  const server = `https://127.0.0.1:${apiserverPort}`;
  await writeFile(join(dir, 'admin.conf'), kubeconfig(server, 'admin', 'admin.crt', 'admin.key'));
  await writeFile(join(dir, 'kubelet.conf'), kubeconfig(server, 'system:node:node-a', 'node-a.crt', 'node-a.key'));
  start('kube-apiserver', [
    `--secure-port=${apiserverPort}`,
    '--bind-address=127.0.0.1',
    `--tls-cert-file=${join(dir, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(dir, 'apiserver.key')}`,
    `--client-ca-file=${join(dir, 'ca.crt')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=Node,RBAC',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=127.97.0.0/16',
  ]);
  await waitFor(async () => (await kubectl(['get', '--raw', '/readyz'], { kubeconfig: join(dir, 'admin.conf') })).stdout === 'ok', {
    timeoutMs: 30_000,
    what: 'kube-apiserver ready',
  });
  const kubeletPort = await freePort('127.0.20.1');
  start('kubelet', [
    `--kubeconfig=${join(dir, 'kubelet.conf')}`,
    '--hostname-override=node-a',
    '--node-ip=127.0.20.1',
    '--address=127.0.20.1',
    `--port=${kubeletPort}`,
    '--read-only-port=0',
    '--pod-cidr=127.244.50.0/24',
    `--root-dir=${join(dir, 'kubelet')}`,
  ]);
}, 60_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kube-apiserver and kubelet binaries with openssl-made certificates', () => {
  it('registers the node, Ready, as seen by kubectl', async () => {
    const admin = join(dir, 'admin.conf');
    await waitFor(async () => /node-a\s+Ready/.test((await kubectl(['get', 'nodes'], { kubeconfig: admin })).stdout), {
      timeoutMs: 30_000,
      what: 'node-a Ready',
    });
    const rows = table((await kubectl(['get', 'nodes', '-o', 'wide'], { kubeconfig: admin })).stdout);
    expect(rows[1].slice(0, 2)).toEqual(['node-a', 'Ready']);
    expect(rows[1][5]).toBe('127.0.20.1');
  });

  it('runs a pod on that node', async () => {
    const admin = join(dir, 'admin.conf');
    expect((await kubectl(['run', 'byhand', '--image=hubspoke/logger'], { kubeconfig: admin })).stdout.trim()).toBe('pod/byhand created');
    await waitFor(async () => (await kubectl(['get', 'pod', 'byhand', '-o', 'jsonpath={.status.phase}'], { kubeconfig: admin })).stdout === 'Running', {
      timeoutMs: 30_000,
      what: 'pod byhand Running',
    });
  });

  it('authenticates the token-file user and the openssl client certificate', async () => {
    const admin = join(dir, 'admin.conf');
    const me = JSON.parse((await kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig: admin })).stdout);
    expect(me.status.userInfo).toMatchObject({ username: 'admin', groups: ['system:masters', 'system:authenticated'] });
    const tokenOnly = join(dir, 'dana.conf');
    await writeFile(tokenOnly, kubeconfig(`https://127.0.0.1:${apiserverPort}`, 'dana', '', '').replace(/user: \{[^}]*\}/, 'user: {token: byhand-token-123}'));
    const dana = JSON.parse((await kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig: tokenOnly })).stdout);
    expect(dana.status.userInfo).toMatchObject({ username: 'dana', uid: '2001', groups: ['ops', 'system:authenticated'] });
  });

  it('lists its flags with --help and refuses an unknown flag', async () => {
    const help = await run(join(BIN, 'kube-apiserver'), ['--help']);
    for (const flag of ['--secure-port', '--client-ca-file', '--token-auth-file', '--authorization-mode', '--kubelet-certificate-authority', '--service-account-issuer', '--audit-log-path']) {
      expect(help.stdout).toContain(flag);
    }
    const bad = await run(join(BIN, 'kube-apiserver'), ['--no-such-flag']).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toContain('Error: unknown flag: --no-such-flag');
    const kubeletHelp = await run(join(BIN, 'kubelet'), ['--help']);
    for (const flag of ['--kubeconfig', '--anonymous-auth', '--authorization-mode', '--read-only-port', '--client-ca-file']) {
      expect(kubeletHelp.stdout).toContain(flag);
    }
  });
});
