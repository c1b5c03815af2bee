import { describe, expect, it } from 'vitest';
import { chooseContainer, choosePortForward, parsePodList, PLACEHOLDER_POD } from './pod-targets.ts';

const podList = JSON.stringify({
  kind: 'PodList',
  apiVersion: 'v1',
  items: [
    {
      metadata: { name: 'pending', namespace: 'default' },
      spec: { containers: [{ name: 'pending' }] },
      status: { phase: 'Pending' },
    },
    {
      metadata: { name: 'chatty', namespace: 'team' },
      spec: { containers: [{ name: 'log' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'log', state: { running: {} } }] },
    },
    {
      metadata: { name: 'echo', namespace: 'default' },
      spec: { containers: [{ name: 'echo', ports: [{ containerPort: 9001, protocol: 'UDP' }, { containerPort: 9000 }] }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'echo', state: { running: {} } }] },
    },
  ],
});

describe('parsePodList', () => {
  it('reads names, phases, running containers and TCP ports', () => {
    const pods = parsePodList(podList)!;
    expect(pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['default/pending', 'team/chatty', 'default/echo']);
    expect(pods[2].containers[0]).toEqual({ name: 'echo', running: true, ports: [9000] });
  });

  it('refuses what is not a PodList', () => {
    expect(parsePodList('Unauthorized')).toBeUndefined();
    expect(parsePodList('{"kind":"Status"}')).toBeUndefined();
  });
});

describe('choosing targets', () => {
  const pods = parsePodList(podList);

  it('aims commands at the first running container and port-forward at a declared port', () => {
    expect(chooseContainer(pods, {})).toEqual({ namespace: 'team', pod: 'chatty', container: 'log', source: 'pods' });
    expect(choosePortForward(pods, {})).toEqual({ namespace: 'default', pod: 'echo', port: 9000, source: 'pods' });
  });

  it('follows the operator, filling in the container and port from /pods', () => {
    expect(chooseContainer(pods, { pod: 'echo' })).toEqual({ namespace: 'default', pod: 'echo', container: 'echo', source: 'options' });
    expect(choosePortForward(pods, { pod: 'echo', port: 8080 })).toMatchObject({ pod: 'echo', port: 8080 });
  });

  it('makes up a pod when none is known, so the kubelet still has to refuse us', () => {
    expect(chooseContainer(undefined, {})).toEqual({ namespace: 'default', pod: PLACEHOLDER_POD, container: PLACEHOLDER_POD, source: 'placeholder' });
    expect(choosePortForward(undefined, { port: 9000 })).toEqual({ namespace: 'default', pod: PLACEHOLDER_POD, port: 9000, source: 'placeholder' });
  });
});
