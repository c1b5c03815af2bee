import { describe, expect, it } from 'vitest';
import { forbidden, type KubeObject } from '@hubspoke/api';
import { definition, recordingContext, targetFor } from '../registry/test-support.ts';
import { tokenRequest, type TokenSigner } from './token-request.ts';

const node = { name: 'system:node:node-1', groups: ['system:nodes', 'system:authenticated'] };
const body: KubeObject = {
  apiVersion: 'authentication.k8s.io/v1',
  kind: 'TokenRequest',
  metadata: {},
  spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'web-uid' } },
} as KubeObject;

async function setUp(onCall?: Parameters<typeof recordingContext>[0]) {
  const ctx = recordingContext(onCall);
  const issued: unknown[] = [];
  const signer: TokenSigner = { issue: async (claims) => (issued.push(claims), 'signed-token') };
  await ctx.storage.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'team' } });
  await ctx.storage.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team' }, spec: { nodeName: 'node-1', serviceAccountName: 'app' } });
  const pod = ctx.storage.peek('pods', 'team', 'web')!;
  const request = structuredClone(body);
  (request.spec as { boundObjectRef: { uid?: string } }).boundObjectRef.uid = pod.metadata.uid;
  const target = targetFor(definition(ctx, '', 'serviceaccounts'), node, { name: 'app', subresource: 'token' });
  const run = () => tokenRequest({ storage: ctx.storage, admission: ctx.admission, target, signer, apiAudiences: ['api'], body: request, now: new Date() });
  return { ctx, issued, run };
}

describe('tokenRequest', () => {
  it('admits the request as a CREATE of serviceaccounts/token by the requesting user, then issues', async () => {
    const { ctx, issued, run } = await setUp();
    expect((await run()).status).toMatchObject({ token: 'signed-token' });
    expect(ctx.calls.map((c) => [c.phase, c.attrs.operation, c.attrs.resource.resource, c.attrs.subresource, c.attrs.kind, c.attrs.name, c.attrs.user.name])).toEqual([
      ['admit', 'CREATE', 'serviceaccounts', 'token', { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, 'app', 'system:node:node-1'],
      ['validate', 'CREATE', 'serviceaccounts', 'token', { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, 'app', 'system:node:node-1'],
    ]);
    expect(ctx.calls[0].attrs.object?.spec).toMatchObject({ boundObjectRef: { kind: 'Pod', name: 'web' } });
    expect(issued).toHaveLength(1);
  });

  it('refuses to bind a token to a pod that runs as another ServiceAccount', async () => {
    const { ctx, issued, run } = await setUp();
    await ctx.storage.update('pods', 'team', 'web', (pod) => ({ ...pod, spec: { ...(pod.spec as object), serviceAccountName: 'other' } }));
    await expect(run()).rejects.toMatchObject({
      code: 400,
      message: 'cannot bind token for serviceaccount "app" to pod running with different serviceaccount name.',
    });
    expect(issued).toEqual([]);
  });

  it('issues nothing when admission refuses', async () => {
    const { issued, run } = await setUp(() => {
      throw forbidden('serviceaccounts "app" is forbidden: node requested token bound to a pod scheduled on a different node');
    });
    await expect(run()).rejects.toMatchObject({ code: 403 });
    expect(issued).toEqual([]);
  });
});
