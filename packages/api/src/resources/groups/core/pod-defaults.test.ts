import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../meta.ts';
import { defaultPullPolicy, imageTag } from './image.ts';
import { defaultPod } from './pod-defaults.ts';
import type { Pod } from './pod-types.ts';
import { podQOSClass } from './qos.ts';

function pod(spec: Pod['spec']): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec };
}

describe('image pull policy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['localhost:5000/nginx', 'Always'],
    ['localhost:5000/team/nginx:1.2', 'IfNotPresent'],
    ['nginx@sha256:0123abcd', 'IfNotPresent'],
    ['nginx:1.27@sha256:0123abcd', 'IfNotPresent'],
  ])('defaults %s to %s', (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });

  it('reads the tag after the last path segment, not a registry port', () => {
    expect(imageTag('registry:5000/app')).toBe('latest');
    expect(imageTag('registry:5000/app:v2')).toBe('v2');
  });

  it('keeps a pull policy the client chose', () => {
    const p = pod({ containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Never' }] });
    defaultPod(p);
    expect(p.spec!.containers![0].imagePullPolicy).toBe('Never');
  });
});

describe('defaultPod', () => {
  it('fills what a real apiserver fills', () => {
    const p = pod({ containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] });
    defaultPod(p);
    expect(p.spec).toEqual({
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          imagePullPolicy: 'IfNotPresent',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('adds no default toleration a pod already has, nor any when it tolerates everything', () => {
    const own = pod({
      containers: [{ name: 'c', image: 'x:1' }],
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }],
    });
    defaultPod(own);
    expect(own.spec!.tolerations!.map((t) => `${t.key}=${t.tolerationSeconds}`)).toEqual([
      'node.kubernetes.io/unreachable=5',
      'node.kubernetes.io/not-ready=300',
    ]);
    const all = pod({ containers: [{ name: 'c', image: 'x:1' }], tolerations: [{ operator: 'Exists' }] });
    defaultPod(all);
    expect(all.spec!.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('takes the account from the deprecated serviceAccount field', () => {
    const p = pod({ containers: [{ name: 'c', image: 'x:1' }], serviceAccount: 'builder' });
    defaultPod(p);
    expect(p.spec!.serviceAccountName).toBe('builder');
    expect(p.spec!.serviceAccount).toBe('builder');
  });

  it('leaves the account unset, for ServiceAccount admission to fill (and mirror pods to go without)', () => {
    const p = pod({ containers: [{ name: 'c', image: 'x:1' }] });
    defaultPod(p);
    expect(p.spec!.serviceAccountName).toBeUndefined();
    expect(p.spec!.serviceAccount).toBeUndefined();
  });

  it('is idempotent, so defaulting an update changes nothing twice', () => {
    const p = pod({ containers: [{ name: 'c', image: 'nginx' }] });
    defaultPod(p);
    const once = structuredClone(p);
    defaultPod(p as KubeObject);
    expect(p).toEqual(once);
  });

  it('copies limits into missing requests and classifies QoS', () => {
    const guaranteed = pod({ containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '500m', memory: '64Mi' } } }] });
    defaultPod(guaranteed);
    expect(guaranteed.spec!.containers![0].resources!.requests).toEqual({ cpu: '500m', memory: '64Mi' });
    expect(guaranteed.status!.qosClass).toBe('Guaranteed');
    expect(podQOSClass(pod({ containers: [{ name: 'c', resources: { requests: { cpu: '100m' } } }] }))).toBe('Burstable');
    expect(
      podQOSClass(pod({ containers: [{ name: 'c', resources: { requests: { cpu: '0.5' }, limits: { cpu: '500m', memory: '1Gi' } } }] })),
    ).toBe('Guaranteed');
  });
});
