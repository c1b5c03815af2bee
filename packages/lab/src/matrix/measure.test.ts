import { describe, expect, it } from 'vitest';
import { summarizeAttacks, type ProbeResult, type ScanReport } from '@hubspoke/attacker';
import type { AttackerReport, MitmView } from './attacker-host-protocol.ts';
import { measure, type Observations } from './measure.ts';

const probe = (p: Partial<ProbeResult> & Pick<ProbeResult, 'probe' | 'status' | 'outcome'>): ProbeResult => ({
  scheme: 'https', port: 10250, method: 'GET', path: `/${p.probe}`, evidence: '', ...p,
});

function scan(probes: ProbeResult[]): ScanReport {
  return {
    target: '10.0.0.1:10250', host: '10.0.0.1', port: 10250, readOnlyPort: 10255, identity: 'anonymous', startedAt: '', durationMs: 1,
    tls: { kind: 'failed', error: 'n/a' }, pods: [],
    containerTarget: { namespace: 'default', pod: 'p', container: 'c', source: 'placeholder' },
    portForwardTarget: { namespace: 'default', pod: 'p', port: 80, source: 'placeholder' },
    probes, attacks: summarizeAttacks(probes),
  };
}

const noAttacker: AttackerReport = { mitm: {}, rogue: {}, redirectArrivals: [], sniff: [], relayed: {} };
const FORGED_LOG = 'FATAL: session expired\n';

function observations(over: Partial<Observations> = {}): Observations {
  return {
    scan: scan([probe({ probe: 'pods', status: 401, outcome: 'unauthenticated' }), probe({ probe: 'readonly-pods', scheme: 'http', port: 10255, status: 200, outcome: 'exposed', evidence: '1 pod: default/chatty' })]),
    node: { logs: { status: 200, body: 'x' }, exec: { status: 101, stdout: 'secret-1\n', error: '' }, secret: 'secret-1' },
    mitm: undefined,
    proxy: { http: { status: 200, body: 'Hello from pod' }, https: { status: 200, body: 'ok\n' }, httpDestination: '10.1.0.3:8080', httpsDestination: '10.1.0.3:8443', forged: 'forged\n' },
    attacker: noAttacker,
    logMarker: 'hello from chatty',
    nodesProxyExec: { result: { outcome: 'forbidden', url: 'wss://10.0.0.1:10250/exec/default/p/c?command=echo', status: 403, text: 'Forbidden (user=system:serviceaccount:default:monitor, verb=create, resource=nodes, subresource=proxy)' }, secret: 'm-1' },
    rogue: { logs: { status: 200, body: '1 hello from chatty\n' }, exec: { status: 101, stdout: 'r-1\n', error: '' }, view: undefined, forgedLog: FORGED_LOG, redirectArrivals: [] },
    tokenReplay: {
      pod: 'web',
      before: { outcome: 'accepted', status: 201, user: { username: 'system:serviceaccount:default:default', groups: [], extra: {} } },
      after: { outcome: 'rejected', status: 401, text: 'Unauthorized' },
    },
    ...over,
  };
}

const intercepted = (requests: MitmView['captures'][number]['requests']): MitmView => ({ captures: [{ client: '10.9.0.1:5000', requests }], failures: [] });

describe('measuring an attack from what the attacker got', () => {
  it('takes the kubelet attacks from the scan, with the probes\' statuses and evidence', () => {
    const read = measure('kubelet-anonymous-read', observations());
    expect(read.outcome).toBe('blocked');
    expect(read.evidence.statuses).toEqual([401]);
    const readOnly = measure('kubelet-readonly-read', observations());
    expect(readOnly).toMatchObject({ outcome: 'succeeds', evidence: { statuses: [200], bytes: '1 pod: default/chatty' } });
    expect(readOnly.evidence.summary).toContain('GET http://10.0.0.1:10255/readonly-pods → 200 (exposed)');
  });

  it('counts an observed request only when the apiserver sent it through the man in the middle', () => {
    expect(measure('mitm-observe', observations({ mitm: { captures: [], failures: [{ client: 'x', kind: 'tls-error', reason: 'bad certificate' }] } }))).toMatchObject({
      outcome: 'blocked',
      evidence: { summary: expect.stringContaining('1 TLS connection refused its certificate (tls-error)') },
    });
    const seen = measure('mitm-observe', observations({ mitm: intercepted([{ target: '/containerLogs/default/p/c?tailLines=3', head: 'GET /containerLogs/default/p/c?tailLines=3 HTTP/1.1\r\nHost: x', status: 401, body: 'Unauthorized' }]) }));
    expect(seen.outcome).toBe('succeeds');
    expect(seen.evidence.bytes).toMatch(/^GET \/containerLogs/);
  });

  it('reads the output only when the relayed answer carries log text or the exec secret', () => {
    const refused = measure('mitm-read-output', observations({ mitm: intercepted([{ target: '/containerLogs/default/p/c', head: 'GET …', status: 403, body: 'Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)' }]) }));
    expect(refused).toMatchObject({ outcome: 'blocked', evidence: { statuses: [403] } });
    const logs = measure('mitm-read-output', observations({ mitm: intercepted([{ target: '/containerLogs/default/p/c', head: 'GET …', status: 200, body: '1 hello from chatty\n' }]) }));
    expect(logs).toMatchObject({ outcome: 'succeeds', evidence: { statuses: [200], bytes: '1 hello from chatty\n' } });
    const exec = measure('mitm-read-output', observations({ mitm: intercepted([{ target: '/exec/default/p/c?command=echo', head: 'GET …', status: 101, stdout: 'secret-1\n' }]) }));
    expect(exec.outcome).toBe('succeeds');
    expect(exec.evidence.summary).toContain('the exec output "secret-1"');
  });

  it('sniffs only the pod\'s own answer to the proxied request, and impersonates only when the user got the forged body', () => {
    const record = { time: '', capture: 1, client: '10.9.0.1:1', destination: '10.1.0.3:8080', scheme: 'http' as const, impersonated: false, request: { raw: 'GET / HTTP/1.1\r\nHost: x', body: '' }, response: { raw: 'HTTP/1.1 200 OK', status: 200, body: 'Hello from pod' } };
    expect(measure('proxy-sniff', observations()).outcome).toBe('blocked');
    expect(measure('proxy-sniff', observations({ attacker: { ...noAttacker, sniff: [record] } }))).toMatchObject({ outcome: 'succeeds', evidence: { statuses: [200, 200], bytes: 'Hello from pod' } });
    expect(measure('proxy-sniff', observations({ attacker: { ...noAttacker, sniff: [{ ...record, destination: '10.1.0.4:8080' }] } })).outcome).toBe('blocked');
    expect(measure('proxy-impersonate', observations()).outcome).toBe('blocked');
    const fooled = observations();
    fooled.proxy.https = { status: 200, body: 'forged\n' };
    expect(measure('proxy-impersonate', fooled)).toMatchObject({ outcome: 'succeeds', evidence: { statuses: [200], bytes: 'forged\n' } });
  });

  it('counts a get-nodes/proxy exec only when the command\'s output came back', () => {
    expect(measure('nodes-proxy-exec', observations())).toMatchObject({ outcome: 'blocked', evidence: { statuses: [403], summary: expect.stringContaining('wss://10.0.0.1:10250/exec/default/p/c → 403 forbidden') } });
    const ran = measure('nodes-proxy-exec', observations({ nodesProxyExec: { result: { outcome: 'executed', url: 'wss://10.0.0.1:10250/exec/default/p/c', status: 101, subprotocol: 'v5.channel.k8s.io', output: 'm-1\n' }, secret: 'm-1' } }));
    expect(ran).toMatchObject({ outcome: 'succeeds', evidence: { statuses: [101], bytes: 'm-1\n' } });
  });

  it('takes a rogue node\'s success from the user\'s logs, and a redirect\'s from what reached its target', () => {
    const view = { connections: 2, clientCNs: ['kube-apiserver-kubelet-client'], requests: [{ method: 'GET', target: '/containerLogs/default/p/c', upgrade: false, status: 200 }, { method: 'GET', target: '/exec/default/p/c?command=echo', upgrade: true, status: 302 }] };
    const fooled = observations({ rogue: { logs: { status: 200, body: FORGED_LOG }, exec: { status: 500, stdout: '', error: 'invalid upgrade response: status code 302' }, view, forgedLog: FORGED_LOG, redirectArrivals: [] } });
    expect(measure('rogue-node', fooled)).toMatchObject({ outcome: 'succeeds', evidence: { statuses: [200], summary: expect.stringContaining('presenting kube-apiserver-kubelet-client') } });
    const redirect = measure('upgrade-redirect', fooled);
    expect(redirect).toMatchObject({ outcome: 'blocked', evidence: { statuses: [500] } });
    expect(redirect.evidence.summary).toContain('answered 1 exec upgrade with 302');
    expect(redirect.evidence.summary).toContain('0 connections reached the redirect target');
    const followed = observations();
    followed.rogue.redirectArrivals = [{ remote: '10.9.0.1:4000', firstBytes: '1603' }];
    expect(measure('upgrade-redirect', followed).outcome).toBe('succeeds');
    expect(measure('rogue-node', observations())).toMatchObject({ outcome: 'blocked', evidence: { summary: expect.stringContaining('no connection of the apiserver reached') } });
  });

  it('counts a token replay only when the token still works after its pod is gone', () => {
    const blocked = measure('token-replay', observations());
    expect(blocked).toMatchObject({ outcome: 'blocked', evidence: { statuses: [201, 401] } });
    expect(blocked.evidence.summary).toBe("SelfSubjectReview with pod web's token: while the pod ran → 201 as system:serviceaccount:default:default; after it was deleted → 401 Unauthorized");
    const accepted = { outcome: 'accepted' as const, status: 201, user: { username: 'system:serviceaccount:default:default', groups: [], extra: {} } };
    expect(measure('token-replay', observations({ tokenReplay: { pod: 'web', before: accepted, after: accepted } })).outcome).toBe('succeeds');
  });
});
