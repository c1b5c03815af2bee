// C9 and C10 with real bytes: node-1's kubelet binds 127.0.10.1 but advertises 127.0.66.1, where a man in
// the middle relays to it. Without --kubelet-certificate-authority the apiserver talks to the attacker, which
// reads logs and exec output and types into a shell; with it, the apiserver hangs up and the attacker learns
// nothing, while the real kubelet's CA-signed certificate would pass.
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { channelText, startMitm, type Mitm } from '@hubspoke/attacker';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl, kubectlSpawn } from './support/kubectl.ts';
import { freePortOn } from './support/net.ts';
import { createPod, waitRunning } from './support/pods.ts';

const BIND = '127.0.10.1';
const ADVERTISED = '127.0.66.1';
const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** A cluster whose node-1 advertises the attacker's address, and the attacker relaying to the real kubelet. */
async function interceptedCluster(opts: Parameters<typeof startCluster>[0] = {}): Promise<{ c: Cluster; mitm: Mitm; port: number }> {
  const port = await freePortOn([BIND, ADVERTISED]);
  const mitm = await startMitm({ listen: { host: ADVERTISED, port }, upstream: { host: BIND, port } });
  open.push(mitm);
  const c = await startCluster({ nodes: 1, kubeletPort: port, kubelet: () => ({ nodeIP: ADVERTISED }), ...opts });
  open.push(c);
  await createPod(c, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] });
  await waitRunning(c, 'chatty');
  return { c, mitm, port };
}

describe('a man in the middle on the advertised kubelet address', () => {
  it('reads logs and exec in plaintext and types into a shell when --kubelet-certificate-authority is unset', async () => {
    const { c, mitm } = await interceptedCluster();
    await createPod(c, 'talk', { image: 'hubspoke/shell', stdin: true });
    await waitRunning(c, 'talk');
    const kubeconfig = c.adminKubeconfig;

    const logs = await kubectl(['logs', 'chatty', '--tail=3'], { kubeconfig });
    expect(logs.stderr).toBe('');
    expect(logs.stdout).toMatch(/hello from chatty/);
    const logCapture = mitm.captures().find((x) => x.exchanges.some((e) => e.request.target?.startsWith('/containerLogs/default/chatty/chatty')));
    const logExchange = logCapture!.exchanges.find((e) => e.request.target?.startsWith('/containerLogs/'))!;
    expect(logExchange.request.raw).toMatch(/^GET \/containerLogs\/default\/chatty\/chatty\?tailLines=3 HTTP\/1\.1\r\n/);
    expect(logExchange.response?.status).toBe(200);
    // Byte for byte what the user saw.
    expect(logExchange.response?.body).toBe(logs.stdout);

    const secret = `secret-${Math.floor(Math.random() * 32768)}`;
    const exec = await kubectl(['exec', 'chatty', '--', 'echo', secret], { kubeconfig });
    expect(exec.stdout).toBe(`${secret}\n`);
    const execCapture = mitm.captures().find((x) => x.exchanges.some((e) => e.request.target?.includes(`command=${secret}`)))!;
    expect(execCapture.exchanges[0].request.target).toMatch(new RegExp(`^/exec/default/chatty/chatty\\?command=echo&command=${secret}&`));
    expect(execCapture.exchanges[0].stream?.subprotocol).toBe('v5.channel.k8s.io');
    expect(channelText(execCapture, 1, 'to-apiserver')).toBe(`${secret}\n`);

    // The user opens a shell and types nothing; the attacker types for them.
    const shell = await kubectlSpawn(['exec', '-i', 'talk', '--', 'sh'], { kubeconfig });
    let stdout = '';
    shell.stdout!.on('data', (d: Buffer) => (stdout += d));
    try {
      const isShell = (x: Parameters<typeof channelText>[0]) =>
        x.exchanges.some((e) => e.request.target?.startsWith('/exec/default/talk/talk?command=sh&') && /[?&]input=1(&|$)/.test(e.request.target));
      await waitFor(() => mitm.captures().some((x) => isShell(x) && x.exchanges[0].response?.status === 101), {
        timeoutMs: 10_000,
        what: 'the shell session through the man in the middle',
      });
      expect(mitm.injectStdin('echo injected-by-mitm\n', isShell)).toMatchObject({ kind: 'injected', queued: false });
      await waitFor(() => stdout.includes('injected-by-mitm'), { timeoutMs: 10_000, what: 'the injected command’s output' });
      const session = mitm.captures().find(isShell)!;
      expect(session.exchanges[0].stream?.messages.filter((m) => m.channel === 0)).toEqual([
        expect.objectContaining({ direction: 'to-kubelet', injected: true, data: Buffer.from('echo injected-by-mitm\n') }),
      ]);
      expect(channelText(session, 1, 'to-apiserver')).toBe('injected-by-mitm\n');
    } finally {
      shell.kill();
    }
    expect(mitm.handshakeFailures()).toBe(0);
  }, 45_000);

  it('learns nothing once the apiserver verifies kubelets with the cluster CA', async () => {
    const { c, mitm, port } = await interceptedCluster({ verifyKubelets: true, kubeletServingCerts: 'cluster-ca' });
    const logs = await kubectl(['logs', 'chatty'], { kubeconfig: c.adminKubeconfig });
    expect(logs.code).toBe(1);
    expect(logs.stderr.trim()).toBe(
      `Error from server: Get "https://${ADVERTISED}:${port}/containerLogs/default/chatty/chatty": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
    await waitFor(() => mitm.handshakeFailures() >= 1, { timeoutMs: 5_000, what: 'the refused handshake' });
    expect(mitm.captures()).toEqual([]);

    // The real kubelet, on its bind address, shows a certificate the same CA accepts.
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const s = tlsConnect({ host: BIND, port, ca: c.pki.ca.cert, rejectUnauthorized: false }, () => {
        resolve(s.authorized && s.getPeerX509Certificate()?.checkIP(BIND) === BIND);
        s.destroy();
      });
      s.on('error', reject);
    });
    expect(authorized).toBe(true);
  }, 30_000);
});
