import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { requireNode, resolveContainer } from './pod-target.ts';

const pod = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec });

describe('resolveContainer', () => {
  it('defaults to the only regular container, even beside init containers', () => {
    expect(resolveContainer(pod({ initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] }), '')).toBe('app');
  });

  it('accepts any container of the pod by name, init and ephemeral ones included', () => {
    const p = pod({ initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b' }], ephemeralContainers: [{ name: 'debug' }] });
    expect(['init', 'b', 'debug'].map((c) => resolveContainer(p, c))).toEqual(['init', 'b', 'debug']);
  });

  it('asks for a name when there are several, listing all in Kubernetes order', () => {
    const p = pod({ initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b' }], ephemeralContainers: [{ name: 'debug' }] });
    expect(() => resolveContainer(p, '')).toThrow('a container name must be specified for pod p, choose one of: [init a b debug]');
    expect(() => resolveContainer(pod({ containers: [] }), '')).toThrow('a container name must be specified for pod p');
  });

  it('refuses an unknown container with 400', () => {
    expect(() => resolveContainer(pod({ containers: [{ name: 'a' }] }), 'z')).toThrow(expect.objectContaining({ code: 400, message: 'container z is not valid for pod p' }));
  });
});

describe('requireNode', () => {
  it('names the pod that has no node yet', () => {
    expect(requireNode(pod({ nodeName: 'n1' }))).toBe('n1');
    expect(() => requireNode(pod({}))).toThrow(expect.objectContaining({ code: 400, reason: 'BadRequest', message: 'pod p does not have a host assigned' }));
  });
});
