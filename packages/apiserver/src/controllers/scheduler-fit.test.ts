import type { KubeObject } from '@hubspoke/api';
import { describe, expect, it } from 'vitest';
import { filter, findFit, tolerates } from './scheduler-fit.ts';

function node(name: string, extra: { labels?: Record<string, string>; spec?: object; ready?: string } = {}): KubeObject {
  return {
    metadata: { name, labels: extra.labels ?? {} },
    spec: extra.spec ?? {},
    status: { conditions: [{ type: 'Ready', status: extra.ready ?? 'True' }] },
  };
}

function pod(spec: object = {}): KubeObject {
  return { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [], ...spec } };
}

const none = () => 0;

describe('findFit', () => {
  it('picks the node with the fewest pods, ties broken by name', () => {
    const counts: Record<string, number> = { a: 3, b: 1, c: 1 };
    expect(findFit(pod(), [node('a'), node('c'), node('b')], (n) => counts[n])).toEqual({ kind: 'fit', node: 'b' });
  });

  it('says there are no nodes when the cluster has none', () => {
    expect(findFit(pod(), [], none)).toEqual({ kind: 'unschedulable', message: 'no nodes available to schedule pods' });
  });

  it('explains a failure with the Kubernetes FitError text', () => {
    const tainted = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
    const result = findFit(pod({ nodeSelector: { disk: 'ssd' } }), [
      node('a', { spec: tainted }),
      node('b', { spec: tainted }),
      node('c', { spec: { unschedulable: true } }),
      node('d'),
    ], none);
    expect(result).toEqual({
      kind: 'unschedulable',
      message:
        "0/4 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable, " +
        '2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/4 nodes are available: 4 Preemption is not ' +
        'helpful for scheduling.',
    });
  });

  it('honours nodeSelector labels', () => {
    const nodes = [node('a'), node('b', { labels: { disk: 'ssd' } })];
    expect(findFit(pod({ nodeSelector: { disk: 'ssd' } }), nodes, none)).toEqual({ kind: 'fit', node: 'b' });
  });
});

describe('filter', () => {
  it('treats a node that is not Ready as tainted until the lifecycle controller taints it', () => {
    expect(filter(pod(), node('a', { ready: 'False' }))).toBe('node(s) had untolerated taint {node.kubernetes.io/not-ready: }');
    expect(filter(pod(), node('a', { ready: 'Unknown' }))).toBe('node(s) had untolerated taint {node.kubernetes.io/unreachable: }');
    const tolerant = pod({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] });
    expect(filter(tolerant, node('a', { ready: 'False' }))).toBeUndefined();
  });

  it('ignores PreferNoSchedule taints and tolerated ones', () => {
    const spec = { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }, { key: 'k', value: 'v', effect: 'NoExecute' }] };
    expect(filter(pod(), node('a', { spec }))).toBe('node(s) had untolerated taint {k: v}');
    expect(filter(pod({ tolerations: [{ key: 'k', value: 'v' }] }), node('a', { spec }))).toBeUndefined();
  });
});

describe('tolerates', () => {
  it('follows the key, operator, value and effect rules of v1.Toleration', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' as const };
    expect(tolerates({ operator: 'Exists' }, taint)).toBe(true);
    expect(tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
    expect(tolerates({ key: 'k', operator: 'Equal', value: 'v' }, taint)).toBe(true);
    expect(tolerates({ key: 'k', value: 'other' }, taint)).toBe(false);
    expect(tolerates({ key: 'other', operator: 'Exists' }, taint)).toBe(false);
  });
});
