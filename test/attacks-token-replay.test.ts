// `token-replay` over real sockets: a pod's ServiceAccount token, read out of the pod with exec, works from
// anywhere while the pod lives (the apiserver says whose it is and which pod it is bound to) and is refused
// with 401 once the pod is deleted, although the token has not expired — the binding is checked on every use.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { runAttackerCommand } from './support/attacker-command.ts';
import { replayToken } from '../packages/attacker/src/token-replay/token-replay.ts';
import { kubectl } from './support/kubectl.ts';
import { createPod, waitRunning } from './support/pods.ts';

let c: Cluster;
let stolen: string;
beforeAll(async () => {
  c = await startCluster({ nodes: 1, nodeAddressPrefix: '127.0.44' });
  await createPod(c, 'victim', { image: 'hubspoke/shell', stdin: true });
  await waitRunning(c, 'victim');
  const read = await kubectl(['exec', 'victim', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'], { kubeconfig: c.adminKubeconfig });
  expect(read.stderr).toBe('');
  stolen = read.stdout.trim();
}, 60_000);
afterAll(async () => {
  await c?.close();
});

describe('a stolen pod ServiceAccount token', () => {
  it('is accepted while its pod exists, as the pod’s ServiceAccount, and bound to that pod', async () => {
    const result = await replayToken({ server: c.server, token: stolen, caCert: c.pki.ca.cert });
    expect(result).toMatchObject({
      outcome: 'accepted',
      status: 201,
      user: {
        username: 'system:serviceaccount:default:default',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
        extra: { 'authentication.kubernetes.io/pod-name': ['victim'] },
      },
    });
    expect(await runAttackerCommand(['token-replay', '--server', c.server, '--token', stolen])).toBe('accepted (201): the token is system:serviceaccount:default:default, bound to pod victim\n');
  });

  it('is refused with 401 Unauthorized once the pod is deleted, before it expires', async () => {
    await c.admin.delete('/api/v1/namespaces/default/pods/victim', { gracePeriodSeconds: 0 });
    await waitFor(async () => (await c.admin.list('/api/v1/namespaces/default/pods')).items.length === 0, { timeoutMs: 20_000, what: 'the pod gone' });
    expect((decodeJwt(stolen).exp ?? 0) * 1000).toBeGreaterThan(Date.now());

    expect(await replayToken({ server: c.server, token: stolen, caCert: c.pki.ca.cert })).toEqual({ outcome: 'rejected', status: 401, text: 'Unauthorized' });
    expect(await runAttackerCommand(['token-replay', '--server', c.server, '--token', stolen, '--output', 'json'])).toBe(
      `${JSON.stringify({ outcome: 'rejected', status: 401, text: 'Unauthorized' }, null, 2)}\n`,
    );
  }, 30_000);
});
