import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import type { Attributes } from '../attributes.ts';
import { attributes, contextOf, verdict, type Stored } from '../test-support.ts';
import { serviceAccountAdmission } from './service-account.ts';

const plugin = serviceAccountAdmission({ defaultAccountAttempts: 3, retryIntervalMs: () => 5 });
const stored: Stored = {
  'serviceaccounts/team/default': { metadata: { name: 'default', namespace: 'team' } },
  'serviceaccounts/team/builder': { metadata: { name: 'builder', namespace: 'team' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'registry' }] },
  'serviceaccounts/team/strict': {
    metadata: { name: 'strict', namespace: 'team', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } },
    secrets: [{ name: 'allowed' }],
  },
};
const ctx = contextOf(stored);

function podCreate(spec: Record<string, unknown>, meta: KubeObject['metadata'] = {}): Attributes {
  return attributes({ operation: 'CREATE', namespace: 'team', name: 'web', object: { metadata: { name: 'web', namespace: 'team', ...meta }, spec } });
}
async function admitted(attrs: Attributes): Promise<Record<string, any>> {
  expect(await plugin.admit!(attrs, ctx)).toBeUndefined();
  return attrs.object!.spec as Record<string, any>;
}

const MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('ServiceAccount admission', () => {
  it('defaults the account to default and mounts kube-api-access into every container and init container', async () => {
    const spec = await admitted(podCreate({ initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] }));
    expect(spec.serviceAccountName).toBe('default');
    const volume = spec.volumes.at(-1);
    expect(volume.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume).toEqual({
      name: volume.name,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
        defaultMode: 420,
      },
    });
    const mount = { name: volume.name, readOnly: true, mountPath: MOUNT_PATH };
    expect(spec.initContainers[0].volumeMounts).toEqual([mount]);
    expect(spec.containers[0].volumeMounts).toEqual([mount]);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, mount]);
  });

  it('leaves a container that already mounts something at the token path alone, and reuses an existing kube-api-access volume', async () => {
    const spec = await admitted(
      podCreate({
        volumes: [{ name: 'kube-api-access-mine', emptyDir: {} }],
        containers: [{ name: 'own', volumeMounts: [{ name: 'x', mountPath: MOUNT_PATH }] }, { name: 'plain' }],
      }),
    );
    expect(spec.volumes).toEqual([{ name: 'kube-api-access-mine', emptyDir: {} }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'x', mountPath: MOUNT_PATH }]);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'kube-api-access-mine', readOnly: true, mountPath: MOUNT_PATH }]);
  });

  it('adds no volume when every container already mounts the token path', async () => {
    const spec = await admitted(podCreate({ containers: [{ name: 'own', volumeMounts: [{ name: 'x', mountPath: MOUNT_PATH }] }] }));
    expect(spec.volumes).toBeUndefined();
  });

  it('mounts nothing when the pod, or an account the pod does not overrule, turns automounting off', async () => {
    const off = await admitted(podCreate({ automountServiceAccountToken: false, containers: [{ name: 'a' }] }));
    expect([off.volumes, off.containers[0].volumeMounts]).toEqual([undefined, undefined]);
    const saOff = await admitted(podCreate({ serviceAccountName: 'builder', containers: [{ name: 'a' }] }));
    expect([saOff.volumes, saOff.containers[0].volumeMounts]).toEqual([undefined, undefined]);
    const podWins = await admitted(podCreate({ serviceAccountName: 'builder', automountServiceAccountToken: true, containers: [{ name: 'a' }] }));
    expect(podWins.containers[0].volumeMounts).toHaveLength(1);
  });

  it('copies the account\'s imagePullSecrets into a pod that has none', async () => {
    const spec = await admitted(podCreate({ serviceAccountName: 'builder', containers: [{ name: 'a' }] }));
    expect(spec.imagePullSecrets).toEqual([{ name: 'registry' }]);
    const own = await admitted(podCreate({ serviceAccountName: 'builder', imagePullSecrets: [{ name: 'mine' }], containers: [{ name: 'a' }] }));
    expect(own.imagePullSecrets).toEqual([{ name: 'mine' }]);
  });

  it('refuses a pod whose account does not exist, with Kubernetes\' text', async () => {
    expect(await verdict(plugin.admit!(podCreate({ serviceAccountName: 'ghost', containers: [{ name: 'a' }] }), ctx))).toEqual({
      code: 403,
      message: 'pods "web" is forbidden: error looking up service account team/ghost: serviceaccount "ghost" not found',
    });
    const noDefault = podCreate({ containers: [{ name: 'a' }] });
    noDefault.namespace = 'empty';
    expect(await verdict(plugin.admit!(noDefault, ctx))).toEqual({
      code: 403,
      message: 'pods "web" is forbidden: error looking up service account empty/default: serviceaccount "default" not found',
    });
  });

  it('waits a little for the default account a controller is about to create', async () => {
    const late: Stored = {};
    const lateCtx = contextOf(late);
    setTimeout(() => (late['serviceaccounts/fresh/default'] = { metadata: { name: 'default', namespace: 'fresh' } }), 3);
    const attrs = podCreate({ containers: [{ name: 'a' }] });
    attrs.namespace = 'fresh';
    expect(await plugin.admit!(attrs, lateCtx)).toBeUndefined();
    expect((attrs.object!.spec as any).volumes).toHaveLength(1);
  });

  it('never changes a mirror pod, and refuses one that references an account, secrets or token projections', async () => {
    const mirror = { 'kubernetes.io/config.mirror': 'abc' };
    const plain = podCreate({ containers: [{ name: 'a' }] }, { annotations: mirror });
    expect(await plugin.admit!(plain, ctx)).toBeUndefined();
    expect(plain.object!.spec).toEqual({ containers: [{ name: 'a' }] });
    const refusals = await Promise.all(
      [
        { serviceAccountName: 'default', containers: [{ name: 'a' }] },
        { containers: [{ name: 'a', env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] },
        { volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }], containers: [{ name: 'a' }] },
      ].map(async (spec) => (await verdict(plugin.admit!(podCreate(spec, { annotations: mirror }), ctx)))?.message),
    );
    expect(refusals).toEqual([
      'pods "web" is forbidden: a mirror pod may not reference service accounts',
      'pods "web" is forbidden: a mirror pod may not reference secrets',
      'pods "web" is forbidden: a mirror pod may not use ServiceAccountToken volume projections',
    ]);
  });

  it('holds pods of an account with enforce-mountable-secrets to the secrets it lists', async () => {
    const ok = podCreate({ serviceAccountName: 'strict', automountServiceAccountToken: false, volumes: [{ name: 'v', secret: { secretName: 'allowed' } }], containers: [{ name: 'a' }] });
    expect(await plugin.admit!(ok, ctx)).toBeUndefined();
    const env = podCreate({
      serviceAccountName: 'strict',
      containers: [{ name: 'app', env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }] }],
    });
    expect((await verdict(plugin.admit!(env, ctx)))?.message).toBe(
      'pods "web" is forbidden: container app with envVar PW referencing secret.secretName="other" is not allowed because service account strict does not reference that secret',
    );
  });

  it('looks only at pod creates', async () => {
    const update = attributes({ operation: 'UPDATE', namespace: 'team', name: 'web', object: { metadata: { name: 'web' }, spec: { serviceAccountName: 'ghost' } } });
    expect(await plugin.admit!(update, ctx)).toBeUndefined();
    const binding = attributes({ operation: 'CREATE', namespace: 'team', name: 'web', subresource: 'binding', object: { metadata: { name: 'web' } } });
    expect(await plugin.admit!(binding, ctx)).toBeUndefined();
    const secret = attributes({ operation: 'CREATE', namespace: 'team', resource: { group: '', version: 'v1', resource: 'secrets' }, object: { metadata: { name: 's' } } });
    expect(await plugin.admit!(secret, ctx)).toBeUndefined();
    expect(plugin.operations).toEqual(['CREATE', 'UPDATE']);
  });
});
