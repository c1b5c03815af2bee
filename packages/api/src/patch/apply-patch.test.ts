import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { applyPatch } from './apply-patch.ts';

const SMP = 'application/strategic-merge-patch+json';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function livePod() {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'b1f2',
      resourceVersion: '7',
      labels: { app: 'web' },
      annotations: { [LAST_APPLIED]: '{"old":true}\n' },
      finalizers: ['example.com/keep'],
    },
    spec: {
      nodeName: 'node-1',
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          ports: [
            { containerPort: 80, protocol: 'TCP' },
            { containerPort: 8080, protocol: 'TCP' },
          ],
          env: [{ name: 'A', value: '1' }],
          terminationMessagePath: '/dev/termination-log',
        },
        { name: 'sidecar', image: 'busybox' },
      ],
    },
    status: { phase: 'Running' },
  };
}

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the patch to fail');
}

describe('applyPatch with what kubectl sends', () => {
  it('applies the three-way patch of kubectl apply', () => {
    // Bytes as kubectl apply builds them: keys sorted, order directives beside each merged list.
    const body = Buffer.from(
      JSON.stringify({
        metadata: { annotations: { [LAST_APPLIED]: '{"new":true}\n' }, labels: { tier: 'front' } },
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
          containers: [
            {
              '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }],
              '$setElementOrder/ports': [{ containerPort: 80 }],
              env: [{ name: 'B', value: '2' }],
              image: 'nginx:1.26',
              name: 'web',
              ports: [{ $patch: 'delete', containerPort: 8080 }],
            },
          ],
        },
      }),
    );
    const result = applyPatch(`${SMP}; charset=utf-8`, livePod(), body, { kind: 'Pod' });
    expect(result).toEqual({
      ...livePod(),
      metadata: {
        ...livePod().metadata,
        labels: { app: 'web', tier: 'front' },
        annotations: { [LAST_APPLIED]: '{"new":true}\n' },
      },
      spec: {
        nodeName: 'node-1',
        containers: [
          {
            name: 'web',
            image: 'nginx:1.26',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            terminationMessagePath: '/dev/termination-log',
          },
          { name: 'sidecar', image: 'busybox' },
        ],
      },
    });
  });

  it('applies kubectl label, with and without a removal', () => {
    const added = applyPatch(SMP, livePod(), '{"metadata":{"labels":{"env":"prod"}}}', { kind: 'Pod' });
    expect((added.metadata as { labels: object }).labels).toEqual({ app: 'web', env: 'prod' });
    const removed = applyPatch(SMP, livePod(), '{"metadata":{"labels":{"app":null}}}', { kind: 'Pod' });
    expect((removed.metadata as { labels: object }).labels).toEqual({});
  });

  it('applies kubectl edit of one container, keeping the other containers and their order', () => {
    const body = '{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],"containers":[{"image":"busybox:2","name":"sidecar"}]}}';
    const result = applyPatch(SMP, livePod(), body, { kind: 'Pod' }) as ReturnType<typeof livePod>;
    expect(result.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ['web', 'nginx:1.25'],
      ['sidecar', 'busybox:2'],
    ]);
  });

  it('adds and removes finalizers as a set', () => {
    const body = '{"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/keep"],"finalizers":["example.com/other"]}}';
    const result = applyPatch(SMP, livePod(), body, { kind: 'Pod' });
    expect((result.metadata as { finalizers: string[] }).finalizers).toEqual(['example.com/other']);
  });

  it('merges the kubelet node status patch by condition type and address type', () => {
    const node = {
      metadata: { name: 'n1' },
      status: {
        conditions: [
          { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: 't0' },
          { type: 'Ready', status: 'True', lastHeartbeatTime: 't0' },
        ],
        addresses: [
          { type: 'InternalIP', address: '10.0.0.5' },
          { type: 'Hostname', address: 'n1' },
        ],
      },
    };
    const body = {
      status: {
        '$setElementOrder/conditions': [{ type: 'MemoryPressure' }, { type: 'Ready' }],
        conditions: [{ lastHeartbeatTime: 't1', type: 'Ready' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.6' }],
      },
    };
    const result = applyPatch(SMP, node, body, { kind: 'Node' }) as typeof node;
    expect(result.status.conditions).toEqual([
      { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: 't0' },
      { type: 'Ready', status: 'True', lastHeartbeatTime: 't1' },
    ]);
    expect(result.status.addresses).toEqual([
      { type: 'InternalIP', address: '10.0.0.6' },
      { type: 'Hostname', address: 'n1' },
    ]);
  });

  it('merges kubectl set image into a deployment template and Service ports by port', () => {
    const deployment = { metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'web', image: 'a', args: ['x'] }] } } } };
    const patched = applyPatch(SMP, deployment, '{"spec":{"template":{"spec":{"containers":[{"image":"b","name":"web"}]}}}}', {
      kind: 'Deployment',
    }) as typeof deployment;
    expect(patched.spec.template.spec.containers).toEqual([{ name: 'web', image: 'b', args: ['x'] }]);

    const service = { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const svc = applyPatch(SMP, service, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, { kind: 'Service' }) as typeof service;
    expect(svc.spec.ports).toEqual([{ port: 80, targetPort: 9090 }, { port: 443 }]);
  });

  it('replaces lists that have no merge key, such as container statuses', () => {
    const pod = { metadata: {}, status: { containerStatuses: [{ name: 'a', ready: true }, { name: 'b', ready: true }] } };
    const result = applyPatch(SMP, pod, { status: { containerStatuses: [{ name: 'a', ready: false }] } }, { kind: 'Pod' });
    expect(result.status).toEqual({ containerStatuses: [{ name: 'a', ready: false }] });
  });

  it('treats kinds it does not know like a JSON merge patch', () => {
    const widget = { metadata: { name: 'w' }, spec: { items: [{ name: 'a' }, { name: 'b' }], size: 1 } };
    const result = applyPatch(SMP, widget, { spec: { items: [{ name: 'c' }], size: null } }, { kind: 'Widget' });
    expect(result.spec).toEqual({ items: [{ name: 'c' }] });
  });

  it('applies merge patches and JSON patches too', () => {
    const merged = applyPatch('application/merge-patch+json', livePod(), '{"spec":{"containers":[{"name":"only"}]}}', { kind: 'Pod' });
    expect(merged.spec).toEqual({ nodeName: 'node-1', containers: [{ name: 'only' }] });
    const patched = applyPatch('application/json-patch+json', livePod(), '[{"op":"replace","path":"/status/phase","value":"Failed"}]', {
      kind: 'Pod',
    });
    expect(patched.status).toEqual({ phase: 'Failed' });
  });
});

describe('applyPatch errors', () => {
  it('answers 415 listing the accepted patch types for any other media type', () => {
    const err = failure(() => applyPatch('application/json', livePod(), '{}', { kind: 'Pod' }));
    expect([err.code, err.reason]).toEqual([415, 'UnsupportedMediaType']);
    expect(err.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: ' +
        'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
    );
    expect(failure(() => applyPatch(undefined, livePod(), '{}', { kind: 'Pod' })).code).toBe(415);
  });

  it('answers 400 for malformed JSON in every patch type', () => {
    for (const type of ['application/merge-patch+json', 'application/json-patch+json', SMP]) {
      const err = failure(() => applyPatch(type, livePod(), Buffer.from('{"spec":'), { kind: 'Pod' }));
      expect([err.code, err.reason]).toEqual([400, 'BadRequest']);
    }
    expect(failure(() => applyPatch(SMP, livePod(), '', { kind: 'Pod' })).message).toBe('unexpected end of JSON input');
  });

  it('answers 400 for a merge or strategic patch that is not an object', () => {
    expect(failure(() => applyPatch(SMP, livePod(), '[1]', { kind: 'Pod' })).message).toBe(
      'json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
    expect(failure(() => applyPatch('application/merge-patch+json', livePod(), '"x"', { kind: 'Pod' })).message).toBe(
      'error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}',
    );
  });

  it('answers 422 when a JSON patch turns the object into something else', () => {
    const err = failure(() => applyPatch('application/json-patch+json', livePod(), '[{"op":"replace","path":"","value":"x"}]', { kind: 'Pod' }));
    expect([err.code, err.reason]).toEqual([422, 'Invalid']);
  });
});
