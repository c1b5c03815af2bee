// `redirect` and `failed-upgrade` over real sockets: whoever answers for node-1's kubelet address (here a
// malicious kubelet with its own self-signed certificate, which Kubernetes' default apiserver accepts) tries
// the two historic holes of the upgrade-aware proxy. Both are harmless here, for Kubernetes' reasons
// (apimachinery util/proxy/upgradeaware.go): the backend's answer is read before the client gets anything, so
// a 302 becomes "invalid upgrade response: status code 302" and its Location goes nowhere (CVE-2020-8559); and
// an error answer is copied to the client, after which both connections are closed, so nothing the client sends
// next reaches a connection that carries the apiserver's credentials (CVE-2018-1002105).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { FAILED_UPGRADE_BODY, startMaliciousKubelet, type MaliciousUpgradeMode } from '../packages/attacker/src/redirect/redirect-kubelet.ts';
import { startRedirectTarget } from '../packages/attacker/src/redirect/redirect-target.ts';
import type { RogueKubelet } from '../packages/attacker/src/rogue-node/rogue-kubelet.ts';
import { kubectl } from './support/kubectl.ts';
import { freePortOn } from './support/net.ts';
import { createPod, waitRunning } from './support/pods.ts';

const ADVERTISED = '127.0.43.1';
const BIND = '127.0.43.101';
const ATTACKER = '127.0.43.50';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** node-1 advertises ADVERTISED, where the malicious kubelet answers in `mode`; its real kubelet binds BIND. */
async function maliciousNode(mode: MaliciousUpgradeMode): Promise<{ c: Cluster; kubelet: RogueKubelet; port: number }> {
  const port = await freePortOn([ADVERTISED, BIND]);
  const c = await startCluster({ nodes: 1, nodeAddressPrefix: '127.0.43', kubeletPort: port, kubelet: { address: BIND } });
  open.push(c);
  await createPod(c, 'chatty', { image: 'hubspoke/logger' });
  await waitRunning(c, 'chatty');
  const kubelet = await startMaliciousKubelet({ listen: { host: ADVERTISED, port }, tls: await createSelfSignedServingCert({ host: ADVERTISED }), mode });
  open.push(kubelet);
  return { c, kubelet, port };
}

describe('a malicious kubelet answering upgrades with a redirect (CVE-2020-8559)', () => {
  it('is not followed: the apiserver answers 500 "invalid upgrade response: status code 302" and the target hears nothing', async () => {
    const target = await startRedirectTarget({ host: ATTACKER, port: 0 });
    open.push(target);
    const { c, kubelet } = await maliciousNode({ kind: 'redirect', location: target.url });

    const exec = await kubectl(['exec', 'chatty', '--', 'id'], { kubeconfig: c.adminKubeconfig });
    expect(exec).toEqual({ code: 1, stdout: '', stderr: 'Error from server: invalid upgrade response: status code 302\n' });
    // kubectl 1.32 tries a WebSocket (GET), then falls back to SPDY (POST): both got the redirect.
    expect(kubelet.requests().map((r) => [r.method, r.target, r.upgrade, r.status])).toEqual([
      ['GET', '/exec/default/chatty/chatty?command=id&error=1&output=1', true, 302],
      ['POST', '/exec/default/chatty/chatty?command=id&error=1&output=1', true, 302],
    ]);

    // On the wire: a 500 Status whose message names the status, no Location, and the connection closed.
    const raw = await rawUpgrade(c, '/api/v1/namespaces/default/pods/chatty/exec?command=id&stdout=1');
    expect(raw.closedByApiserver).toBe(true);
    const [head, body] = raw.response.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 500 Internal Server Error');
    expect(head).not.toMatch(/^location:/im);
    expect(JSON.parse(body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'invalid upgrade response: status code 302',
      reason: '',
      code: 500,
    });
    expect(kubelet.requests()).toHaveLength(3);
    // Nobody went where the kubelet pointed: not the apiserver, not kubectl.
    expect(target.arrivals()).toEqual([]);
  }, 60_000);
});

describe('a malicious kubelet failing an upgrade and holding its connection open (CVE-2018-1002105)', () => {
  it('gets its error relayed, then both connections closed: a second request never reaches it', async () => {
    const { c, kubelet } = await maliciousNode({ kind: 'failed-upgrade' });
    // What a user sees: the kubelet's own text, relayed.
    const exec = await kubectl(['exec', 'chatty', '--', 'id'], { kubeconfig: c.adminKubeconfig });
    expect(exec).toEqual({ code: 1, stdout: '', stderr: `error: unable to upgrade connection: ${FAILED_UPGRADE_BODY}` });

    const before = kubelet.connections().length;
    const smuggled = 'GET /pods HTTP/1.1\r\nHost: kubelet\r\n\r\n';
    const raw = await rawUpgrade(c, '/api/v1/namespaces/default/pods/chatty/exec?command=id&stdout=1', smuggled);
    expect(raw.followUpSent).toBe(true);
    expect(raw.response).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(raw.response.endsWith(`\r\n\r\n${FAILED_UPGRADE_BODY}`)).toBe(true);
    expect(raw.closedByApiserver).toBe(true);

    // The backend side: one request, answered 403 and held open by the kubelet; the apiserver closed it, and
    // the second request never arrived on it (nor on any other connection).
    const backend = kubelet.connections()[before];
    await waitFor(() => backend.closed, { timeoutMs: 5000, what: 'the apiserver closing the kubelet connection' });
    expect(backend).toMatchObject({ clientCN: 'kube-apiserver-kubelet-client', closedByPeer: true, afterUpgradeAnswer: Buffer.alloc(0) });
    expect(backend.requests.map((r) => [r.method, r.target, r.status])).toEqual([['GET', '/exec/default/chatty/chatty?command=id&output=1', 403]]);
    expect(kubelet.connections()).toHaveLength(before + 1);
    expect(kubelet.requests().some((r) => r.target === '/pods')).toBe(false);
  }, 60_000);
});

describe('the rogue-kubelet command', () => {
  it('runs --mode redirect as its own process, answering an upgrade 302 to --redirect-to, and stops on SIGINT', async () => {
    const program = `
import { Command } from 'commander';
import { addRogueKubeletCommand } from '${pathToFileURL(resolve(import.meta.dirname, '../packages/attacker/src/bin/rogue-kubelet-command.ts')).href}';
const program = new Command('hubspoke-attacker');
addRogueKubeletCommand(program);
await program.parseAsync(process.argv.slice(1), { from: 'user' });
`;
    const args = ['rogue-kubelet', '--mode', 'redirect', '--listen', '127.0.43.60:0', '--redirect-to', 'https://127.0.43.50:1/'];
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program, ...args], { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    open.push({ close: async () => void (child.kill('SIGKILL'), await exited) });
    let logs = '';
    child.stderr!.on('data', (d: Buffer) => (logs += d));
    await waitFor(() => /"msg":"rogue kubelet listening"/.test(logs), { timeoutMs: 15_000, what: 'the rogue kubelet listening' });
    const port = (JSON.parse(logs.split('\n').find((l) => l.includes('rogue kubelet listening'))!) as { port: number }).port;

    const answer = await new Promise<{ status?: number; location?: string }>((done, fail) => {
      const req = httpsRequest({ host: '127.0.43.60', port, path: '/exec/default/p/c?command=id', rejectUnauthorized: false, headers: { connection: 'Upgrade', upgrade: 'websocket' } });
      req.once('response', (res) => done({ status: res.statusCode, location: res.headers.location }));
      req.once('upgrade', (res) => done({ status: res.statusCode }));
      req.once('error', fail);
      req.end();
    });
    expect(answer).toEqual({ status: 302, location: 'https://127.0.43.50:1/exec/default/p/c?command=id' });
    const logged = /"target":"\/exec\/default\/p\/c\?command=id","upgrade":true,"status":302,"msg":"request"/;
    await waitFor(() => logged.test(logs), { timeoutMs: 5000, what: 'the request in the rogue kubelet’s log' });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 30_000);
});

/** What a raw client saw: the answer's bytes, and whether the apiserver closed the connection after it. */
interface RawExchange {
  response: string;
  closedByApiserver: boolean;
  /** The follow-up request was written after the answer's head arrived. */
  followUpSent: boolean;
}

/**
 * An admin's WebSocket upgrade to the apiserver over TLS, read until the apiserver closes or 3 s of quiet;
 * `followUp` is written once the answer's head arrived (the CVE-2018-1002105 move: a second request on the
 * same connection).
 */
function rawUpgrade(c: Cluster, path: string, followUp?: string): Promise<RawExchange> {
  const url = new URL(c.server);
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = tlsConnect({ host: url.hostname, port: Number(url.port), ca: c.pki.ca.cert, cert: c.pki.admin.cert, key: c.pki.admin.key, ALPNProtocols: ['http/1.1'] }, () => {
      socket.write(
        [
          `GET ${path} HTTP/1.1`,
          `Host: ${url.host}`,
          'Connection: Upgrade',
          'Upgrade: websocket',
          'Sec-WebSocket-Version: 13',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Protocol: v5.channel.k8s.io',
          '',
          '',
        ].join('\r\n'),
      );
    });
    let response = '';
    let sentFollowUp = false;
    let quiet: NodeJS.Timeout | undefined;
    const finish = (closedByApiserver: boolean) => {
      clearTimeout(quiet);
      socket.destroy();
      resolve({ response, closedByApiserver, followUpSent: sentFollowUp });
    };
    socket.on('data', (d: Buffer) => {
      response += d.toString('latin1');
      if (followUp && !sentFollowUp && response.includes('\r\n\r\n')) {
        sentFollowUp = true;
        socket.write(followUp, () => undefined);
      }
      clearTimeout(quiet);
      quiet = setTimeout(() => finish(false), 3000);
    });
    socket.once('end', () => finish(true));
    socket.once('close', () => finish(true));
    socket.on('error', (err) => (response ? finish(true) : reject(err)));
  });
}
