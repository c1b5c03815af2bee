// The flag matrix in full: every combination of kubelet CA (with and without KubeletCertCNValidation), apiserver
// kubelet client certificate, egress, kubelet anonymous auth and authorization mode, read-only port and the
// kubelet's WebSocket create-permission gate (3×2×3×3×2×2 = 216), each attack of the catalogue tried for real
// across network namespaces, and the audit's prediction held to the measurement for every one. A disagreement is a bug in the audit or in the system; the failure names the combination, the
// attack, both outcomes and the evidence.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACKS } from '@hubspoke/attacker';
import { describeDisagreements, runMatrix, writeReports, type MatrixReport } from '../packages/lab/src/matrix/index.ts';

let report: MatrixReport;
let out: string;

beforeAll(async () => {
  const started = Date.now();
  report = await runMatrix({ parallel: 2 });
  out = await mkdtemp(join(tmpdir(), 'hubspoke-matrix-'));
  await writeReports(report, out);
  console.log(`matrix: ${report.combinations.length} combinations on ${report.clusters} clusters in ${((Date.now() - started) / 1000).toFixed(1)} s (wall time)`);
}, 600_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('the full flag matrix', () => {
  it('measures all 216 combinations on 18 clusters, every attack of the catalogue on each', () => {
    expect(report.clusters).toBe(18);
    expect(report.combinations).toHaveLength(216);
    expect(new Set(report.combinations.map((c) => c.id)).size).toBe(216);
    for (const c of report.combinations) {
      expect(c.error, `${c.id} was not measured`).toBeUndefined();
      expect(c.attacks.map((a) => a.attack)).toEqual(ATTACKS.map((a) => a.id));
    }
  });

  it('finds prediction and measurement in agreement for every combination and attack', () => {
    expect(describeDisagreements(report), 'combination attack: prediction but measurement: evidence').toEqual([]);
  });

  it('sees each attack both succeed and be blocked somewhere (those blocked by design nowhere succeed), with status codes as evidence', () => {
    for (const { id, blockedByDesign } of ATTACKS) {
      const outcomes = new Set(report.combinations.flatMap((c) => c.attacks.filter((a) => a.attack === id).map((a) => a.measured)));
      expect([...outcomes].sort(), id).toEqual(blockedByDesign ? ['blocked'] : ['blocked', 'succeeds']);
    }
    const read = report.combinations.find((c) => c.combination['kubelet-auth'] === 'anonymous-alwaysallow' && c.combination.egress === 'direct' && c.combination['kubelet-ca'] === 'unverified')!;
    const output = read.attacks.find((a) => a.attack === 'mitm-read-output')!;
    expect(output.measured).toBe('succeeds');
    expect(output.evidence.statuses).toContain(200);
    expect(output.evidence.bytes).toContain('hello from chatty');
  });

  it('shows each gate closing its attack: the CN check stops the rogue node, the create check the get-nodes/proxy exec', () => {
    const at = (c: Record<string, string>, attack: string) =>
      report.combinations.find((x) => Object.entries(c).every(([k, v]) => x.combination[k] === v))!.attacks.find((a) => a.attack === attack)!;
    const base = { 'client-cert': 'set', egress: 'direct', 'kubelet-auth': 'anonymous-off', 'read-only-port': 'off' };
    expect(at({ ...base, 'kubelet-ca': 'verified', 'upgrade-check': 'off' }, 'rogue-node')).toMatchObject({ measured: 'succeeds', evidence: { statuses: [200] } });
    const cn = at({ ...base, 'kubelet-ca': 'verified-cn', 'upgrade-check': 'off' }, 'rogue-node');
    expect(cn.measured).toBe('blocked');
    expect(cn.evidence.summary).toContain('kubelet serving certificate CN "system:node:node-rogue" does not match node');
    expect(at({ ...base, 'kubelet-ca': 'verified', 'upgrade-check': 'off' }, 'nodes-proxy-exec')).toMatchObject({ measured: 'succeeds', evidence: { statuses: [101] } });
    expect(at({ ...base, 'kubelet-ca': 'verified', 'upgrade-check': 'on' }, 'nodes-proxy-exec')).toMatchObject({ measured: 'blocked', evidence: { statuses: [403] } });
    const redirect = at({ ...base, 'kubelet-ca': 'unverified', 'upgrade-check': 'off' }, 'upgrade-redirect');
    expect(redirect.evidence.summary).toContain('invalid upgrade response: status code 302');
    expect(at(base, 'token-replay').evidence.statuses).toEqual([201, 401]);
  });

  it('writes the Markdown, HTML and JSON reports', async () => {
    const [md, html, json] = await Promise.all(['matrix.md', 'matrix.html', 'matrix.json'].map((f) => readFile(join(out, f), 'utf8')));
    expect(md).toContain('| kubelet-ca | client-cert | egress | kubelet-auth | read-only-port | upgrade-check | kubelet-anonymous-read |');
    expect(html).toMatch(/^<!doctype html>/);
    expect((html.match(/<tr id="row-/g) ?? []).length).toBe(216);
    expect((JSON.parse(json) as MatrixReport).combinations).toHaveLength(216);
  });
});
