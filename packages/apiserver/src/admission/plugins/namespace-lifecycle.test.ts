import { describe, expect, it } from 'vitest';
import type { AdmissionVerdict } from '../plugin.ts';
import { attributes, contextOf } from '../test-support.ts';
import { namespaceLifecycle } from './namespace-lifecycle.ts';

const ctx = contextOf({
  'namespaces//team': { metadata: { name: 'team' }, status: { phase: 'Active' } },
  'namespaces//doomed': { metadata: { name: 'doomed', deletionTimestamp: '2025-01-01T00:00:00Z' }, status: { phase: 'Terminating' } },
});
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };
const NAMESPACE_KIND = { group: '', version: 'v1', kind: 'Namespace' };
// The plugin answers synchronously: it only reads the namespace from storage.
const admit = (over: Parameters<typeof attributes>[0]) => namespaceLifecycle.admit!(attributes(over), ctx) as AdmissionVerdict;

describe('NamespaceLifecycle', () => {
  it('admits creates in a live namespace and any write to cluster-scoped objects', () => {
    expect(admit({ operation: 'CREATE', namespace: 'team', name: 'web', object: { metadata: { name: 'web' } } })).toBeUndefined();
    const node = { group: '', version: 'v1', resource: 'nodes' };
    expect(admit({ operation: 'CREATE', resource: node, name: 'n1', object: { metadata: { name: 'n1' } } })).toBeUndefined();
  });

  it('answers 404 for a namespace that does not exist', () => {
    const refusal = admit({ operation: 'CREATE', namespace: 'ghost', name: 'web', object: { metadata: { name: 'web' } } });
    expect(refusal?.toStatus()).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "ghost" not found' });
  });

  it('refuses new content in a terminating namespace with the NamespaceTerminating cause', () => {
    const refusal = admit({ operation: 'CREATE', namespace: 'doomed', name: 'x', object: { metadata: { name: 'x' } } });
    expect(refusal?.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "x" is forbidden: unable to create new content in namespace doomed because it is being terminated',
      reason: 'Forbidden',
      details: {
        name: 'x',
        kind: 'pods',
        causes: [{ reason: 'NamespaceTerminating', message: 'namespace doomed is being terminated', field: 'metadata.namespace' }],
      },
      code: 403,
    });
    // Updates and deletes of what is already there go on while the namespace empties.
    expect(admit({ operation: 'UPDATE', namespace: 'doomed', name: 'x', object: { metadata: { name: 'x' } } })).toBeUndefined();
    expect(admit({ operation: 'DELETE', namespace: 'doomed', name: 'x' })).toBeUndefined();
  });

  it('names a generateName object by its prefix', () => {
    const refusal = admit({ operation: 'CREATE', namespace: 'doomed', object: { metadata: { generateName: 'job-' } } });
    expect(refusal?.message).toBe('pods "job-" is forbidden: unable to create new content in namespace doomed because it is being terminated');
  });

  it('refuses to delete default, kube-system and kube-public', () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      const refusal = admit({ operation: 'DELETE', resource: NAMESPACES, kind: NAMESPACE_KIND, name });
      expect(refusal?.toStatus()).toMatchObject({
        code: 403,
        message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        details: { name, kind: 'namespaces' },
      });
    }
    expect(admit({ operation: 'DELETE', resource: NAMESPACES, kind: NAMESPACE_KIND, name: 'team' })).toBeUndefined();
  });
});
