// A kubelet against a real in-process apiserver (Node + RBAC authorization, ServiceAccount token signing,
// the root CA publisher): the kube-api-access volume ServiceAccount admission injects is filled with a
// pod-bound token, the cluster CA and the namespace; the container sees the `kubernetes` Service variables;
// a refreshed token replaces the old one under the running container; a missing ConfigMap holds the pod in
// ContainerCreating with FailedMount until it appears.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { KubeObject } from '@hubspoke/api';
import { firstServiceIP, startApiserver } from '@hubspoke/apiserver';
import type { ApiserverHandle } from '@hubspoke/apiserver';
import { createClient, resourcePath } from '@hubspoke/client';
import type { ApiClient } from '@hubspoke/client';
import { createServiceAccountKeyPair } from '@hubspoke/pki';
import { startKubelet } from '../kubelet.ts';
import type { KubeletHandle } from '../kubelet.ts';
import { podLogDir } from '../pod-sync.ts';
import type { PodStatus } from '../pod-status.ts';
import { createToyRuntime } from '../runtime/index.ts';
import type { ContainerHandle, Runtime } from '../runtime/index.ts';
import { collector } from '../runtime/testing.ts';
import { kubeApiAccessVolume, SERVICE_ACCOUNT_MOUNT } from './testing.ts';

const NAMESPACE = 'team-a';
const TOKENS = ['admin-token,admin,admin-uid,"system:masters"', 'kubelet-token,system:node:node-a,node-a-uid,"system:nodes"'].join('\n');

let apiserver: ApiserverHandle;
let admin: ApiClient;
let kubelet: KubeletHandle;
let rootDir: string;
/** The kubelet's clock runs this far ahead of the wall clock. */
let skewMs = 0;
const handles = new Map<string, ContainerHandle>();
const logLines: Array<Record<string, unknown>> = [];

/** The claims of a JWT (its payload, not verified: the apiserver's acceptance is checked separately). */
function jwtClaims(token: string): Record<string, any> {
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

/** The toy runtime, keeping each started container's handle so the test can look inside. */
function capturingRuntime(): Runtime {
  const base = createToyRuntime();
  return {
    images: () => base.images(),
    async startContainer(pod, spec, opts) {
      const handle = await base.startContainer(pod, spec, opts);
      handles.set(`${pod.name}/${spec.name}`, handle);
      return handle;
    },
  };
}

beforeAll(async () => {
  const keys = await createServiceAccountKeyPair();
  apiserver = await startApiserver(
    {
      bindAddress: '127.0.0.1',
      securePort: 0,
      tokenAuthFile: TOKENS,
      anonymousAuth: false,
      authorizationModes: ['Node', 'RBAC'],
      serviceAccountKeys: [keys.publicKey],
      serviceAccountSigningKey: keys.privateKey,
    },
    { logger: pino({ level: 'silent' }) },
  );
  admin = createClient({ server: apiserver.url, caCert: apiserver.servingCert, token: 'admin-token' });
  await admin.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  // The controllers give the namespace its default ServiceAccount and the root CA ConfigMap.
  await vi.waitFor(async () => {
    await admin.get(resourcePath({ version: 'v1', resource: 'serviceaccounts', namespace: NAMESPACE, name: 'default' }));
    await admin.get(resourcePath({ version: 'v1', resource: 'configmaps', namespace: NAMESPACE, name: 'kube-root-ca.crt' }));
  }, { timeout: 10_000 });

  rootDir = await mkdtemp(path.join(os.tmpdir(), 'hubspoke-kubelet-sa-'));
  const logger = pino({ level: 'warn' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  kubelet = await startKubelet(
    {
      nodeName: 'node-a',
      nodeIP: '127.0.0.1',
      address: '127.0.0.1',
      port: 0,
      readOnlyPort: 0,
      podCIDR: `127.244.${150 + Math.floor(Math.random() * 40)}.0/24`,
      rootDir,
      kubeconfig: { server: apiserver.url, caCert: apiserver.servingCert, token: 'kubelet-token' },
      nodeStatusUpdateFrequencyMs: 1000,
      leaseRenewIntervalMs: 1000,
      relistBackoff: { initialMs: 50, maxMs: 500 },
    },
    { runtime: capturingRuntime(), logger, clock: () => new Date(Date.now() + skewMs) },
  );
  await kubelet.ready;
}, 30_000);

afterAll(async () => {
  await kubelet?.stop();
  admin?.close();
  await apiserver?.close();
  if (rootDir) await rm(rootDir, { recursive: true, force: true });
});

const podPath = (name: string) => resourcePath({ version: 'v1', resource: 'pods', namespace: NAMESPACE, name });

async function podStatus(name: string): Promise<PodStatus> {
  return (await admin.get<KubeObject & { status: PodStatus }>(podPath(name))).status;
}

/** `cat` inside the running container, through the runtime's exec. */
async function catInContainer(handle: ContainerHandle, file: string): Promise<string> {
  const out = collector();
  const status = await handle.exec({ command: ['cat', file], stdout: out.stream });
  expect(status).toBe(0);
  return out.text();
}

/** What the container wrote to stdout, from its CRI log. */
async function containerOutput(pod: KubeObject, container: string): Promise<string> {
  const log = await readFile(path.join(podLogDir(rootDir, pod), container, '0.log'), 'utf8');
  return log
    .split('\n')
    .map((line) => /^\S+ stdout [PF] (.*)$/.exec(line)?.[1])
    .filter((content) => content !== undefined)
    .join('\n');
}

describe('ServiceAccount volume and service variables', () => {
  it('gives the container a pod-bound token, the cluster CA, its namespace and the kubernetes Service, and refreshes the token in place', async () => {
    const pod = await admin.create<KubeObject>(resourcePath({ version: 'v1', resource: 'pods', namespace: NAMESPACE }), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'probe', namespace: NAMESPACE, annotations: { round: '0' } },
      spec: {
        nodeName: 'node-a',
        // The test mounts what ServiceAccount admission would inject, so it does not depend on admission.
        automountServiceAccountToken: false,
        volumes: [
          kubeApiAccessVolume('kube-api-access-t3st1'),
          { name: 'podinfo', downwardAPI: { items: [{ path: 'round', fieldRef: { fieldPath: "metadata.annotations['round']" } }] } },
        ],
        containers: [
          {
            name: 'main',
            image: 'hubspoke/shell',
            command: ['sh', '-c', `cat ${SERVICE_ACCOUNT_MOUNT}/namespace; echo; env; sleep 3600`],
            volumeMounts: [
              { name: 'kube-api-access-t3st1', mountPath: SERVICE_ACCOUNT_MOUNT, readOnly: true },
              { name: 'podinfo', mountPath: '/etc/podinfo' },
            ],
          },
        ],
      },
    });
    await vi.waitFor(async () => expect((await podStatus('probe')).phase).toBe('Running'), { timeout: 10_000 });
    const handle = handles.get('probe/main')!;

    // What the container printed: its namespace file, then an environment with the kubernetes Service.
    const serviceIP = firstServiceIP(apiserver.config.serviceClusterIPRange);
    await vi.waitFor(async () => expect(await containerOutput(pod, 'main')).toMatch(/^KUBERNETES_PORT_443_TCP_ADDR=/m));
    const output = await containerOutput(pod, 'main');
    expect(output.split('\n')[0]).toBe(NAMESPACE);
    expect(output.split('\n')).toEqual(
      expect.arrayContaining([
        `KUBERNETES_SERVICE_HOST=${serviceIP}`,
        'KUBERNETES_SERVICE_PORT=443',
        'KUBERNETES_SERVICE_PORT_HTTPS=443',
        `KUBERNETES_PORT=tcp://${serviceIP}:443`,
        `KUBERNETES_PORT_443_TCP=tcp://${serviceIP}:443`,
      ]),
    );

    // The token: a JWT for the namespace's default account, bound to this pod and node, living 3607 s.
    const token = await catInContainer(handle, `${SERVICE_ACCOUNT_MOUNT}/token`);
    const claims = jwtClaims(token);
    expect(claims.sub).toBe(`system:serviceaccount:${NAMESPACE}:default`);
    expect(claims['kubernetes.io']).toMatchObject({
      namespace: NAMESPACE,
      serviceaccount: { name: 'default' },
      pod: { name: 'probe', uid: pod.metadata.uid },
      node: { name: 'node-a' },
    });
    // 3607 s asked; an apiserver extending kubelet tokens (as Kubernetes may) only lengthens it.
    expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(3607);
    // And the apiserver accepts it as that account.
    const asPod = createClient({ server: apiserver.url, caCert: apiserver.servingCert, token });
    try {
      const review = await asPod.create<{ status: { userInfo: { username: string } } }>('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
      });
      expect(review.status.userInfo.username).toBe(`system:serviceaccount:${NAMESPACE}:default`);
    } finally {
      asPod.close();
    }

    const rootCA = await admin.get<KubeObject>(resourcePath({ version: 'v1', resource: 'configmaps', namespace: NAMESPACE, name: 'kube-root-ca.crt' }));
    expect(await catInContainer(handle, `${SERVICE_ACCOUNT_MOUNT}/ca.crt`)).toBe((rootCA.data as Record<string, string>)['ca.crt']);

    // A pod update remounts (the downward API file follows), but a token that is not due is kept.
    const remountedFor = async (round: string) => {
      await admin.patch(podPath('probe'), { metadata: { annotations: { round } } }, 'merge');
      await vi.waitFor(async () => expect(await catInContainer(handle, '/etc/podinfo/round')).toBe(round), { timeout: 10_000 });
    };
    await remountedFor('1');
    expect(await catInContainer(handle, `${SERVICE_ACCOUNT_MOUNT}/token`)).toBe(token);

    // Past 80% of its lifetime on the kubelet's clock, the next remount brings a new token into the same container.
    skewMs = 0.85 * 3607 * 1000;
    await remountedFor('2');
    const refreshed = await catInContainer(handle, `${SERVICE_ACCOUNT_MOUNT}/token`);
    expect(refreshed).not.toBe(token);
    expect(jwtClaims(refreshed)).toMatchObject({ sub: `system:serviceaccount:${NAMESPACE}:default` });
    const status = await podStatus('probe');
    expect(status.containerStatuses[0]).toMatchObject({ restartCount: 0, containerID: handle.id, state: { running: {} } });
  }, 30_000);

  it('holds a pod in ContainerCreating with FailedMount while its ConfigMap is missing, then starts it', async () => {
    const pod = await admin.create<KubeObject>(resourcePath({ version: 'v1', resource: 'pods', namespace: NAMESPACE }), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'needs-config', namespace: NAMESPACE },
      spec: {
        nodeName: 'node-a',
        automountServiceAccountToken: false,
        volumes: [{ name: 'settings', configMap: { name: 'settings' } }],
        containers: [
          {
            name: 'main',
            image: 'hubspoke/shell',
            command: ['sh', '-c', 'cat /etc/settings/greeting; sleep 3600'],
            volumeMounts: [{ name: 'settings', mountPath: '/etc/settings' }],
          },
        ],
      },
    });
    const failedMount = () => logLines.filter((l) => l.reason === 'FailedMount' && l.volume === 'settings');
    await vi.waitFor(() => expect(failedMount().length).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
    expect(failedMount()[0]).toMatchObject({
      pod: `${NAMESPACE}/needs-config`,
      message: 'MountVolume.SetUp failed for volume "settings" : configmap "settings" not found',
    });
    await vi.waitFor(async () => {
      const status = await podStatus('needs-config');
      expect(status.phase).toBe('Pending');
      expect(status.containerStatuses[0].state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    });

    await admin.create(resourcePath({ version: 'v1', resource: 'configmaps', namespace: NAMESPACE }), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: NAMESPACE },
      data: { greeting: 'hello from a configmap' },
    });
    await vi.waitFor(async () => expect((await podStatus('needs-config')).phase).toBe('Running'), { timeout: 15_000 });
    await vi.waitFor(async () => expect(await containerOutput(pod, 'main')).toBe('hello from a configmap'));
  }, 30_000);
});
