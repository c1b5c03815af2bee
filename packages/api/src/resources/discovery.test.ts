import { describe, expect, it } from 'vitest';
import { defaultCatalog } from './catalog.ts';
import {
  aggregatedDiscovery,
  aggregatedDiscoveryContentType,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  storageVersionHash,
} from './discovery.ts';

const catalog = defaultCatalog();

describe('legacy discovery', () => {
  it('answers /api with the core version and the server address', () => {
    expect(apiVersions(catalog, { serverAddress: '10.0.0.1:6443' })).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }],
    });
  });

  it('answers /apis with every named group and its preferred version', () => {
    const list = apiGroupList(catalog);
    expect(list.kind).toBe('APIGroupList');
    expect(list.apiVersion).toBe('v1');
    expect(list.groups.map((g) => g.name)).toEqual([
      'authentication.k8s.io', 'authorization.k8s.io', 'certificates.k8s.io', 'rbac.authorization.k8s.io',
      'coordination.k8s.io', 'discovery.k8s.io',
    ]);
    expect(list.groups[0]).toEqual({
      name: 'authentication.k8s.io',
      versions: [
        { groupVersion: 'authentication.k8s.io/v1', version: 'v1' },
        { groupVersion: 'authentication.k8s.io/v1beta1', version: 'v1beta1' },
      ],
      preferredVersion: { groupVersion: 'authentication.k8s.io/v1', version: 'v1' },
    });
    expect(apiGroup(catalog, 'rbac.authorization.k8s.io')?.kind).toBe('APIGroup');
    expect(apiGroup(catalog, 'apps')).toBeUndefined();
  });

  it('lists pods and its subresources in /api/v1 as kubectl expects', () => {
    const list = apiResourceList(catalog, '', 'v1')!;
    expect(list.groupVersion).toBe('v1');
    const pods = list.resources.filter((r) => r.name === 'pods' || r.name.startsWith('pods/'));
    expect(pods.map((r) => [r.name, r.kind, r.verbs.join(',')])).toEqual([
      ['pods', 'Pod', 'create,delete,deletecollection,get,list,patch,update,watch'],
      ['pods/attach', 'PodAttachOptions', 'create,get'],
      ['pods/binding', 'Binding', 'create'],
      ['pods/exec', 'PodExecOptions', 'create,get'],
      ['pods/log', 'Pod', 'get'],
      ['pods/portforward', 'PodPortForwardOptions', 'create,get'],
      ['pods/proxy', 'PodProxyOptions', 'create,delete,get,patch,update'],
      ['pods/status', 'Pod', 'get,patch,update'],
    ]);
    expect(pods[0]).toMatchObject({ singularName: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], storageVersionHash: 'xPOwRZ+Yhw8=' });
    expect(pods[1].singularName).toBe('');
  });

  it('names the other group of a subresource such as serviceaccounts/token', () => {
    const token = apiResourceList(catalog, '', 'v1')!.resources.find((r) => r.name === 'serviceaccounts/token');
    expect(token).toEqual({
      name: 'serviceaccounts/token',
      singularName: '',
      namespaced: true,
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    });
  });

  it('gives every listed resource a kind and verbs, and stored ones a storage version hash', () => {
    for (const g of catalog.groups()) {
      for (const v of g.versions) {
        const list = apiResourceList(catalog, g.name, v)!;
        expect(list.groupVersion).toBe(g.name ? `${g.name}/${v}` : v);
        for (const r of list.resources) {
          expect(r.kind, r.name).toMatch(/^[A-Z]/);
          expect(r.verbs.length, r.name).toBeGreaterThan(0);
          const def = catalog.lookup(g.name, v, r.name.split('/')[0])!;
          if (!r.name.includes('/')) expect(r.storageVersionHash !== undefined).toBe(!def.virtual);
        }
      }
    }
    expect(apiResourceList(catalog, 'apps', 'v1')).toBeUndefined();
  });

  it('computes storage version hashes as kube-apiserver does', () => {
    expect(storageVersionHash('', 'v1', 'Namespace')).toBe('Q3oi5N2YM8M=');
    expect(storageVersionHash('', 'v1', 'ConfigMap')).toBe('qFsyl6wFWjQ=');
  });
});

describe('aggregated discovery', () => {
  it('describes /api as one unnamed group in apidiscovery.k8s.io/v2', () => {
    const doc = aggregatedDiscovery(catalog, { scope: 'core' });
    expect(doc.kind).toBe('APIGroupDiscoveryList');
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2');
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0].metadata).toEqual({ creationTimestamp: null });
    const v1 = doc.items[0].versions[0];
    expect(v1.version).toBe('v1');
    expect(v1.freshness).toBe('Current');
    const pods = v1.resources.find((r) => r.resource === 'pods')!;
    expect(pods).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(pods.subresources!.map((s) => s.subresource)).toEqual(['attach', 'binding', 'exec', 'log', 'portforward', 'proxy', 'status']);
    expect(pods.subresources!.find((s) => s.subresource === 'exec')).toEqual({
      subresource: 'exec',
      responseKind: { group: '', version: 'v1', kind: 'PodExecOptions' },
      verbs: ['create', 'get'],
    });
    const nodes = v1.resources.find((r) => r.resource === 'nodes')!;
    expect(nodes.scope).toBe('Cluster');
  });

  it('describes /apis in v2beta1 for kubectl 1.27, with the same shape', () => {
    const doc = aggregatedDiscovery(catalog, { scope: 'groups', version: 'v2beta1' });
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    expect(doc.items.map((i) => i.metadata.name)).toEqual(apiGroupList(catalog).groups.map((g) => g.name));
    const authn = doc.items.find((i) => i.metadata.name === 'authentication.k8s.io')!;
    expect(authn.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1']);
    for (const item of doc.items) {
      for (const version of item.versions) {
        for (const r of version.resources) {
          expect(r.responseKind.kind, r.resource).toBeTruthy();
          expect(r.verbs.length, r.resource).toBeGreaterThan(0);
          expect(['Namespaced', 'Cluster']).toContain(r.scope);
        }
      }
    }
    expect(aggregatedDiscoveryContentType('v2beta1')).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
  });
});
