// The matrix report as Markdown: a summary, one row per combination with each attack's measured outcome (and a
// mark where the audit predicted otherwise), then the evidence for every cell.
import { count, type AttackResult, type CombinationResult, type MatrixReport } from './report.ts';

/** `succeeded`/`blocked`, with the prediction when it differs. */
export function cellText(a: AttackResult): string {
  const measured = a.measured === 'succeeds' ? 'succeeded' : 'blocked';
  return a.agree ? measured : `${measured} ⚠ predicted ${a.predicted === 'succeeds' ? 'success' : 'blocked'}`;
}

/** A combination's anchor in the evidence section. */
export function anchorOf(c: CombinationResult, attack?: string): string {
  return `${c.id.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}${attack ? `--${attack}` : ''}`;
}

const escapeCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The whole report. */
export function formatMarkdown(report: MatrixReport): string {
  const lines: string[] = [];
  const measured = report.combinations.filter((c) => !c.error).length;
  lines.push('# hubspoke flag matrix', '');
  lines.push(
    `${count(report.combinations.length, 'combination')} on ${count(report.clusters, 'cluster')} (${report.parallel} at a time), ` +
      `${(report.durationMs / 1000).toFixed(1)} s, started ${report.startedAt}. ` +
      (report.disagreements === 0 ? 'Prediction (`hubspoke audit`) and measurement agree everywhere.' : `**${report.disagreements} disagreement${report.disagreements === 1 ? '' : 's'}** between prediction and measurement (⚠).`),
    '',
  );
  if (measured < report.combinations.length) lines.push(`${report.combinations.length - measured} combinations could not be measured (see below).`, '');
  lines.push('## Dimensions', '');
  for (const d of report.dimensions) lines.push(`- **${d.id}** (${d.title}, per ${d.level}): ${d.values.map((v) => `\`${v.id}\` = ${v.label}`).join('; ')}`);
  lines.push('', '## Attacks', '');
  for (const a of report.attacks) lines.push(`- **${a.id}** (${a.claim}, from ${a.position}): ${a.success}`);
  lines.push('', '## Results', '');
  const dims = report.dimensions.map((d) => d.id);
  lines.push(`| ${[...dims, ...report.attacks.map((a) => a.id)].join(' | ')} |`);
  lines.push(`|${[...dims, ...report.attacks].map(() => ' --- ').join('|')}|`);
  for (const c of report.combinations) {
    const values = dims.map((d) => `\`${c.combination[d]}\``);
    const cells = c.error
      ? report.attacks.map(() => 'not measured')
      : report.attacks.map((a) => {
          const r = c.attacks.find((x) => x.attack === a.id);
          return r ? `[${cellText(r)}](#${anchorOf(c, a.id)})` : '—';
        });
    lines.push(`| ${[...values, ...cells].join(' | ')} |`);
  }
  lines.push('', '## Evidence', '');
  for (const c of report.combinations) {
    lines.push(`### <a id="${anchorOf(c)}"></a>${c.id}`, '', `Cluster \`${c.cluster}\`, kubelet ${c.node}.`, '');
    if (c.error) {
      lines.push('Not measured:', '', '```', c.error, '```', '');
      continue;
    }
    for (const a of c.attacks) {
      lines.push(`- <a id="${anchorOf(c, a.attack)}"></a>**${a.attack}**: ${cellText(a)}. ${escapeCell(a.evidence.summary)}`);
      lines.push(`  - status codes: ${a.evidence.statuses.length ? a.evidence.statuses.map((s) => s ?? 'none').join(', ') : 'none'}`);
      if (a.evidence.bytes) lines.push(`  - first bytes: \`${a.evidence.bytes.replace(/`/g, "'").replace(/\r?\n/g, '⏎')}\``);
      lines.push(`  - audit (${a.prediction.because.join(', ')}): ${a.prediction.reason}`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
