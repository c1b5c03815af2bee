import { describe, expect, it } from 'vitest';
import { classifyAnswer, snippet, snippetEnds } from './outcome.ts';

describe('classifyAnswer', () => {
  it('reads 401 as missing credentials and 403 as a missing permission', () => {
    expect(classifyAnswer(401, 'Unauthorized')).toBe('unauthenticated');
    expect(classifyAnswer(403, 'Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=proxy)')).toBe('denied');
  });

  it('tells a path the kubelet does not serve from a handler’s own 404', () => {
    expect(classifyAnswer(404, '404 page not found\n')).toBe('not-served');
    expect(classifyAnswer(405, '405: Method Not Allowed\n')).toBe('not-served');
    expect(classifyAnswer(404, 'pod does not exist')).toBe('error');
  });

  it('counts answers and accepted upgrades as exposure', () => {
    expect(classifyAnswer(200, '{}')).toBe('exposed');
    expect(classifyAnswer(101, '')).toBe('exposed');
    expect(classifyAnswer(500, 'container not found ("x")')).toBe('error');
  });
});

describe('snippet', () => {
  it('keeps evidence on one line and short', () => {
    expect(snippet('uid=0(root)\nsecond\u0001')).toBe('uid=0(root)\\nsecond\\x01');
    const cut = snippet('x'.repeat(500), 10);
    expect(cut).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('snippetEnds', () => {
  it('keeps the start and the cause at the end of a long error', () => {
    const error = `error forwarding port 9999 to pod ${'a'.repeat(200)}: connect: connection refused`;
    const cut = snippetEnds(error, 61);
    expect(cut).toHaveLength(61);
    expect(cut.startsWith('error forwarding port 9999')).toBe(true);
    expect(cut.endsWith('connect: connection refused')).toBe(true);
    expect(snippetEnds('short', 61)).toBe('short');
  });
});
