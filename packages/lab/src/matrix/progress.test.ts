import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.ts';
import type { CombinationResult } from './report.ts';

const results = (n: number, error?: string): CombinationResult[] =>
  Array.from({ length: n }, (_, i) => ({ id: `c${i}`, combination: {}, cluster: 'k', node: `node-${i + 1}`, attacks: [], ...(error ? { error } : {}) }));

function sink(isTTY: boolean) {
  let text = '';
  return { target: { isTTY, columns: 200, write: (t: string) => (text += t) }, text: () => text };
}

describe('matrix progress', () => {
  it('prints plain lines when not on a terminal', () => {
    const out = sink(false);
    const p = createProgress(out.target);
    p.onEvent({ kind: 'planned', clusters: 2, combinations: 12 });
    p.onEvent({ kind: 'stage', cluster: 'egress=direct', stage: 'pods' });
    p.onEvent({ kind: 'stage', cluster: 'egress=direct', stage: 'scan' });
    p.onEvent({ kind: 'cluster-done', cluster: 'egress=direct', results: results(6), durationMs: 8100 });
    p.onEvent({ kind: 'cluster-done', cluster: 'egress=ssh', results: results(6, 'the node host exited (1)\nstack'), durationMs: 900 });
    p.finish();
    expect(out.text()).toBe(
      'matrix: 12 combinations on 2 clusters\n' +
        'cluster egress=direct: starting\n' +
        'cluster egress=direct: 6 combinations, 0 disagreeing (8.1 s) [6/12]\n' +
        'cluster egress=ssh: failed: the node host exited (1) (0.9 s) [12/12]\n',
    );
  });

  it('redraws one bar line on a terminal, with what each running cluster is doing', () => {
    const out = sink(true);
    const p = createProgress(out.target);
    p.onEvent({ kind: 'planned', clusters: 2, combinations: 12 });
    p.onEvent({ kind: 'stage', cluster: 'egress=direct', stage: 'pods' });
    expect(out.text().split('\r\x1b[2K').at(-1)).toBe('[------------------------] 0/12 combinations · egress=direct: pods');
    p.onEvent({ kind: 'cluster-done', cluster: 'egress=direct', results: results(6), durationMs: 8000 });
    expect(out.text().split('\r\x1b[2K').at(-1)).toBe('[############------------] 6/12 combinations');
    p.finish();
    expect(out.text().endsWith('\r\x1b[2K')).toBe(true);
  });
});
