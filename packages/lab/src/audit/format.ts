// The report for people (kube-bench's shape: one `[STATUS] id title` line per control, the remediations of what
// did not pass, then the predicted attacks with their reasons and a summary) and for programs (JSON).
import type { AuditReport } from './audit.ts';
import type { ControlResult } from './check-controls.ts';

/** The report as kube-bench-like text. */
export function formatAuditText(report: AuditReport): string {
  const lines: string[] = [];
  let group = '';
  for (const c of report.controls) {
    const heading = c.component === 'apiserver' ? 'apiserver' : `kubelet ${c.node ?? ''}`.trim();
    if (heading !== group) {
      if (group) lines.push('');
      lines.push(`[INFO] ${heading}`);
      group = heading;
    }
    lines.push(`[${c.status}] ${c.id} ${c.title}${c.assessment ? ` (${c.assessment})` : ''}`);
    lines.push(`       seen: ${c.evidence}`);
  }

  const open = report.controls.filter((c) => c.status !== 'PASS');
  if (open.length > 0) {
    lines.push('', '== Remediations ==');
    for (const c of open) lines.push(`${c.id}${where(c)} ${c.remediation}`);
  }

  lines.push('', '== Predicted attacks ==');
  for (const p of report.predictions) {
    const outcome = p.outcome === 'succeeds' ? 'SUCCEEDS' : 'BLOCKED';
    lines.push(`[${outcome}] ${p.attack}${p.node ? ` on ${p.node}` : ''}: ${p.reason} (because ${p.because.join(', ')})`);
  }

  const count = (s: ControlResult['status']) => report.controls.filter((c) => c.status === s).length;
  const succeeding = report.predictions.filter((p) => p.outcome === 'succeeds').length;
  lines.push(
    '',
    '== Summary ==',
    `${count('PASS')} checks PASS`,
    `${count('FAIL')} checks FAIL`,
    `${count('WARN')} checks WARN`,
    `${succeeding} of ${report.predictions.length} attack predictions succeed`,
  );
  return `${lines.join('\n')}\n`;
}

/** The report as indented JSON (the AuditReport object itself). */
export function formatAuditJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function where(c: ControlResult): string {
  return c.node ? ` (${c.node})` : '';
}
