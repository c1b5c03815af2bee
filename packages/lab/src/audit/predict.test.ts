import { describe, it, expect } from 'vitest';
import type { ApiserverFacts, AuditedConfiguration, KubeletFacts } from './configuration.ts';
import { predictAttacks, type Prediction } from './predict.ts';

const seen = <T>(value: T) => ({ value, evidence: String(value) });

function apiserver(over: { modes?: ApiserverFacts['authorizationModes']['value']; ca?: boolean; egress?: ApiserverFacts['egress']['value']; knownHosts?: boolean } = {}): ApiserverFacts {
  return {
    anonymousAuth: seen(true),
    authorizationModes: seen(over.modes ?? ['Node', 'RBAC']),
    kubeletClientCertificate: seen(true),
    kubeletCertificateAuthority: seen(over.ca ?? false),
    egress: seen(over.egress ?? 'direct'),
    sshKnownHosts: seen(over.knownHosts ?? false),
  };
}

function kubelet(over: { anonymous?: boolean; mode?: 'AlwaysAllow' | 'Webhook'; readOnlyPort?: number; node?: string } = {}): KubeletFacts {
  return {
    node: over.node ?? 'node-1',
    anonymousAuth: seen(over.anonymous ?? false),
    authorizationMode: seen(over.mode ?? 'Webhook'),
    clientCA: seen(true),
    readOnlyPort: seen(over.readOnlyPort ?? 0),
    servingCertificate: seen(false),
    rotateCertificates: seen(false),
    serverTLSBootstrap: seen(false),
  };
}

function predict(config: AuditedConfiguration, attack: string, node?: string): Prediction {
  const found = predictAttacks(config).find((p) => p.attack === attack && p.node === node);
  if (!found) throw new Error(`no prediction for ${attack} ${node ?? ''}`);
  return found;
}

describe('predictAttacks', () => {
  it('predicts every attack of the catalogue, per node for those that depend on the kubelet', () => {
    const config = { apiserver: apiserver(), kubelets: [kubelet({ node: 'a' }), kubelet({ node: 'b' })] };
    expect(predictAttacks(config).map((p) => (p.node ? `${p.attack}@${p.node}` : p.attack))).toEqual([
      'kubelet-anonymous-read@a',
      'kubelet-anonymous-read@b',
      'kubelet-anonymous-exec@a',
      'kubelet-anonymous-exec@b',
      'kubelet-readonly-read@a',
      'kubelet-readonly-read@b',
      'mitm-observe',
      'mitm-read-output@a',
      'mitm-read-output@b',
      'proxy-sniff',
      'proxy-impersonate',
    ]);
  });

  it('lets anonymous kubelet requests through only with anonymous auth and an authorizer that allows system:anonymous', () => {
    const cases: [Parameters<typeof kubelet>[0], ApiserverFacts['authorizationModes']['value'], string][] = [
      [{ anonymous: true, mode: 'AlwaysAllow' }, ['Node', 'RBAC'], 'succeeds'],
      [{ anonymous: false, mode: 'AlwaysAllow' }, ['AlwaysAllow'], 'blocked'],
      [{ anonymous: true, mode: 'Webhook' }, ['Node', 'RBAC'], 'blocked'],
      [{ anonymous: true, mode: 'Webhook' }, ['AlwaysAllow'], 'succeeds'],
      [{ anonymous: true, mode: 'Webhook' }, ['RBAC', 'AlwaysAllow'], 'succeeds'],
      // The apiserver's union stops at the first decision: AlwaysDeny before AlwaysAllow denies.
      [{ anonymous: true, mode: 'Webhook' }, ['AlwaysDeny', 'AlwaysAllow'], 'blocked'],
      [{ anonymous: false, mode: 'Webhook' }, ['AlwaysAllow'], 'blocked'],
    ];
    for (const [k, modes, outcome] of cases) {
      const config = { apiserver: apiserver({ modes }), kubelets: [kubelet(k)] };
      for (const attack of ['kubelet-anonymous-read', 'kubelet-anonymous-exec']) {
        expect({ k, modes, attack, outcome: predict(config, attack, 'node-1').outcome }).toEqual({ k, modes, attack, outcome });
      }
    }
  });

  it('explains a Webhook kubelet\'s refusal by the apiserver\'s authorization', () => {
    const p = predict({ apiserver: apiserver({ modes: ['Node', 'RBAC'] }), kubelets: [kubelet({ anonymous: true })] }, 'kubelet-anonymous-read', 'node-1');
    expect(p.because).toEqual(['4.2.1', '4.2.2', '1.2.6']);
    expect(p.reason).toBe("node-1's kubelet asks the apiserver about system:anonymous, and the apiserver's Node,RBAC authorization gives it nothing (403).");
  });

  it('reads the read-only port whenever it is open', () => {
    expect(predict({ apiserver: apiserver(), kubelets: [kubelet({ readOnlyPort: 10255 })] }, 'kubelet-readonly-read', 'node-1').outcome).toBe('succeeds');
    expect(predict({ apiserver: apiserver(), kubelets: [kubelet({ readOnlyPort: 0 })] }, 'kubelet-readonly-read', 'node-1').outcome).toBe('blocked');
  });

  it('puts a man in the middle only on a direct, unverified path', () => {
    const observe = (over: Parameters<typeof apiserver>[0]) => predict({ apiserver: apiserver(over), kubelets: [] }, 'mitm-observe').outcome;
    expect(observe({ egress: 'direct', ca: false })).toBe('succeeds');
    expect(observe({ egress: 'direct', ca: true })).toBe('blocked');
    expect(observe({ egress: 'konnectivity', ca: false })).toBe('blocked');
    expect(observe({ egress: 'ssh', ca: false })).toBe('blocked');
  });

  it('reads output through the middle only when the kubelet serves the attacker\'s own anonymous relay', () => {
    const read = (api: Parameters<typeof apiserver>[0], k: Parameters<typeof kubelet>[0]) =>
      predict({ apiserver: apiserver(api), kubelets: [kubelet(k)] }, 'mitm-read-output', 'node-1');
    expect(read({}, { anonymous: true, mode: 'AlwaysAllow' }).outcome).toBe('succeeds');
    expect(read({}, { anonymous: false, mode: 'AlwaysAllow' }).outcome).toBe('blocked');
    expect(read({}, { anonymous: true, mode: 'Webhook' }).outcome).toBe('blocked');
    expect(read({ modes: ['AlwaysAllow'] }, { anonymous: true, mode: 'Webhook' }).outcome).toBe('succeeds');
    const verified = read({ ca: true }, { anonymous: true, mode: 'AlwaysAllow' });
    expect(verified.outcome).toBe('blocked');
    expect(verified.because).toEqual(['1.2.5', 'egress=direct']);
    expect(verified.reason).toMatch(/^There is no man in the middle to relay: the apiserver verifies/);
  });

  it('sniffs and impersonates proxied pod traffic only when the apiserver dials pods directly', () => {
    for (const egress of ['direct', 'konnectivity', 'ssh'] as const) {
      const config = { apiserver: apiserver({ egress, ca: true }), kubelets: [] };
      const expected = egress === 'direct' ? 'succeeds' : 'blocked';
      expect([egress, predict(config, 'proxy-sniff').outcome, predict(config, 'proxy-impersonate').outcome]).toEqual([egress, expected, expected]);
    }
  });
});
