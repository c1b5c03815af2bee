import { describe, it, expect } from 'vitest';
import type { KubeObject } from '@hubspoke/api';
import { bootstrapTokenAuthenticator } from './bootstrap-token.ts';
import type { ObjectSource } from '../authz/types.ts';
import type { AuthnResult } from './types.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function bootstrapSecret(id: string, data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system', ...(extra.metadata ?? {}) },
    type: 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'metadata')),
  };
}

function sourceOf(secrets: KubeObject[]): ObjectSource {
  return {
    get: (resource, namespace, name) =>
      resource === 'secrets' ? secrets.find((s) => s.metadata.namespace === namespace && s.metadata.name === name) : undefined,
    list: () => [],
  };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const valid = { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true' };
const reasonOf = (r: AuthnResult) => (r.kind === 'rejected' ? r.reason : `not rejected: ${r.kind}`);

describe('bootstrapTokenAuthenticator', () => {
  it('authenticates system:bootstrap:<id> with the default and extra groups', () => {
    const secret = bootstrapSecret('abcdef', {
      ...valid,
      expiration: new Date(Date.now() + 3_600_000).toISOString(),
      'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
    });
    expect(bootstrapTokenAuthenticator(sourceOf([secret])).authenticate(bearer('abcdef.0123456789abcdef'))).toEqual({
      kind: 'authenticated',
      user: { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token'] },
    });
  });

  it('has no opinion on tokens that are not bootstrap-shaped or have no Secret', () => {
    const authn = bootstrapTokenAuthenticator(sourceOf([bootstrapSecret('abcdef', valid)]));
    expect(authn.authenticate(bearer('not-a-bootstrap-token'))).toEqual({ kind: 'no-opinion' });
    expect(authn.authenticate(bearer('ABCDEF.0123456789abcdef'))).toEqual({ kind: 'no-opinion' });
    expect(authn.authenticate(bearer('zzzzzz.0123456789abcdef'))).toEqual({ kind: 'no-opinion' });
    expect(authn.authenticate({ headers: {} })).toEqual({ kind: 'no-opinion' });
  });

  it('rejects a token with the wrong secret', () => {
    const authn = bootstrapTokenAuthenticator(sourceOf([bootstrapSecret('abcdef', valid)]));
    expect(reasonOf(authn.authenticate(bearer('abcdef.ffffffffffffffff')))).toBe(
      'invalid bearer token: bootstrap secret kube-system/bootstrap-token-abcdef has invalid value for key token-secret',
    );
  });

  it('rejects an expired token', () => {
    const secret = bootstrapSecret('abcdef', { ...valid, expiration: '2020-01-01T00:00:00Z' });
    const reason = reasonOf(bootstrapTokenAuthenticator(sourceOf([secret])).authenticate(bearer('abcdef.0123456789abcdef')));
    expect(reason).toBe('invalid bearer token: bootstrap secret kube-system/bootstrap-token-abcdef has expired at 2020-01-01T00:00:00Z');
  });

  it('honours the injected clock for expiry', () => {
    const secret = bootstrapSecret('abcdef', { ...valid, expiration: '2030-01-01T00:00:00Z' });
    const authn = bootstrapTokenAuthenticator(sourceOf([secret]), { now: () => new Date('2030-01-01T00:00:01Z') });
    expect(authn.authenticate(bearer('abcdef.0123456789abcdef')).kind).toBe('rejected');
  });

  it('rejects tokens not meant for authentication, of the wrong type, or being deleted', () => {
    const cases: KubeObject[] = [
      bootstrapSecret('abcdef', { ...valid, 'usage-bootstrap-authentication': 'false' }),
      bootstrapSecret('abcdef', valid, { type: 'Opaque' }),
      bootstrapSecret('abcdef', valid, { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } }),
      bootstrapSecret('abcdef', { ...valid, expiration: 'tomorrow' }),
      bootstrapSecret('abcdef', { ...valid, 'auth-extra-groups': 'system:masters' }),
    ];
    const reasons = cases.map((s) => reasonOf(bootstrapTokenAuthenticator(sourceOf([s])).authenticate(bearer('abcdef.0123456789abcdef'))));
    expect(reasons).toEqual([
      expect.stringContaining('not marked usage-bootstrap-authentication=true'),
      expect.stringContaining('has invalid type, expected bootstrap.kubernetes.io/token'),
      expect.stringContaining('is deleted and awaiting removal'),
      expect.stringContaining('has unparsable expiration time'),
      expect.stringContaining('bootstrap group "system:masters" is invalid'),
    ]);
    for (const r of reasons) expect(r).toMatch(/^invalid bearer token: /);
  });
});
