import { describe, expect, it } from 'vitest';
import { clusterPlan, combinationId, DIMENSIONS, kubeletPlan, parseFilter, planMatrix } from './dimensions.ts';

describe('the matrix plan', () => {
  it('splits the 216 combinations into 18 clusters of 12 kubelets', () => {
    const plan = planMatrix();
    expect(plan.clusters).toHaveLength(18);
    expect(plan.kubelets).toHaveLength(12);
    const ids = plan.clusters.flatMap((c) => plan.kubelets.map((k) => combinationId({ ...c, ...k })));
    expect(new Set(ids).size).toBe(216);
    expect(ids[0]).toBe('kubelet-ca=unverified,client-cert=set,egress=direct,kubelet-auth=anonymous-off,read-only-port=off,upgrade-check=off');
  });

  it('keeps only the filtered values, alternatives within a dimension', () => {
    const filter = parseFilter('egress=direct,egress=ssh,read-only-port=on');
    expect(filter).toEqual({ kind: 'ok', filter: { egress: ['direct', 'ssh'], 'read-only-port': ['on'] } });
    const plan = planMatrix(filter.kind === 'ok' ? filter.filter : {});
    expect(plan.clusters.map((c) => c.egress)).toEqual(['direct', 'ssh', 'direct', 'ssh', 'direct', 'ssh', 'direct', 'ssh', 'direct', 'ssh', 'direct', 'ssh']);
    expect(plan.kubelets.every((k) => k['read-only-port'] === 'on')).toBe(true);
    expect(plan.kubelets).toHaveLength(6);
  });

  it('names the unknown dimension or value in a bad filter', () => {
    expect(parseFilter('egres=direct')).toEqual({ kind: 'error', message: 'unknown dimension "egres" in --filter (known: kubelet-ca, client-cert, egress, kubelet-auth, read-only-port, upgrade-check)' });
    expect(parseFilter('egress=tunnel')).toEqual({ kind: 'error', message: '--filter egress=tunnel: egress is one of direct, konnectivity, ssh' });
    expect(parseFilter('egress')).toMatchObject({ kind: 'error' });
  });

  it('turns values into apiserver and kubelet settings', () => {
    expect(clusterPlan({ 'kubelet-ca': 'verified', 'client-cert': 'unset', egress: 'konnectivity' })).toEqual({ verifyKubelets: true, cnCheck: false, kubeletClientCertificate: false, egress: 'konnectivity' });
    expect(clusterPlan({ 'kubelet-ca': 'verified-cn', 'client-cert': 'set', egress: 'direct' })).toEqual({ verifyKubelets: true, cnCheck: true, kubeletClientCertificate: true, egress: 'direct' });
    expect(kubeletPlan({ 'kubelet-auth': 'anonymous-alwaysallow', 'read-only-port': 'on', 'upgrade-check': 'off' })).toEqual({
      anonymousAuth: true,
      authenticationTokenWebhook: false,
      authorizationMode: 'AlwaysAllow',
      readOnlyPort: 10255,
      featureGates: { KubeletWebsocketUpgradeCreatePermission: false },
    });
    expect(kubeletPlan({ 'kubelet-auth': 'anonymous-off', 'read-only-port': 'off', 'upgrade-check': 'on' })).toEqual({
      anonymousAuth: false,
      authenticationTokenWebhook: true,
      authorizationMode: 'Webhook',
      readOnlyPort: 0,
      featureGates: { KubeletWebsocketUpgradeCreatePermission: true },
    });
    expect(() => clusterPlan({ egress: 'direct' })).toThrow(/no value for kubelet-ca/);
  });

  it('lets a caller add a dimension (a gate) without touching the others', () => {
    const gate = { level: 'cluster' as const, id: 'gate', title: 'a gate', values: [{ id: 'on', label: 'on', apply: <P>(p: P) => p }, { id: 'off', label: 'off', apply: <P>(p: P) => p }] };
    expect(planMatrix({}, [...DIMENSIONS, gate]).clusters).toHaveLength(36);
  });
});
