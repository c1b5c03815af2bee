import { afterEach, describe, expect, it } from 'vitest';
import { createCA, issueCertificate } from '@hubspoke/pki';
import type { ReviewToken } from './agent-auth.ts';
import { startTestCluster, type TestCluster } from '../testing/cluster.ts';
import { eventually, probe } from '../testing/fixture.ts';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('agent backend', () => {
  it('is ready only while at least one agent is connected', async () => {
    cluster = await startTestCluster();
    const admin = cluster.server.adminPort!;
    expect(await probe(admin, '/readyz')).toEqual({ status: 503, body: 'Ready: false, reason: no agent is connected to the proxy server\n' });
    const agent = await cluster.startAgent();
    await agent.whenConnected();
    await eventually(async () => (await probe(admin, '/readyz')).status === 200);
    expect((await probe(admin, '/metrics')).body).toContain('konnectivity_network_proxy_server_ready_backend_connections 1\n');
    await agent.close();
    await eventually(async () => (await probe(admin, '/readyz')).status === 503);
    expect((await probe(admin, '/metrics')).body).toContain('konnectivity_network_proxy_server_ready_backend_connections 0\n');
  });

  it('refuses an agent whose client certificate comes from another CA', async () => {
    cluster = await startTestCluster();
    const otherCA = await createCA({ commonName: 'not-the-cluster-ca' });
    const foreign = await issueCertificate({ ca: otherCA, commonName: 'system:konnectivity-agent', usage: 'client' });
    const agent = await cluster.startAgent({ agentCert: foreign.cert, agentKey: foreign.key });
    await eventually(() => agent.lastError !== undefined);
    expect(agent.connected).toBe(false);
    expect(agent.lastError).toMatch(/^proxy server refused the agent: 401 client certificate not accepted/);
    expect(cluster.server.agents()).toEqual([]);
    expect((await probe(cluster.server.adminPort!, '/metrics')).body).toMatch(/agent_auth_failures_total [1-9]/);
  });

  it('accepts a ServiceAccount token for the configured account and audience, and refuses others', async () => {
    const reviewed: Array<{ token: string; audiences: string[] }> = [];
    const reviewToken: ReviewToken = async (token, audiences) => {
      reviewed.push({ token, audiences });
      if (token === 'agent-token') return { authenticated: true, username: 'system:serviceaccount:kube-system:konnectivity-agent', audiences };
      if (token === 'other-sa') return { authenticated: true, username: 'system:serviceaccount:default:default', audiences };
      return { authenticated: false, error: 'invalid bearer token' };
    };
    cluster = await startTestCluster({
      agentAuth: { reviewToken, agentNamespace: 'kube-system', agentServiceAccount: 'konnectivity-agent', authenticationAudience: 'system:konnectivity-server' },
    });
    const noCert = { agentCert: undefined, agentKey: undefined };
    const good = await cluster.startAgent({ ...noCert, serviceAccountToken: () => 'agent-token\n' });
    await good.whenConnected();
    expect(cluster.server.agents()[0].user).toBe('system:serviceaccount:kube-system:konnectivity-agent');
    expect(reviewed[0]).toEqual({ token: 'agent-token', audiences: ['system:konnectivity-server'] });

    const wrongAccount = await cluster.startAgent({ ...noCert, serviceAccountToken: () => 'other-sa' });
    const bogus = await cluster.startAgent({ ...noCert, serviceAccountToken: () => 'bogus' });
    const bare = await cluster.startAgent(noCert);
    await eventually(() => [wrongAccount, bogus, bare].every((a) => a.lastError !== undefined));
    expect(wrongAccount.lastError).toContain('401 token user system:serviceaccount:default:default is not system:serviceaccount:kube-system:konnectivity-agent');
    expect(bogus.lastError).toContain('401 token not authenticated: invalid bearer token');
    expect(bare.lastError).toContain('401 no client certificate and no bearer token');
    expect(cluster.server.agents().map((a) => a.agentId)).toEqual([good.agentId]);
  });
});
