import { describe, expect, it } from 'vitest';
import type { ResourceDefinition } from '../resource.ts';
import { ResourceCatalog, compareVersions, defaultCatalog, storageKey } from './catalog.ts';

const catalog = defaultCatalog();

describe('ResourceCatalog', () => {
  it('finds resources by group, version and plural', () => {
    expect(catalog.lookup('', 'v1', 'pods')?.kind).toBe('Pod');
    expect(catalog.lookup('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings')?.namespaced).toBe(false);
    expect(catalog.lookup('', 'v1', 'deployments')).toBeUndefined();
    expect(catalog.lookup('apps', 'v1', 'pods')).toBeUndefined();
  });

  it('finds a kind in its preferred version', () => {
    expect(catalog.byKind('authentication.k8s.io', 'SelfSubjectReview')?.version).toBe('v1');
    expect(catalog.lookup('authentication.k8s.io', 'v1beta1', 'selfsubjectreviews')?.kind).toBe('SelfSubjectReview');
    expect(catalog.byKind('', 'Node')?.plural).toBe('nodes');
  });

  it('lists core first, then named groups in Kubernetes\' order, preferred version first', () => {
    expect(catalog.groups()).toEqual([
      { name: '', versions: ['v1'], preferredVersion: 'v1' },
      { name: 'authentication.k8s.io', versions: ['v1', 'v1beta1'], preferredVersion: 'v1' },
      { name: 'authorization.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
      { name: 'certificates.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
      { name: 'rbac.authorization.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
      { name: 'coordination.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
      { name: 'discovery.k8s.io', versions: ['v1'], preferredVersion: 'v1' },
    ]);
  });

  it('names storage like the apiserver: plural, qualified by group outside core', () => {
    expect(storageKey(catalog.byKind('', 'Pod')!)).toBe('pods');
    expect(catalog.storageKey(catalog.byKind('rbac.authorization.k8s.io', 'Role')!)).toBe('roles.rbac.authorization.k8s.io');
  });

  it('serves every resource the brief lists, with Kubernetes\' short names and verbs', () => {
    const summary = (g: string, p: string) => {
      const d = catalog.lookup(g, 'v1', p)!;
      return [d.kind, d.namespaced, d.shortNames ?? [], d.verbs.join(','), d.subresources ?? []];
    };
    const all = 'create,delete,deletecollection,get,list,patch,update,watch';
    expect(summary('', 'namespaces')).toEqual(['Namespace', false, ['ns'], 'create,delete,get,list,patch,update,watch', ['finalize', 'status']]);
    expect(summary('', 'nodes')).toEqual(['Node', false, ['no'], all, ['proxy', 'status']]);
    expect(summary('', 'pods')).toEqual(['Pod', true, ['po'], all, ['attach', 'binding', 'exec', 'log', 'portforward', 'proxy', 'status']]);
    expect(summary('', 'services')).toEqual(['Service', true, ['svc'], all, ['proxy', 'status']]);
    expect(summary('', 'serviceaccounts')).toEqual(['ServiceAccount', true, ['sa'], all, ['token']]);
    expect(summary('', 'bindings')).toEqual(['Binding', true, [], 'create', []]);
    expect(summary('certificates.k8s.io', 'certificatesigningrequests')).toEqual([
      'CertificateSigningRequest', false, ['csr'], all, ['approval', 'status'],
    ]);
    expect(catalog.lookup('', 'v1', 'pods')!.categories).toEqual(['all']);
    expect(catalog.all().filter((d) => d.categories?.includes('all')).map((d) => d.plural)).toEqual(['pods', 'services']);
  });

  it('refuses two definitions for the same resource', () => {
    const pods = catalog.lookup('', 'v1', 'pods') as ResourceDefinition;
    expect(() => new ResourceCatalog([pods, { ...pods }])).toThrow('duplicate resource /v1/pods');
  });

  it('orders versions GA, then beta, then alpha', () => {
    expect(['v1beta1', 'v1alpha1', 'v2', 'v1', 'v2beta1'].sort(compareVersions)).toEqual(['v2', 'v1', 'v2beta1', 'v1beta1', 'v1alpha1']);
  });
});
