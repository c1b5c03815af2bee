import { describe, expect, it } from 'vitest';
import { forbidden, type KubeObject } from '@hubspoke/api';
import type { UserInfo } from '@hubspoke/auth';
import { createObject, patchObject, updateObject } from './write.ts';
import { definition, recordingContext, targetFor } from './test-support.ts';

const dana: UserInfo = { name: 'dana', uid: 'dana-uid', groups: ['dev', 'system:authenticated'] };
const configMap = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf', namespace: 'team' }, data });
const summary = (ctx: ReturnType<typeof recordingContext>) =>
  ctx.calls.map((c) => [c.phase, c.attrs.operation, c.attrs.subresource, c.attrs.name, c.attrs.namespace, c.attrs.user.name, c.attrs.dryRun]);

describe('admission around writes', () => {
  it('admits a create as the requesting user: mutating before the strategy, validating after validation', async () => {
    const ctx = recordingContext(({ phase, attrs }) => {
      if (phase === 'admit') attrs.object!.metadata.labels = { admitted: 'yes' };
    });
    const csrs = definition(ctx, 'certificates.k8s.io', 'certificatesigningrequests');
    const body = { metadata: { name: 'csr-1' }, spec: { signerName: 'example.com/x', usages: ['client auth'], request: '', username: 'forged' } } as KubeObject;
    await expect(createObject(ctx, targetFor(csrs, dana), body, { dryRun: false })).rejects.toMatchObject({ code: 422 });
    // Validation failed after the mutating phase and before the validating one.
    expect(ctx.calls.map((c) => c.phase)).toEqual(['admit']);
    // The mutating phase saw the body as sent; the strategy had not yet recorded the requester.
    expect((ctx.calls[0].attrs.object!.spec as { username?: string }).username).toBe('forged');

    const pods = definition(ctx, '', 'pods');
    ctx.calls.length = 0;
    const stored = await createObject(ctx, targetFor(pods, dana), { metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as KubeObject, { dryRun: false });
    expect(summary(ctx)).toEqual([
      ['admit', 'CREATE', '', 'web', 'team', 'dana', false],
      ['validate', 'CREATE', '', 'web', 'team', 'dana', false],
    ]);
    expect(stored.metadata.labels).toEqual({ admitted: 'yes' });
    expect(ctx.calls[0].attrs.resource).toEqual({ group: '', version: 'v1', resource: 'pods' });
    expect(ctx.calls[0].attrs.kind).toEqual({ group: '', version: 'v1', kind: 'Pod' });
  });

  it('stores nothing when admission refuses', async () => {
    const ctx = recordingContext(({ phase }) => {
      if (phase === 'validate') throw forbidden('configmaps "conf" is forbidden: no');
    });
    const cms = definition(ctx, '', 'configmaps');
    await expect(createObject(ctx, targetFor(cms, dana), configMap({ a: '1' }), { dryRun: false })).rejects.toMatchObject({ code: 403 });
    expect(ctx.storage.peek('configmaps', 'team', 'conf')).toBeUndefined();
  });

  it('admits PUT and PATCH as UPDATEs with the stored object as oldObject', async () => {
    const ctx = recordingContext();
    const cms = definition(ctx, '', 'configmaps');
    await ctx.storage.create('configmaps', configMap({ a: '1' }));
    const target = targetFor(cms, dana, { name: 'conf' });
    await updateObject(ctx, target, configMap({ a: '2' }), { dryRun: true });
    await patchObject(ctx, target, { contentType: 'application/merge-patch+json', bytes: Buffer.from('{"data":{"a":"3"}}') }, { dryRun: false });
    expect(summary(ctx)).toEqual([
      ['admit', 'UPDATE', '', 'conf', 'team', 'dana', true],
      ['validate', 'UPDATE', '', 'conf', 'team', 'dana', true],
      ['admit', 'UPDATE', '', 'conf', 'team', 'dana', false],
      ['validate', 'UPDATE', '', 'conf', 'team', 'dana', false],
    ]);
    expect(ctx.calls[0].attrs.oldObject?.data).toEqual({ a: '1' });
    expect(ctx.calls[0].attrs.object?.data).toEqual({ a: '2' });
    // The dry run left the stored object for the patch to start from.
    expect(ctx.calls[2].attrs.oldObject?.data).toEqual({ a: '1' });
    expect(ctx.calls[3].attrs.object?.data).toEqual({ a: '3' });
  });

  it('admits status writes as UPDATEs of the status subresource', async () => {
    const ctx = recordingContext();
    const nodes = definition(ctx, '', 'nodes');
    await ctx.storage.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
    const target = targetFor(nodes, dana, { name: 'node-1', subresource: 'status' });
    await patchObject(ctx, target, { contentType: 'application/merge-patch+json', bytes: Buffer.from('{"status":{"phase":"Running"}}') }, { dryRun: false });
    expect(summary(ctx)).toEqual([
      ['admit', 'UPDATE', 'status', 'node-1', '', 'dana', false],
      ['validate', 'UPDATE', 'status', 'node-1', '', 'dana', false],
    ]);
  });
});
