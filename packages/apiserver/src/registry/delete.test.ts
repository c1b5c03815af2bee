import { describe, expect, it } from 'vitest';
import type { UserInfo } from '@hubspoke/auth';
import { deleteCollection, deleteObject } from './delete.ts';
import { definition, recordingContext, targetFor } from './test-support.ts';

const dana: UserInfo = { name: 'dana', groups: ['system:authenticated'] };
const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team' } });

describe('admission around deletes', () => {
  it('admits a DELETE by name without an object, then validates it against the stored object', async () => {
    const ctx = recordingContext();
    await ctx.storage.create('configmaps', cm('a'));
    await deleteObject(ctx, targetFor(definition(ctx, '', 'configmaps'), dana, { name: 'a' }), { dryRun: false });
    expect(ctx.calls.map((c) => [c.phase, c.attrs.operation, c.attrs.name, c.attrs.user.name, c.attrs.object, c.attrs.oldObject?.metadata.name])).toEqual([
      ['admit', 'DELETE', 'a', 'dana', undefined, undefined],
      ['validate', 'DELETE', 'a', 'dana', undefined, 'a'],
    ]);
    expect(ctx.storage.peek('configmaps', 'team', 'a')).toBeUndefined();
  });

  it('keeps the object when admission refuses the delete', async () => {
    const ctx = recordingContext(({ phase }) => {
      if (phase === 'admit') throw Object.assign(new Error('no'), { code: 403 });
    });
    await ctx.storage.create('configmaps', cm('a'));
    await expect(deleteObject(ctx, targetFor(definition(ctx, '', 'configmaps'), dana, { name: 'a' }), { dryRun: false })).rejects.toThrow('no');
    expect(ctx.storage.peek('configmaps', 'team', 'a')).toBeDefined();
  });

  it('admits a deletecollection once, then validates each object it removes', async () => {
    const ctx = recordingContext();
    for (const name of ['a', 'b']) await ctx.storage.create('configmaps', cm(name));
    await deleteCollection(ctx, targetFor(definition(ctx, '', 'configmaps'), dana), new URLSearchParams(), { dryRun: false });
    expect(ctx.calls.map((c) => [c.phase, c.attrs.name, c.attrs.oldObject?.metadata.name])).toEqual([
      ['admit', '', undefined],
      ['validate', 'a', 'a'],
      ['validate', 'b', 'b'],
    ]);
  });
});
