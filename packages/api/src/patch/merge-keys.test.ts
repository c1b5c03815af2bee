import { describe, expect, it } from 'vitest';
import { knowsPatchStrategies, patchStrategyFor } from './merge-keys.ts';

describe('patchStrategyFor', () => {
  it('knows the Pod lists kubectl patches by key', () => {
    expect(patchStrategyFor('Pod', 'spec.containers')).toEqual({ strategy: 'merge', mergeKey: 'name' });
    expect(patchStrategyFor('Pod', 'spec.initContainers[].env')).toEqual({ strategy: 'merge', mergeKey: 'name' });
    expect(patchStrategyFor('Pod', 'spec.containers[].ports')).toEqual({ strategy: 'merge', mergeKey: 'containerPort' });
    expect(patchStrategyFor('Pod', 'spec.containers[].volumeMounts')).toEqual({ strategy: 'merge', mergeKey: 'mountPath' });
    expect(patchStrategyFor('Pod', 'status.conditions')).toEqual({ strategy: 'merge', mergeKey: 'type' });
  });

  it('leaves lists without a patch merge key to be replaced', () => {
    expect(patchStrategyFor('Pod', 'status.containerStatuses')).toBeUndefined();
    expect(patchStrategyFor('Pod', 'spec.containers[].args')).toBeUndefined();
    expect(patchStrategyFor('Namespace', 'spec.finalizers')).toBeUndefined();
    expect(patchStrategyFor('Service', 'spec.ports')).toEqual({ strategy: 'merge', mergeKey: 'port' });
  });

  it('finds pod template fields under workloads', () => {
    expect(patchStrategyFor('Deployment', 'spec.template.spec.containers')).toEqual({ strategy: 'merge', mergeKey: 'name' });
    expect(patchStrategyFor('CronJob', 'spec.jobTemplate.spec.template.spec.volumes')).toEqual({
      strategy: 'merge',
      mergeKey: 'name',
    });
  });

  it('gives every kind, even unknown ones, the ObjectMeta rules', () => {
    expect(patchStrategyFor('ConfigMap', 'metadata.ownerReferences')).toEqual({ strategy: 'merge', mergeKey: 'uid' });
    expect(patchStrategyFor('Widget', 'metadata.finalizers')).toEqual({ strategy: 'merge' });
    expect(patchStrategyFor('Widget', 'spec.containers')).toBeUndefined();
    expect(knowsPatchStrategies('Widget')).toBe(false);
    expect(knowsPatchStrategies('Node')).toBe(true);
  });
});
