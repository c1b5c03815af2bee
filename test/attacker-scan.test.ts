// `hubspoke-attacker scan` against real kubelets over real sockets: a wide-open kubelet (anonymous, AlwaysAllow,
// read-only port) gives away pods, logs, commands and a tunnel into a pod; a kubeadm-like one answers 401
// everywhere; anonymous with Webhook answers 403; and a stolen token whose user may `get nodes/proxy` reopens
// most of it, exec over a WebSocket GET included.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '@hubspoke/lab';
import { runAttackerCommand } from './support/attacker-command.ts';
import { scanKubelet } from '../packages/attacker/src/scan/scan.ts';
import type { ProbeName, ProbeResult, ScanReport } from '../packages/attacker/src/scan/types.ts';
import { createPod, waitRunning } from './support/pods.ts';
import { grantNodesProxyGet } from './support/rbac.ts';

const clusters: Cluster[] = [];
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.close()));
});

async function cluster(opts: Parameters<typeof startCluster>[0]): Promise<Cluster> {
  const c = await startCluster({ nodes: 1, kubeletPort: 0, ...opts });
  clusters.push(c);
  return c;
}

function target(c: Cluster): string {
  return `${c.kubelets[0].address}:${c.kubelets[0].port}`;
}

function probe(report: ScanReport, name: ProbeName): ProbeResult {
  const found = report.probes.find((p) => p.probe === name);
  if (!found) throw new Error(`no ${name} probe in the report`);
  return found;
}

const HTTPS_PROBES: ProbeName[] = ['healthz', 'pods', 'runningpods', 'configz', 'metrics', 'container-logs', 'run', 'exec', 'attach', 'port-forward'];

describe('a wide-open kubelet (anonymous, AlwaysAllow, read-only port 10255)', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster({ nodeAddressPrefix: '127.0.31', kubelet: { anonymousAuth: true, authorizationMode: 'AlwaysAllow', readOnlyPort: 10255 } });
    await createPod(c, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] });
    await waitRunning(c, 'chatty');
    await createPod(c, 'echo', { image: 'hubspoke/echo', ports: [{ containerPort: 9000 }] });
    await waitRunning(c, 'echo');
  }, 60_000);

  it('exposes pods, logs, /run, exec, attach, a working port-forward and the read-only port', async () => {
    const marker = `scan-${randomBytes(6).toString('hex')}`;
    const report = await scanKubelet({ target: target(c), portForwardPayload: `${marker}\n` });

    expect(report.identity).toBe('anonymous');
    expect(report.tls).toMatchObject({ kind: 'ok', certificate: { selfSigned: true, subject: expect.stringMatching(/^CN=node-1@\d+$/), issuer: expect.stringMatching(/^CN=node-1-ca@\d+$/) } });
    expect(report.pods).toEqual(['default/chatty', 'default/echo']);
    expect(report.containerTarget).toEqual({ namespace: 'default', pod: 'chatty', container: 'chatty', source: 'pods' });
    expect(report.portForwardTarget).toEqual({ namespace: 'default', pod: 'echo', port: 9000, source: 'pods' });

    expect(probe(report, 'healthz')).toMatchObject({ status: 200, outcome: 'exposed', evidence: 'ok' });
    expect(probe(report, 'pods')).toMatchObject({ method: 'GET', path: '/pods', status: 200, outcome: 'exposed', evidence: '2 pods: default/chatty, default/echo' });
    expect(probe(report, 'container-logs')).toMatchObject({ path: '/containerLogs/default/chatty/chatty?tailLines=5', status: 200, outcome: 'exposed' });
    expect(probe(report, 'container-logs').evidence).toMatch(/hello from chatty/);
    expect(probe(report, 'run')).toMatchObject({ method: 'POST', path: '/run/default/chatty/chatty?cmd=id', status: 200, outcome: 'exposed' });
    expect(probe(report, 'run').evidence).toBe('uid=0(root) gid=0(root) groups=0(root)\\n');
    expect(probe(report, 'exec')).toMatchObject({ path: '/exec/default/chatty/chatty?command=id&output=1&error=1', status: 101, outcome: 'exposed', subprotocol: 'v5.channel.k8s.io' });
    expect(probe(report, 'exec').evidence).toBe('uid=0(root) gid=0(root) groups=0(root)\\n');
    expect(probe(report, 'attach')).toMatchObject({ status: 101, outcome: 'exposed', subprotocol: 'v5.channel.k8s.io' });
    expect(probe(report, 'attach').evidence).toMatch(/hello from chatty/);

    const forward = probe(report, 'port-forward');
    expect(forward).toMatchObject({ path: '/portForward/default/echo?port=9000', status: 101, outcome: 'exposed', subprotocol: 'v4.channel.k8s.io' });
    expect(forward.evidence).toBe(`port 9000: sent ${marker.length + 1} bytes, received ${marker.length + 1} (echoed): ${marker}\\n`);

    expect(report.readOnlyPort).toBe(10255);
    expect(probe(report, 'readonly-pods')).toMatchObject({ scheme: 'http', port: 10255, status: 200, outcome: 'exposed', evidence: '2 pods: default/chatty, default/echo' });
    expect(probe(report, 'readonly-healthz')).toMatchObject({ status: 200, outcome: 'exposed' });

    expect(report.attacks).toEqual({
      'kubelet-anonymous-read': 'succeeds',
      'kubelet-anonymous-exec': 'succeeds',
      'kubelet-readonly-read': 'succeeds',
    });
  });

  it('reports the kubelet’s error text when the pod refuses the forwarded connection', async () => {
    const report = await scanKubelet({ target: target(c), prefer: { pod: 'chatty', port: 9999 }, readOnlyPort: 0 });
    const forward = probe(report, 'port-forward');
    expect(forward).toMatchObject({ path: '/portForward/default/chatty?port=9999', status: 101, outcome: 'exposed' });
    // The start and the cause of containerd's wording, the middle elided.
    expect(forward.evidence).toMatch(/^port 9999: error forwarding port 9999 to pod [0-9a-f]{64}, uid : failed to exec.*…/);
    expect(forward.evidence).toMatch(/dial tcp4 127\.244\.1\.\d+:9999: connect: connection refused IPv6 dial tcp6: address localhost: no suitable address found $/);
  });

  it('runs as `scan` on the command line with the operator’s pod, command and port, printing JSON and exiting cleanly', async () => {
    const out = await runAttackerCommand(['scan', '--target', target(c), '--pod', 'echo', '--command', 'hostname', '--port', '9000', '--output', 'json']);
    const [report] = JSON.parse(out) as ScanReport[];
    expect(report.target).toBe(target(c));
    expect(report.containerTarget).toEqual({ namespace: 'default', pod: 'echo', container: 'echo', source: 'options' });
    expect(probe(report, 'run')).toMatchObject({ path: '/run/default/echo/echo?cmd=hostname', outcome: 'exposed', evidence: 'echo\\n' });
    expect(probe(report, 'exec')).toMatchObject({ outcome: 'exposed', evidence: 'echo\\n' });
    expect(probe(report, 'port-forward').evidence).toMatch(/^port 9000: sent 35 bytes, received 35 \(echoed\): GET \/ HTTP\/1\.0/);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('prints a table for people, one probe a line and the attack verdicts', async () => {
    const out = await runAttackerCommand(['scan', '--target', target(c), '--target', target(c), '--read-only-port', '0']);
    const reports = out.split(/^KUBELET /m).filter(Boolean);
    expect(reports).toHaveLength(2);
    expect(out).toMatch(new RegExp(`^KUBELET ${target(c).replaceAll('.', '\\.')} \\(anonymous\\)$`, 'm'));
    expect(out).toMatch(/\(self-signed: nothing verifies it\)/);
    expect(out).toMatch(/^pods\s+GET https:\/\/…:\d+\/pods\s+200\s+exposed\s+2 pods: default\/chatty, default\/echo$/m);
    expect(out).toMatch(/^kubelet-anonymous-exec\s+succeeds\s+Anonymous command execution through the kubelet API$/m);
    // --read-only-port 0: not probed, so that attack is not measured as succeeding.
    expect(out).not.toMatch(/readonly-pods/);
    expect(out).toMatch(/^kubelet-readonly-read\s+blocked/m);
  });
});

describe('a kubeadm-like kubelet (anonymous off, Webhook, no read-only port)', () => {
  it('answers 401 Unauthorized to every probe, and every attack is blocked', async () => {
    const c = await cluster({
      nodeAddressPrefix: '127.0.32',
      kubelet: { anonymousAuth: false, authenticationTokenWebhook: true, authorizationMode: 'Webhook', readOnlyPort: 0 },
    });
    const report = await scanKubelet({ target: target(c) });
    expect(report.pods).toEqual([]);
    expect(report.containerTarget.source).toBe('placeholder');
    for (const name of HTTPS_PROBES) {
      expect(probe(report, name), name).toMatchObject({ status: 401, outcome: 'unauthenticated', evidence: 'Unauthorized' });
    }
    // Nothing listens on 10255: the scan says so rather than guessing.
    expect(probe(report, 'readonly-pods')).toMatchObject({ port: 10255, status: null, outcome: 'error', evidence: expect.stringMatching(/^connect ECONNREFUSED 127\.0\.32\.1:10255$/) });
    expect(report.attacks).toEqual({
      'kubelet-anonymous-read': 'blocked',
      'kubelet-anonymous-exec': 'blocked',
      'kubelet-readonly-read': 'blocked',
    });
  });
});

describe('anonymous auth on with Webhook authorization, and a stolen token', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster({
      nodeAddressPrefix: '127.0.33',
      tokens: [{ token: 'mallory-token', user: 'mallory' }],
      kubelet: { anonymousAuth: true, authenticationTokenWebhook: true, authorizationMode: 'Webhook', readOnlyPort: 0 },
    });
    await createPod(c, 'chatty', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '50' }] });
    await waitRunning(c, 'chatty');
    // mallory may only read through the kubelet (`get nodes/proxy`), as monitoring tools are often granted.
    await grantNodesProxyGet(c, 'mallory');
  }, 60_000);

  it('answers an anonymous scan 403 with the user, verb and subresource it refused', async () => {
    const report = await scanKubelet({ target: target(c), prefer: { pod: 'chatty' } });
    const forbidden = (verb: string, subresource: string) => `Forbidden (user=system:anonymous, verb=${verb}, resource=nodes, subresource=${subresource})`;
    expect(probe(report, 'pods')).toMatchObject({ status: 403, outcome: 'denied', evidence: forbidden('get', 'proxy') });
    expect(probe(report, 'metrics')).toMatchObject({ status: 403, outcome: 'denied', evidence: forbidden('get', 'metrics') });
    expect(probe(report, 'run')).toMatchObject({ status: 403, outcome: 'denied', evidence: forbidden('create', 'proxy') });
    expect(probe(report, 'exec')).toMatchObject({ status: 403, outcome: 'denied', evidence: forbidden('get', 'proxy') });
    expect(probe(report, 'port-forward')).toMatchObject({ status: 403, outcome: 'denied', evidence: forbidden('get', 'proxy') });
    expect(report.attacks['kubelet-anonymous-read']).toBe('blocked');
    expect(report.attacks['kubelet-anonymous-exec']).toBe('blocked');
  });

  it('shows what a token allowed `get nodes/proxy` opens: pods and logs, and exec over a WebSocket GET, but not POST /run', async () => {
    const report = await scanKubelet({ target: target(c), credentials: { token: 'mallory-token' } });
    expect(report.identity).toBe('bearer-token');
    expect(report.pods).toEqual(['default/chatty']);
    expect(probe(report, 'pods')).toMatchObject({ status: 200, outcome: 'exposed', evidence: '1 pod: default/chatty' });
    expect(probe(report, 'container-logs').evidence).toMatch(/hello from chatty/);
    expect(probe(report, 'run')).toMatchObject({
      status: 403,
      outcome: 'denied',
      evidence: 'Forbidden (user=mallory, verb=create, resource=nodes, subresource=proxy)',
    });
    expect(probe(report, 'exec')).toMatchObject({ status: 101, outcome: 'exposed', evidence: 'uid=0(root) gid=0(root) groups=0(root)\\n' });
    expect(probe(report, 'metrics')).toMatchObject({
      status: 403,
      outcome: 'denied',
      evidence: 'Forbidden (user=mallory, verb=get, resource=nodes, subresource=metrics)',
    });
    expect(report.attacks).toMatchObject({ 'kubelet-anonymous-read': 'succeeds', 'kubelet-anonymous-exec': 'succeeds' });
  });

  it('shows a stolen apiserver kubelet-client certificate opening everything, /run included (from the command line)', async () => {
    const out = await runAttackerCommand(['scan', 
      '--target', target(c),
      '--client-certificate', c.paths.apiserverKubeletClientCert,
      '--client-key', c.paths.apiserverKubeletClientKey,
      '--output', 'json',
    ]);
    const [report] = JSON.parse(out) as ScanReport[];
    expect(report.identity).toBe('client-certificate');
    for (const name of ['pods', 'container-logs', 'run', 'exec', 'attach'] as const) {
      expect(probe(report, name).outcome, name).toBe('exposed');
    }
    expect(probe(report, 'run').evidence).toBe('uid=0(root) gid=0(root) groups=0(root)\\n');
  });
});
