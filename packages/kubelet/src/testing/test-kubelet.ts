// Test wiring: a kubelet against the fake apiserver, on loopback, with fast timings, a temp root dir, the
// toy runtime (plus a test image that ignores SIGTERM) and a record of every container stop.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { KubeObject } from '@hubspoke/api';
import type { KubeletConfigInput } from '../config.ts';
import { startKubelet } from '../kubelet.ts';
import type { KubeletHandle } from '../kubelet.ts';
import { createToyRuntime } from '../runtime/index.ts';
import type { Runtime, ToyImage } from '../runtime/index.ts';
import type { FakeApiserver } from './fake-apiserver.ts';

/** Waits for SIGTERM to be ignored until killed: shows the grace period and exit 137. */
export const stubbornImage: ToyImage = {
  name: 'test/stubborn',
  description: 'ignores SIGTERM',
  sigterm: 'handle',
  run: (ctx) => new Promise<number>((resolve) => ctx.killed.addEventListener('abort', () => resolve(0))),
};

/** A container stop as the kubelet requested it. */
export interface StopCall {
  pod: string;
  container: string;
  gracePeriodMs: number;
}

/** `runtime` with every handle's stop() recorded in `stops`. */
export function recordingRuntime(runtime: Runtime, stops: StopCall[]): Runtime {
  return {
    images: () => runtime.images(),
    async startContainer(pod, spec, opts) {
      const handle = await runtime.startContainer(pod, spec, opts);
      const stop = handle.stop.bind(handle);
      handle.stop = (gracePeriodMs) => {
        stops.push({ pod: `${pod.namespace}/${pod.name}`, container: spec.name, gracePeriodMs });
        return stop(gracePeriodMs);
      };
      return handle;
    },
  };
}

/** A kubelet under test and its cleanup. */
export interface TestKubelet {
  kubelet: KubeletHandle;
  rootDir: string;
  stops: StopCall[];
  cleanup(): Promise<void>;
}

// Test files run in parallel processes: start each at a random CIDR so their pod IPs rarely meet.
let cidrCounter = Math.floor(Math.random() * 50);

/** Starts a kubelet talking to `apiserver`, with its own pod CIDR in 127.244.200+n.0/24. */
export async function startTestKubelet(apiserver: FakeApiserver, overrides: KubeletConfigInput = {}): Promise<TestKubelet> {
  const rootDir = overrides.rootDir ?? (await mkdtemp(path.join(os.tmpdir(), 'hubspoke-kubelet-')));
  const stops: StopCall[] = [];
  const runtime = recordingRuntime(createToyRuntime({ images: { 'test/stubborn': stubbornImage } }), stops);
  const kubelet = await startKubelet(
    {
      nodeName: 'node-a',
      nodeIP: '127.0.0.1',
      address: '127.0.0.1',
      port: 0,
      readOnlyPort: 0,
      podCIDR: `127.244.${200 + (cidrCounter++ % 50)}.0/24`,
      kubeconfig: { server: apiserver.url, caCert: apiserver.ca.cert },
      nodeStatusUpdateFrequencyMs: 100,
      leaseRenewIntervalMs: 100,
      crashLoopBackoff: { initialMs: 100, maxMs: 400 },
      imagePullBackoff: { initialMs: 100, maxMs: 400 },
      relistBackoff: { initialMs: 20, maxMs: 100 },
      ...overrides,
      rootDir,
    },
    { runtime },
  );
  return {
    kubelet,
    rootDir,
    stops,
    cleanup: async () => {
      await kubelet.stop();
      await rm(rootDir, { recursive: true, force: true });
    },
  };
}

/** A pod spec bound to `nodeName`. */
export function testPod(
  name: string,
  containers: Array<Record<string, unknown>>,
  opts: { nodeName?: string; restartPolicy?: string; namespace?: string; terminationGracePeriodSeconds?: number } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default' },
    spec: {
      nodeName: opts.nodeName ?? 'node-a',
      restartPolicy: opts.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: opts.terminationGracePeriodSeconds ?? 30,
      containers,
    },
  };
}
