import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../meta.ts';
import { configmaps } from './configmaps.ts';
import { secrets } from './secrets.ts';
import { serviceaccounts } from './serviceaccounts.ts';

const now = new Date('2025-06-01T12:00:00Z');
const meta = { name: 'cfg', namespace: 'default', creationTimestamp: '2025-06-01T11:00:00Z' };

describe('configmaps', () => {
  it('counts data and binaryData keys', () => {
    const cm: KubeObject = { metadata: meta, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } };
    expect(configmaps.table!.cells(cm, now)).toEqual(['cfg', 3, '60m']);
    expect(configmaps.validate!(cm)).toEqual([]);
  });

  it('rejects keys that cannot be file names and keys present twice', () => {
    const cm: KubeObject = { metadata: meta, data: { 'a b': '1', c: '2' }, binaryData: { c: 'AA==' } };
    expect(configmaps.validate!(cm).map((e) => `${e.field}: ${e.message}`)).toEqual([
      expect.stringMatching(/^data\[a b\]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '\.'/),
      'data[c]: Invalid value: "c": duplicate of key present in binaryData',
    ]);
  });

  it('freezes an immutable configmap', () => {
    const old: KubeObject = { metadata: meta, immutable: true, data: { a: '1' } };
    const next: KubeObject = { metadata: meta, immutable: true, data: { a: '2' } };
    expect(configmaps.validate!(next, old).map((e) => `${e.field}: ${e.message}`)).toEqual([
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });
});

describe('secrets', () => {
  it('defaults the type to Opaque and folds stringData into base64 data', () => {
    const s: KubeObject = { metadata: meta, data: { a: 'eA==' }, stringData: { password: 'hunter2' } };
    secrets.defaults!(s);
    expect(s).toEqual({ metadata: meta, type: 'Opaque', data: { a: 'eA==', password: 'aHVudGVyMg==' } });
    expect(secrets.table!.cells(s, now)).toEqual(['cfg', 'Opaque', 2, '60m']);
    expect(secrets.fields!(s)).toEqual({ type: 'Opaque' });
  });

  it('requires the keys of a TLS secret and keeps the type immutable', () => {
    const tls: KubeObject = { metadata: meta, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } };
    expect(secrets.validate!(tls).map((e) => `${e.field}: ${e.message}`)).toEqual(['data[tls.key]: Required value']);
    const changed: KubeObject = { metadata: meta, type: 'Opaque', data: {} };
    expect(secrets.validate!(changed, tls).map((e) => `${e.field}: ${e.message}`)).toEqual([
      'type: Invalid value: "Opaque": field is immutable',
    ]);
  });
});

describe('serviceaccounts', () => {
  it('prints the number of secrets', () => {
    const sa: KubeObject = { metadata: { ...meta, name: 'default' }, secrets: [{ name: 'x' }] };
    expect(serviceaccounts.table!.cells(sa, now)).toEqual(['default', 1, '60m']);
  });
});
