import { describe, expect, it } from 'vitest';
import { buildNode, nodeStatus } from './node-registration.ts';
import type { NodeCondition, NodeDescription } from './node-registration.ts';

const description: NodeDescription = {
  nodeName: 'n1',
  nodeIP: '10.0.0.9',
  port: 10250,
  labels: { team: 'a' },
  capacity: { cpu: '2', memory: '1024Ki', pods: '110' },
  images: [{ names: ['hubspoke/logger'], sizeBytes: 0 }],
  systemInfo: {
    machineID: 'm',
    systemUUID: 's',
    bootID: 'b',
    kernelVersion: '6.1',
    osImage: 'Linux',
    containerRuntimeVersion: 'hubspoke://0.1.0',
    kubeletVersion: 'v1.32.0',
    kubeProxyVersion: 'v1.32.0',
    operatingSystem: 'linux',
    architecture: 'arm64',
  },
};

describe('buildNode', () => {
  it('advertises the kubelet port under the capitalised Port field and the arch labels', () => {
    const node = buildNode(description, new Date('2025-01-01T00:00:00Z'));
    expect((node.status as Record<string, unknown>).daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(node.metadata.labels).toEqual({
      'beta.kubernetes.io/arch': 'arm64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'arm64',
      'kubernetes.io/hostname': 'n1',
      'kubernetes.io/os': 'linux',
      team: 'a',
    });
    expect(node.spec).toEqual({});
  });
});

describe('nodeStatus', () => {
  it('moves heartbeats but keeps the transition time of an unchanged condition', () => {
    const first = nodeStatus(description, new Date('2025-01-01T00:00:00Z'));
    const second = nodeStatus(description, new Date('2025-01-01T00:00:10Z'), first.conditions as NodeCondition[]);
    const ready = (second.conditions as NodeCondition[]).find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({
      status: 'True',
      lastHeartbeatTime: '2025-01-01T00:00:10Z',
      lastTransitionTime: '2025-01-01T00:00:00Z',
    });
  });
});
