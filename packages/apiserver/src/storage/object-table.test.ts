import type { KubeObject } from '@hubspoke/api';
import { describe, expect, it } from 'vitest';
import { ObjectTable } from './object-table.ts';

function pod(namespace: string, name: string, nodeName?: string): KubeObject {
  return { metadata: { namespace, name }, spec: nodeName ? { nodeName } : {} };
}

function names(items: KubeObject[]): string[] {
  return items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
}

describe('ObjectTable', () => {
  it('orders by full key the way etcd orders namespace/name', () => {
    const table = new ObjectTable();
    for (const [ns, name] of [['a', 'z'], ['a-b', 'x'], ['a0', 'y'], ['a', 'b'], ['b', 'a']]) table.set(ns, name, pod(ns, name));
    // '-' sorts before '/', which sorts before '0': a-b/x < a/b < a/z < a0/y.
    expect(names(table.all())).toEqual(['a-b/x', 'a/b', 'a/z', 'a0/y', 'b/a']);
    expect(names(table.all('a'))).toEqual(['a/b', 'a/z']);
  });

  it('keeps order through out-of-order inserts and removals', () => {
    const table = new ObjectTable();
    for (const name of ['c', 'a', 'e', 'b', 'd']) table.set('ns', name, pod('ns', name));
    table.remove('ns', 'c');
    table.set('ns', 'f', pod('ns', 'f'));
    table.remove('ns', 'a');
    expect(names(table.all('ns'))).toEqual(['ns/b', 'ns/d', 'ns/e', 'ns/f']);
    expect(table.size).toBe(4);
  });

  it('pages from a start key and counts what remains', () => {
    const table = new ObjectTable();
    for (const ns of ['x', 'y']) for (const name of ['1', '2', '3']) table.set(ns, name, pod(ns, name));
    const first = table.page({ limit: 2 });
    expect(names(first.items)).toEqual(['x/1', 'x/2']);
    expect(first).toMatchObject({ lastKey: 'x/2', more: true, remaining: 4 });
    const second = table.page({ limit: 2, start: `${first.lastKey}\u0000` });
    expect(names(second.items)).toEqual(['x/3', 'y/1']);
    expect(second.remaining).toBe(2);
    const last = table.page({ limit: 2, start: `${second.lastKey}\u0000` });
    expect(names(last.items)).toEqual(['y/2', 'y/3']);
    expect(last.more).toBe(false);
  });

  it('indexes objects and follows changes of the indexed value', () => {
    const table = new ObjectTable();
    table.set('ns', 'a', pod('ns', 'a', 'node-1'));
    table.addIndex('node', (o) => (o.spec as { nodeName?: string }).nodeName);
    table.set('ns', 'b', pod('ns', 'b', 'node-1'));
    table.set('other', 'c', pod('other', 'c'));
    expect(names(table.byIndex('node', 'node-1'))).toEqual(['ns/a', 'ns/b']);
    table.set('other', 'c', pod('other', 'c', 'node-2'));
    table.set('ns', 'a', pod('ns', 'a', 'node-2'));
    table.remove('ns', 'b');
    expect(names(table.byIndex('node', 'node-1'))).toEqual([]);
    expect(names(table.byIndex('node', 'node-2'))).toEqual(['ns/a', 'other/c']);
  });
});
