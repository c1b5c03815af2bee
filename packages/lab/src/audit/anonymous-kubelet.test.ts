import { describe, it, expect } from 'vitest';
import https from 'node:https';
import type { AuthorizationMode } from '@hubspoke/apiserver';
import { startCluster } from '../cluster.ts';
import { auditConfiguration } from './audit.ts';

// The one prediction rule that spans both sides (a Webhook kubelet asks the apiserver about system:anonymous),
// held against a running cluster; the flag matrix does this for every attack.
function anonymousGetPods(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get({ host, port, path: '/pods', rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('anonymous reads of a Webhook kubelet, predicted and measured', () => {
  for (const modes of [['Node', 'RBAC'], ['Node', 'RBAC', 'AlwaysAllow']] as AuthorizationMode[][]) {
    it(`agree when the apiserver authorizes with ${modes.join(',')}`, async () => {
      const kubelet = { anonymousAuth: true, authorizationMode: 'Webhook' as const };
      const cluster = await startCluster({ nodes: 1, apiserver: { authorizationModes: modes }, kubelet });
      try {
        const [k] = cluster.kubelets;
        const outcome = await auditConfiguration({
          apiserver: { options: { authorizationModes: modes } },
          kubelets: [{ config: { ...kubelet, nodeName: k.nodeName, kubeconfig: '/k' } }],
        });
        if (outcome.kind === 'error') throw new Error(outcome.message);
        const predicted = outcome.report.predictions.find((p) => p.attack === 'kubelet-anonymous-read')?.outcome;
        const status = await anonymousGetPods(k.address, k.port);
        expect(status).toBe(predicted === 'succeeds' ? 200 : 403);
        expect(predicted).toBe(modes.includes('AlwaysAllow') ? 'succeeds' : 'blocked');
      } finally {
        await cluster.close();
      }
    });
  }
});
