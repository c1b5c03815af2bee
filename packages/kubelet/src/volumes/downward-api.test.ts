import { describe, expect, it } from 'vitest';
import { aggregate, formatMap, metadataFieldValue, projectDownwardAPI } from './downward-api.ts';
import { contextFor, podWithServiceAccount } from './testing.ts';

const pod = podWithServiceAccount('shop');

describe('metadataFieldValue', () => {
  it('reads name, namespace, uid and single labels or annotations ("" when absent)', () => {
    expect(metadataFieldValue(pod, 'metadata.namespace')).toEqual({ kind: 'value', text: 'shop' });
    expect(metadataFieldValue(pod, 'metadata.uid')).toEqual({ kind: 'value', text: 'pod-uid-1' });
    expect(metadataFieldValue(pod, "metadata.annotations['note']")).toEqual({ kind: 'value', text: 'hi "there"' });
    expect(metadataFieldValue(pod, "metadata.labels['missing']")).toEqual({ kind: 'value', text: '' });
  });

  it('refuses fields a volume may not read', () => {
    expect(metadataFieldValue(pod, 'spec.nodeName')).toEqual({ kind: 'error', message: 'unsupported fieldPath: spec.nodeName' });
    expect(metadataFieldValue(pod, "metadata.name['x']")).toEqual({ kind: 'error', message: 'fieldPath "metadata.name" does not support subscript' });
  });
});

describe('formatMap', () => {
  it('writes sorted key="value" lines with quotes escaped and no trailing newline', () => {
    expect(formatMap({ b: '2', a: 'say "hi"' })).toBe('a="say \\"hi\\""\nb="2"');
    expect(formatMap(undefined)).toBe('');
  });
});

describe('projectDownwardAPI', () => {
  it('reports every bad field together and leaves resource fields out', () => {
    const ctx = contextFor(pod, {});
    const failed = projectDownwardAPI('info', [
      { path: 'a', fieldRef: { fieldPath: 'status.podIP' } },
      { path: 'b', fieldRef: { fieldPath: 'spec.nodeName' } },
    ], ctx);
    expect(failed).toEqual({ kind: 'failed', message: '[unsupported fieldPath: status.podIP, unsupported fieldPath: spec.nodeName]' });

    const ok = projectDownwardAPI('info', [{ path: 'cpu', resourceFieldRef: { resource: 'limits.cpu' } }, { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }], ctx);
    expect(ok.kind === 'ready' && [...ok.files]).toEqual([['ns', 'shop']]);
    expect(ctx.skips).toEqual(['info: resourceFieldRef limits.cpu (cpu)']);
  });
});

describe('aggregate', () => {
  it('is the message alone for one error and a bracketed list, without duplicates, for several', () => {
    expect(aggregate(['x'])).toBe('x');
    expect(aggregate(['x', 'y', 'x'])).toBe('[x, y]');
  });
});
