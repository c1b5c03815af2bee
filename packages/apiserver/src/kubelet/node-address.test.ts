import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { MemoryStorage } from '../storage/memory.ts';
import { DEFAULT_PREFERRED_ADDRESS_TYPES, kubeletEndpointOf, resolveKubelet } from './node-address.ts';

function node(status: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' }, status };
}

const addresses = [
  { type: 'InternalIP', address: '10.0.0.5' },
  { type: 'ExternalIP', address: '203.0.113.7' },
  { type: 'Hostname', address: 'node-a' },
];

describe('kubeletEndpointOf', () => {
  it('takes the first address whose type comes first in the preferred order, not the first listed', () => {
    expect(kubeletEndpointOf(node({ addresses }), DEFAULT_PREFERRED_ADDRESS_TYPES)).toEqual({ kind: 'found', endpoint: { host: 'node-a', port: 10250 } });
    expect(kubeletEndpointOf(node({ addresses }), ['ExternalIP', 'InternalIP'])).toEqual({ kind: 'found', endpoint: { host: '203.0.113.7', port: 10250 } });
  });

  it('uses the port the kubelet reported in daemonEndpoints', () => {
    const n = node({ addresses, daemonEndpoints: { kubeletEndpoint: { Port: 11250 } } });
    expect(kubeletEndpointOf(n, ['InternalIP'])).toEqual({ kind: 'found', endpoint: { host: '10.0.0.5', port: 11250 } });
  });

  it('explains a node without a usable address as Kubernetes does', () => {
    expect(kubeletEndpointOf(node({ addresses }), ['InternalDNS'])).toEqual({
      kind: 'no-address',
      message: 'no preferred addresses found; known addresses: [{InternalIP 10.0.0.5} {ExternalIP 203.0.113.7} {Hostname node-a}]',
    });
    expect(kubeletEndpointOf(node({}), ['InternalIP'])).toEqual({ kind: 'no-address', message: 'no preferred addresses found; known addresses: []' });
  });
});

describe('resolveKubelet', () => {
  it('reads the Node from storage and answers 404 for a missing one, 500 for one without an address', async () => {
    const storage = new MemoryStorage();
    await storage.create('nodes', node({ addresses }));
    await storage.create('nodes', { ...node({}), metadata: { name: 'bare' } });
    await expect(resolveKubelet(storage, 'node-a', ['InternalIP'])).resolves.toEqual({ host: '10.0.0.5', port: 10250, nodeName: 'node-a' });
    await expect(resolveKubelet(storage, 'node-z', ['InternalIP'])).rejects.toMatchObject({ code: 404, message: 'nodes "node-z" not found' });
    await expect(resolveKubelet(storage, 'bare', ['InternalIP'])).rejects.toMatchObject({ code: 500, reason: '' });
  });
});
