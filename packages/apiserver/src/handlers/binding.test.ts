import { describe, expect, it } from 'vitest';
import { forbidden, type KubeObject } from '@hubspoke/api';
import { definition, recordingContext, targetFor } from '../registry/test-support.ts';
import { bindPod } from './binding.ts';

const scheduler = { name: 'system:kube-scheduler', groups: ['system:authenticated'] };
const binding: KubeObject = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'node-1' } } as KubeObject;

async function setUp(onCall?: Parameters<typeof recordingContext>[0]) {
  const ctx = recordingContext(onCall);
  await ctx.storage.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team' }, spec: { containers: [{ name: 'c' }] } });
  const target = targetFor(definition(ctx, '', 'pods'), scheduler, { name: 'web', subresource: 'binding' });
  return { ctx, bind: () => bindPod({ storage: ctx.storage, admission: ctx.admission, target, podName: 'web', body: binding }) };
}

describe('bindPod', () => {
  it('admits the binding as a CREATE of pods/binding by the requesting user, then binds', async () => {
    const { ctx, bind } = await setUp();
    await bind();
    expect(ctx.calls.map((c) => [c.phase, c.attrs.operation, c.attrs.resource.resource, c.attrs.subresource, c.attrs.kind.kind, c.attrs.namespace, c.attrs.name, c.attrs.user.name])).toEqual([
      ['admit', 'CREATE', 'pods', 'binding', 'Binding', 'team', 'web', 'system:kube-scheduler'],
      ['validate', 'CREATE', 'pods', 'binding', 'Binding', 'team', 'web', 'system:kube-scheduler'],
    ]);
    expect((ctx.storage.peek('pods', 'team', 'web')?.spec as { nodeName?: string }).nodeName).toBe('node-1');
  });

  it('leaves the pod unbound when admission refuses', async () => {
    const { ctx, bind } = await setUp(() => {
      throw forbidden('pods "web" is forbidden: no');
    });
    await expect(bind()).rejects.toMatchObject({ code: 403 });
    expect((ctx.storage.peek('pods', 'team', 'web')?.spec as { nodeName?: string }).nodeName).toBeUndefined();
  });
});
