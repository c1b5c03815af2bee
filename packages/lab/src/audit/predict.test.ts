import { describe, it, expect } from 'vitest';
import type { ApiserverFacts, AuditedConfiguration, KubeletFacts } from './configuration.ts';
import { predictAttacks, type Prediction } from './predict.ts';

const seen = <T>(value: T) => ({ value, evidence: String(value) });

function apiserver(over: { modes?: ApiserverFacts['authorizationModes']['value']; ca?: boolean; cnCheck?: boolean; egress?: ApiserverFacts['egress']['value']; knownHosts?: boolean } = {}): ApiserverFacts {
  return {
    anonymousAuth: seen(true),
    authorizationModes: seen(over.modes ?? ['Node', 'RBAC']),
    kubeletClientCertificate: seen(true),
    kubeletCertificateAuthority: seen(over.ca ?? false),
    egress: seen(over.egress ?? 'direct'),
    sshKnownHosts: seen(over.knownHosts ?? false),
    kubeletCertCNValidation: seen(over.cnCheck ?? false),
  };
}

function kubelet(over: { anonymous?: boolean; mode?: 'AlwaysAllow' | 'Webhook'; tokenWebhook?: boolean; createCheck?: boolean; readOnlyPort?: number; node?: string } = {}): KubeletFacts {
  return {
    node: over.node ?? 'node-1',
    anonymousAuth: seen(over.anonymous ?? false),
    authorizationMode: seen(over.mode ?? 'Webhook'),
    authenticationTokenWebhook: seen(over.tokenWebhook ?? over.mode !== 'AlwaysAllow'),
    websocketUpgradeCreatePermission: seen(over.createCheck ?? false),
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
      'nodes-proxy-exec@a',
      'nodes-proxy-exec@b',
      'rogue-node',
      'upgrade-redirect',
      'token-replay',
    ]);
  });

  it('lets a `get nodes/proxy` token exec through a WebSocket unless the kubelet asks for `create`', () => {
    const cases: [Parameters<typeof kubelet>[0], ApiserverFacts['authorizationModes']['value'], string][] = [
      [{ mode: 'Webhook', createCheck: false }, ['Node', 'RBAC'], 'succeeds'],
      [{ mode: 'Webhook', createCheck: true }, ['Node', 'RBAC'], 'blocked'],
      [{ mode: 'Webhook', createCheck: true }, ['AlwaysAllow'], 'succeeds'],
      [{ mode: 'AlwaysAllow', anonymous: true, createCheck: true }, ['Node', 'RBAC'], 'succeeds'],
      // No token webhook: the token is ignored; without anonymous auth the request is refused before authorization.
      [{ mode: 'Webhook', tokenWebhook: false, anonymous: false }, ['Node', 'RBAC'], 'blocked'],
      [{ mode: 'Webhook', tokenWebhook: false, anonymous: true }, ['Node', 'RBAC'], 'blocked'],
    ];
    for (const [k, modes, outcome] of cases) {
      const p = predict({ apiserver: apiserver({ modes }), kubelets: [kubelet(k)] }, 'nodes-proxy-exec', 'node-1');
      expect({ k, modes, outcome: p.outcome }).toEqual({ k, modes, outcome });
    }
    const gated = predict({ apiserver: apiserver(), kubelets: [kubelet({ createCheck: true })] }, 'nodes-proxy-exec', 'node-1');
    expect(gated.because).toContain('KubeletWebsocketUpgradeCreatePermission=true');
    expect(gated.reason).toContain('needs `create`');
  });

  it('lets a rogue node answer for another unless the path is tunnelled or the CN is checked', () => {
    const rogue = (over: Parameters<typeof apiserver>[0]) => predict({ apiserver: apiserver(over), kubelets: [] }, 'rogue-node');
    expect(rogue({ ca: false }).outcome).toBe('succeeds');
    expect(rogue({ ca: true }).outcome).toBe('succeeds');
    expect(rogue({ ca: true, cnCheck: true }).outcome).toBe('blocked');
    expect(rogue({ ca: false, cnCheck: true }).outcome).toBe('succeeds');
    expect(rogue({ ca: true, egress: 'konnectivity' }).outcome).toBe('blocked');
    expect(rogue({ ca: true, cnCheck: true }).because).toContain('KubeletCertCNValidation=true');
  });

  it('never predicts a followed redirect or a replayed pod token, and says why', () => {
    for (const over of [{}, { ca: true }, { ca: true, cnCheck: true }, { egress: 'ssh' as const }]) {
      const config = { apiserver: apiserver(over), kubelets: [] };
      expect(predict(config, 'upgrade-redirect').outcome).toBe('blocked');
      expect(predict(config, 'upgrade-redirect').because[0]).toBe('CVE-2020-8559');
      expect(predict(config, 'token-replay')).toMatchObject({ outcome: 'blocked', because: ['bound-token'] });
    }
    expect(predict({ apiserver: apiserver(), kubelets: [] }, 'upgrade-redirect').reason).toMatch(/^The malicious kubelet is dialled .* since the CVE-2020-8559 fix/);
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
