import { describe, expect, it } from 'vitest';
import { invalid } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import { defaultPod } from './pod-defaults.ts';
import type { Pod } from './pod-types.ts';
import { POD_UPDATE_FORBIDDEN, validatePod } from './pod-validation.ts';

function pod(spec: Pod['spec'], name = 'web'): Pod {
  const p: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec };
  defaultPod(p);
  return p;
}

function messages(obj: KubeObject, old?: KubeObject): string[] {
  return validatePod(obj, old).map((e) => `${e.field}: ${e.message}`);
}

describe('validatePod', () => {
  it('accepts a defaulted single-container pod', () => {
    expect(messages(pod({ containers: [{ name: 'web', image: 'nginx' }] }))).toEqual([]);
  });

  it('requires containers, with the message kubectl shows', () => {
    const p = pod({ containers: [] });
    expect(invalid('Pod', 'web', validatePod(p)).message).toBe('Pod "web" is invalid: spec.containers: Required value');
  });

  it('checks container names, images and duplicates', () => {
    const p = pod({ containers: [{ name: 'Web', image: '' }, { name: 'b', image: 'x' }, { name: 'b', image: 'x' }] });
    expect(messages(p)).toEqual([
      expect.stringMatching(/^spec\.containers\[0\]\.name: Invalid value: "Web": a lowercase RFC 1123 label must consist of/),
      'spec.containers[0].image: Required value',
      'spec.containers[2].name: Duplicate value: "b"',
    ]);
  });

  it('rejects an unknown restart policy and an out-of-range port', () => {
    const p = pod({ containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 70000, protocol: 'HTTP' }] }], restartPolicy: 'Sometimes' });
    expect(messages(p)).toEqual([
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
  });

  it('allows changing a container image on update', () => {
    const old = pod({ containers: [{ name: 'c', image: 'nginx:1.26' }] });
    const next = structuredClone(old);
    next.spec!.containers![0].image = 'nginx:1.27';
    expect(messages(next, old)).toEqual([]);
  });

  it('forbids any other spec change with Kubernetes\' message and a diff', () => {
    const old = pod({ containers: [{ name: 'c', image: 'nginx' }] });
    const next = structuredClone(old);
    next.spec!.nodeName = 'node-2';
    const errs = validatePod(next, old);
    expect(errs).toHaveLength(1);
    expect(errs[0].field).toBe('spec');
    expect(errs[0].message.startsWith(`Forbidden: ${POD_UPDATE_FORBIDDEN}\n`)).toBe(true);
    expect(errs[0].message).toContain('+ \tnodeName: "node-2",');
    expect(POD_UPDATE_FORBIDDEN).toMatch(/^pod updates may not change fields other than `spec.containers\[\*\].image`,/);
  });

  it('allows adding tolerations but not removing them', () => {
    const old = pod({ containers: [{ name: 'c', image: 'nginx' }] });
    const added = structuredClone(old);
    added.spec!.tolerations!.push({ key: 'dedicated', operator: 'Equal', value: 'lab', effect: 'NoSchedule' });
    expect(messages(added, old)).toEqual([]);
    const removed = structuredClone(old);
    removed.spec!.tolerations = [];
    expect(messages(removed, old)).toEqual(['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  });

  it('lets activeDeadlineSeconds only shrink', () => {
    const old = pod({ containers: [{ name: 'c', image: 'nginx' }], activeDeadlineSeconds: 100 });
    const shorter = structuredClone(old);
    shorter.spec!.activeDeadlineSeconds = 50;
    expect(messages(shorter, old)).toEqual([]);
    const longer = structuredClone(old);
    longer.spec!.activeDeadlineSeconds = 200;
    expect(messages(longer, old)).toEqual(['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value']);
  });
});
