import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTACKS } from '@hubspoke/attacker';
import { DIMENSIONS, combinationId } from './dimensions.ts';
import { formatHtml } from './report-html.ts';
import { formatMarkdown } from './report-markdown.ts';
import { describeDisagreements, reportDimensions, type AttackResult, type MatrixReport } from './report.ts';
import { writeReports } from './write-reports.ts';

const combination = { 'kubelet-ca': 'unverified', 'client-cert': 'set', egress: 'direct', 'kubelet-auth': 'anonymous-alwaysallow', 'read-only-port': 'on' };
const other = { ...combination, egress: 'ssh' };

const result = (attack: AttackResult['attack'], predicted: AttackResult['predicted'], measured: AttackResult['measured'], bytes?: string): AttackResult => ({
  attack, predicted, measured, agree: predicted === measured,
  prediction: { reason: `because <${attack}>`, because: ['4.2.1'] },
  evidence: { summary: `saw ${attack} & more`, statuses: [measured === 'succeeds' ? 200 : 403], ...(bytes ? { bytes } : {}) },
});

function sample(): MatrixReport {
  return {
    startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1234, clusters: 2, parallel: 2,
    dimensions: reportDimensions(DIMENSIONS), attacks: [...ATTACKS],
    combinations: [
      {
        id: combinationId(combination), combination, cluster: 'kubelet-ca=unverified,client-cert=set,egress=direct', node: 'node-6',
        attacks: ATTACKS.map((a) => (a.id === 'mitm-read-output' ? result(a.id, 'blocked', 'succeeds', '<script>alert(1)</script>') : result(a.id, 'succeeds', 'succeeds'))),
      },
      { id: combinationId(other), combination: other, cluster: 'x', node: 'node-1', attacks: [], error: 'the node host exited (1)' },
    ],
    disagreements: 2,
  };
}

describe('the matrix reports', () => {
  it('names each disagreement with its combination, attack, both outcomes and the evidence', () => {
    expect(describeDisagreements(sample())).toEqual([
      `${combinationId(combination)} mitm-read-output: predicted blocked (because <mitm-read-output>) but measured succeeds: saw mitm-read-output & more [bytes: "<script>alert(1)</script>"]`,
      `${combinationId(other)}: not measured: the node host exited (1)`,
    ]);
  });

  it('writes Markdown with a row per combination, links to the evidence and the disagreement marked', () => {
    const md = formatMarkdown(sample());
    expect(md).toContain('**2 disagreements** between prediction and measurement');
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('[succeeded ⚠ predicted blocked](#kubelet-ca-unverified-client-cert-set-egress-direct-kubelet-auth-anonymous-alwaysallow-read-only-port-on--mitm-read-output)');
    expect(md).toContain('<a id="kubelet-ca-unverified-client-cert-set-egress-direct-kubelet-auth-anonymous-alwaysallow-read-only-port-on--mitm-read-output"></a>');
    expect(rows[1]).toContain('not measured');
  });

  it('writes a self-contained HTML page with tooltips, links that resolve and the disagreement outlined', () => {
    const html = formatHtml(sample());
    expect(html).not.toMatch(/<(script|link)\b/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const hrefs = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    const ids = new Set([...html.matchAll(/id="([^"]+)"/g)].map((m) => m[1]));
    expect(hrefs.length).toBeGreaterThan(7);
    for (const h of hrefs) expect(ids.has(h), h).toBe(true);
    expect(html.match(/class="cell succeeds disagree" title="saw mitm-read-output &amp; more\nAudit: because &lt;mitm-read-output&gt;"/)).not.toBeNull();
    expect((html.match(/class="cell /g) ?? []).length).toBe(ATTACKS.length);
  });

  it('writes the three files, the JSON being the report itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'matrix-report-'));
    try {
      const paths = await writeReports(sample(), join(dir, 'out'));
      expect(JSON.parse(await readFile(paths.json, 'utf8'))).toEqual(sample());
      expect(await readFile(paths.markdown, 'utf8')).toBe(formatMarkdown(sample()));
      expect(await readFile(paths.html, 'utf8')).toBe(formatHtml(sample()));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
