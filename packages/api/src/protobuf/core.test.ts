import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import type { KubeObject } from '../meta.ts';
import { bool, bytes, entry, envelope, int, meta, msg, str } from './hand-wire.ts';
import { decodeProtobufObject, encodeProtobufObject } from './object.ts';

// Each case: the body Go writes for a `kubectl create` subcommand, spelled out from core/v1/generated.proto,
// and what `--dry-run=client -o json` prints for it (less `creationTimestamp: null`, which decodes to absent).
const cases: Array<{ command: string; body: Uint8Array; json: KubeObject }> = [
  {
    command: 'kubectl create namespace x',
    body: envelope('v1', 'Namespace', [...msg(1, meta('x')), ...msg(2, []), ...msg(3, str(1, ''))]),
    json: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'x' }, spec: {}, status: {} },
  },
  {
    command: 'kubectl create configmap c --from-literal=a=b',
    body: envelope('v1', 'ConfigMap', [...msg(1, meta('c')), ...entry(2, 'a', 'b')]),
    json: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { a: 'b' } },
  },
  {
    command: 'kubectl create secret generic s --from-literal=k=v',
    body: envelope('v1', 'Secret', [...msg(1, meta('s')), ...msg(2, [...str(1, 'k'), ...bytes(2, Buffer.from('v'))]), ...str(3, '')]),
    json: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's' }, data: { k: 'dg==' } },
  },
  {
    command: 'kubectl create serviceaccount sa',
    body: envelope('v1', 'ServiceAccount', msg(1, meta('sa'))),
    json: { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'sa' } },
  },
  {
    command: 'kubectl create service clusterip web --tcp=80:8080',
    body: envelope('v1', 'Service', [
      ...msg(1, [...meta('web'), ...entry(11, 'app', 'web')]),
      ...msg(2, [
        ...msg(1, [...str(1, '80-8080'), ...str(2, 'TCP'), ...int(3, 80), ...msg(4, [...int(1, 0), ...int(2, 8080), ...str(3, '')]), ...int(5, 0)]),
        ...entry(2, 'app', 'web'),
        ...str(3, ''),
        ...str(4, 'ClusterIP'),
        ...str(7, ''),
        ...str(8, ''),
        ...str(10, ''),
        ...str(11, ''),
        ...int(12, 0),
        ...bool(13, false),
      ]),
      ...msg(3, msg(1, [])),
    ]),
    json: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
        selector: { app: 'web' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    },
  },
];

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected decoding to fail');
}

describe('core/v1 kinds kubectl creates', () => {
  for (const { command, body, json } of cases) {
    it(`decodes ${command} into the JSON kubectl would send`, () => {
      expect(decodeProtobufObject(body)).toEqual(json);
    });

    it(`encodes ${command} byte for byte as Go does`, () => {
      expect(Buffer.from(encodeProtobufObject(json))).toEqual(Buffer.from(body));
    });
  }
});

describe('core/v1 field shapes', () => {
  it('writes a named targetPort as an IntOrString of type 1 and reads it back as a string', () => {
    const service = { ...cases[4].json, spec: { ports: [{ port: 80, targetPort: 'http' }] } };
    const bytes = Buffer.from(encodeProtobufObject(service));
    expect(bytes.includes(Buffer.from(msg(4, [...int(1, 1), ...int(2, 0), ...str(3, 'http')])))).toBe(true);
    expect((decodeProtobufObject(bytes).spec as { ports: unknown[] }).ports).toEqual([{ port: 80, targetPort: 'http' }]);
  });

  it('reads a port without targetPort as 0, the zero IntOrString Go prints', () => {
    const body = envelope('v1', 'Service', [...msg(1, meta('web')), ...msg(2, msg(1, int(3, 80)))]);
    expect(decodeProtobufObject(body).spec).toEqual({ ports: [{ port: 80, targetPort: 0 }] });
  });

  it('refuses an IntOrString of a type Go cannot print with 400', () => {
    const body = envelope('v1', 'Service', msg(2, msg(1, [...int(3, 80), ...msg(4, int(1, 2))])));
    const err = failure(() => decodeProtobufObject(body));
    expect([err.code, err.message]).toEqual([400, 'unable to decode Service from protobuf: impossible IntOrString.Type 2']);
  });

  it('reads binary values as base64 and keeps a pointer that was set to false', () => {
    const body = envelope('v1', 'ConfigMap', [
      ...msg(1, meta('bin', 'other')),
      ...msg(3, [...str(1, 'bin.dat'), ...bytes(2, [0xff, 0x00, 0x01])]),
      ...msg(3, [...str(1, 'empty'), ...bytes(2, [])]),
      ...bool(4, false),
    ]);
    expect(decodeProtobufObject(body)).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'bin', namespace: 'other' },
      immutable: false,
      binaryData: { 'bin.dat': '/wAB', empty: '' },
    });
  });

  it('round-trips a Namespace as the apiserver stores it', () => {
    const ns = {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: {
        name: 'team-a',
        uid: '0b9e',
        resourceVersion: '17',
        creationTimestamp: '2025-02-03T04:05:06Z',
        deletionTimestamp: '2025-02-03T05:00:00Z',
        labels: { 'kubernetes.io/metadata.name': 'team-a' },
      },
      spec: { finalizers: ['kubernetes'] },
      status: {
        phase: 'Terminating',
        conditions: [
          {
            type: 'NamespaceDeletionContentFailure',
            status: 'False',
            lastTransitionTime: '2025-02-03T05:00:01Z',
            reason: 'ContentDeleted',
            message: 'All content successfully deleted',
          },
          { type: 'NamespaceContentRemaining', status: 'True' },
        ],
      },
    };
    expect(decodeProtobufObject(encodeProtobufObject(ns))).toEqual(ns);
  });

  it('round-trips Secrets and ServiceAccounts with every field set', () => {
    const secret = {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 'tls', namespace: 'default', annotations: { 'kubernetes.io/service-account.name': 'web' } },
      immutable: true,
      data: { 'tls.crt': Buffer.from('-----BEGIN').toString('base64'), 'tls.key': '' },
      stringData: { extra: 'plain' },
      type: 'kubernetes.io/tls',
    };
    expect(decodeProtobufObject(encodeProtobufObject(secret))).toEqual(secret);

    const account = {
      kind: 'ServiceAccount',
      apiVersion: 'v1',
      metadata: { name: 'web', namespace: 'default', generateName: 'web-', finalizers: ['example.com/keep'] },
      secrets: [{ kind: 'Secret', namespace: 'default', name: 'web-token', uid: 'u-1', apiVersion: 'v1', resourceVersion: '3', fieldPath: 'x' }],
      imagePullSecrets: [{ name: 'registry' }],
      automountServiceAccountToken: false,
    };
    expect(decodeProtobufObject(encodeProtobufObject(account))).toEqual(account);
  });

  it('round-trips a Service with every spec and status field', () => {
    const service = {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: {
        name: 'lb',
        namespace: 'default',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-1', blockOwnerDeletion: true }],
      },
      spec: {
        ports: [
          { name: 'https', protocol: 'TCP', appProtocol: 'https', port: 443, targetPort: 8443, nodePort: 30443 },
          { name: 'dns', protocol: 'UDP', port: 53, targetPort: 'dns' },
        ],
        selector: { app: 'web' },
        clusterIP: '10.0.0.10',
        clusterIPs: ['10.0.0.10', 'fd00::a'],
        type: 'LoadBalancer',
        externalIPs: ['192.0.2.1'],
        sessionAffinity: 'ClientIP',
        loadBalancerIP: '192.0.2.2',
        loadBalancerSourceRanges: ['192.0.2.0/24'],
        externalName: 'web.example.com',
        externalTrafficPolicy: 'Local',
        healthCheckNodePort: 32000,
        publishNotReadyAddresses: true,
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ipFamilies: ['IPv4', 'IPv6'],
        ipFamilyPolicy: 'PreferDualStack',
        allocateLoadBalancerNodePorts: false,
        loadBalancerClass: 'example.com/lb',
        internalTrafficPolicy: 'Cluster',
        trafficDistribution: 'PreferClose',
      },
      status: {
        loadBalancer: { ingress: [{ ip: '192.0.2.3', ipMode: 'VIP', ports: [{ port: 443, protocol: 'TCP', error: 'Pending' }] }] },
        conditions: [
          { type: 'Ready', status: 'True', observedGeneration: 2, lastTransitionTime: '2025-01-01T00:00:00Z', reason: 'Ok', message: '' },
        ],
      },
    };
    expect(decodeProtobufObject(encodeProtobufObject(service))).toEqual(service);
  });
});
