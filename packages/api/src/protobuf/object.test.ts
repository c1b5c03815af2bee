import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { decodeEnvelope, encodeEnvelope } from './envelope.ts';
import { bool, envelope, int, key, MAGIC, meta, msg, str } from './hand-wire.ts';
import { decodeProtobufObject, decodeRawObject, encodeProtobufObject, encodeRawObject, protobufSupported } from './object.ts';

// ObjectMeta{} as Go writes it: every string, generation, and an empty creationTimestamp.
const EMPTY_META = meta();

// `kubectl auth can-i get pods -n default`
const canIBytes = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [
  ...msg(1, EMPTY_META),
  ...msg(2, msg(1, [...str(1, 'default'), ...str(2, 'get'), ...str(3, ''), ...str(4, ''), ...str(5, 'pods'), ...str(6, ''), ...str(7, '')])),
  ...msg(3, [...bool(1, false), ...str(2, ''), ...str(3, ''), ...bool(4, false)]),
]);
const canIObject = {
  kind: 'SelfSubjectAccessReview',
  apiVersion: 'authorization.k8s.io/v1',
  metadata: {},
  spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
  status: { allowed: false },
};

// `kubectl create token default --duration=10m --audience=x`
const tokenBytes = envelope('authentication.k8s.io/v1', 'TokenRequest', [
  ...msg(1, EMPTY_META),
  ...msg(2, [...str(1, 'x'), ...int(4, 600)]),
  ...msg(3, [...str(1, ''), ...msg(2, [])]),
]);
const tokenObject = {
  kind: 'TokenRequest',
  apiVersion: 'authentication.k8s.io/v1',
  metadata: {},
  spec: { audiences: ['x'], expirationSeconds: 600 },
  status: { token: '' },
};

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected decoding to fail');
}

describe('the bodies kubectl sends as protobuf', () => {
  it('decodes kubectl auth can-i', () => {
    expect(decodeProtobufObject(canIBytes)).toEqual(canIObject);
  });

  it('encodes kubectl auth can-i byte for byte', () => {
    expect(Buffer.from(encodeProtobufObject(canIObject))).toEqual(Buffer.from(canIBytes));
  });

  it('decodes kubectl create token', () => {
    expect(decodeProtobufObject(Buffer.from(tokenBytes))).toEqual(tokenObject);
  });

  it('encodes kubectl create token byte for byte', () => {
    expect(Buffer.from(encodeProtobufObject(tokenObject))).toEqual(Buffer.from(tokenBytes));
  });

  it('decodes a non-resource can-i and a SubjectAccessReview from a webhook client', () => {
    const nonResource = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [
      ...msg(1, EMPTY_META),
      ...msg(2, msg(2, [...str(1, '/healthz'), ...str(2, 'get')])),
      ...msg(3, [...bool(1, false), ...str(2, ''), ...str(3, ''), ...bool(4, false)]),
    ]);
    expect(decodeProtobufObject(nonResource).spec).toEqual({ nonResourceAttributes: { path: '/healthz', verb: 'get' } });

    const sar = envelope('authorization.k8s.io/v1', 'SubjectAccessReview', [
      ...msg(1, EMPTY_META),
      ...msg(2, [
        ...msg(1, [...str(2, 'get'), ...str(5, 'nodes'), ...str(6, 'proxy'), ...str(7, 'n1')]),
        ...str(3, 'system:kube-apiserver'),
        ...str(4, 'system:masters'),
        ...str(4, 'system:authenticated'),
        ...msg(5, [...str(1, 'scopes'), ...msg(2, [...str(1, 'a'), ...str(1, 'b')])]),
        ...str(6, 'uid-1'),
      ]),
    ]);
    expect(decodeProtobufObject(sar)).toEqual({
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: {
        resourceAttributes: { verb: 'get', resource: 'nodes', subresource: 'proxy', name: 'n1' },
        user: 'system:kube-apiserver',
        groups: ['system:masters', 'system:authenticated'],
        extra: { scopes: ['a', 'b'] },
        uid: 'uid-1',
      },
      status: { allowed: false },
    });
  });
});

describe('answers in protobuf', () => {
  it('round-trips an access review status', () => {
    const answer = { ...canIObject, status: { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "admin"' } };
    expect(decodeProtobufObject(encodeProtobufObject(answer))).toEqual(answer);
    const denied = { ...canIObject, status: { allowed: false, denied: true, evaluationError: 'boom' } };
    expect(decodeProtobufObject(encodeProtobufObject(denied))).toEqual(denied);
  });

  it('writes a TokenRequest status with the expiry as whole seconds', () => {
    const answer = { ...tokenObject, status: { token: 'eyJhbGciOi', expirationTimestamp: '2025-01-01T00:10:00Z' } };
    const raw = encodeRawObject(answer);
    const seconds = Date.UTC(2025, 0, 1, 0, 10, 0) / 1000;
    const status = msg(3, [...str(1, 'eyJhbGciOi'), ...msg(2, [...int(1, seconds), ...int(2, 0)])]);
    expect(Buffer.from(raw).includes(Buffer.from(status))).toBe(true);
    expect(decodeRawObject(answer, raw)).toEqual(answer);
  });

  it('round-trips a SelfSubjectReview with its user info, extra keys written in sorted order', () => {
    const review = {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: '2025-03-04T05:06:07Z' },
      status: {
        userInfo: {
          username: 'system:serviceaccount:default:web',
          uid: 'u-1',
          groups: ['system:serviceaccounts', 'system:authenticated'],
          extra: { 'authentication.kubernetes.io/pod-name': ['web-0'], 'a/b': ['x'] },
        },
      },
    };
    const raw = Buffer.from(encodeRawObject(review));
    expect(raw.indexOf('a/b')).toBeLessThan(raw.indexOf('authentication.kubernetes.io/pod-name'));
    expect(decodeProtobufObject(encodeProtobufObject(review))).toEqual(review);
    const beta = { ...review, apiVersion: 'authentication.k8s.io/v1beta1' };
    expect(decodeProtobufObject(encodeProtobufObject(beta))).toEqual(beta);
  });

  it('round-trips a TokenReview and a SelfSubjectRulesReview', () => {
    const tokenReview = {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: {},
      spec: { token: 'abc', audiences: ['https://kubernetes.default.svc'] },
      status: { authenticated: true, user: { username: 'system:node:n1', groups: ['system:nodes'] }, audiences: ['x'] },
    };
    expect(decodeProtobufObject(encodeProtobufObject(tokenReview))).toEqual(tokenReview);

    const rules = {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { namespace: 'default' },
      status: {
        resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
        incomplete: false,
      },
    };
    expect(decodeProtobufObject(encodeProtobufObject(rules))).toEqual(rules);
  });

  it('knows which kinds it can encode', () => {
    expect(protobufSupported('authorization.k8s.io/v1', 'SelfSubjectAccessReview')).toBe(true);
    expect(protobufSupported('v1', 'Pod')).toBe(false);
    expect(failure(() => encodeProtobufObject({ apiVersion: 'v1', kind: 'Pod', metadata: {} })).code).toBe(406);
  });
});

describe('bodies that are not what they claim', () => {
  it('refuses a kind it cannot decode with 415', () => {
    const err = failure(() => decodeProtobufObject(envelope('v1', 'Pod', msg(1, EMPTY_META))));
    expect([err.code, err.reason]).toEqual([415, 'UnsupportedMediaType']);
    expect(err.message).toContain('kind "Pod" in version "v1"');
  });

  it('answers 400 for a truncated message inside a valid envelope', () => {
    const err = failure(() => decodeProtobufObject(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [0x0a, 0x05, 0x01])));
    expect([err.code, err.reason]).toEqual([400, 'BadRequest']);
    expect(err.message).toBe('unable to decode SelfSubjectAccessReview from protobuf: unexpected EOF');
  });

  it('answers 400 when a field arrives with the wrong wire type', () => {
    const err = failure(() => decodeProtobufObject(envelope('authentication.k8s.io/v1', 'TokenRequest', [...key(2, 0), 1])));
    expect(err.message).toBe('unable to decode TokenRequest from protobuf: proto: wrong wireType = 0 for field spec of TokenRequest');
  });

  it('never crashes on garbage: every random body is decoded or refused with 400 or 415', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 1000; n++) {
      const length = Math.floor(random() * 64);
      const tail = Array.from({ length }, () => Math.floor(random() * 256));
      const body = n % 2 === 0 ? Uint8Array.from([...MAGIC, ...tail]) : Uint8Array.from([...canIBytes.slice(0, 40), ...tail]);
      try {
        decodeProtobufObject(body);
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect([400, 415]).toContain((err as ApiError).code);
      }
    }
  });

  it('keeps the envelope fields it does not interpret', () => {
    const bytes = encodeEnvelope({ apiVersion: 'v1', kind: 'Status', raw: Uint8Array.of(1, 2), contentType: 'application/json' });
    expect(decodeEnvelope(bytes)).toEqual({
      apiVersion: 'v1',
      kind: 'Status',
      raw: Uint8Array.of(1, 2),
      contentType: 'application/json',
    });
  });
});
