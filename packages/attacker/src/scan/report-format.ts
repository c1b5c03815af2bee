// Scan reports for people (a table per kubelet, then its attack verdicts) and for programs (JSON).
import { ATTACKS } from '../attacks.ts';
import type { KubeletAttackId, ScanReport } from './types.ts';

/** The output formats of `hubspoke-attacker scan --output`. */
export type ScanOutputFormat = 'table' | 'json';

/** Reports as the chosen format, ending in a newline. */
export function formatReports(reports: readonly ScanReport[], format: ScanOutputFormat): string {
  return format === 'json' ? `${JSON.stringify(reports, null, 2)}\n` : reports.map(formatTable).join('\n');
}

/** One kubelet's report as text columns. */
export function formatTable(report: ScanReport): string {
  const lines = [`KUBELET ${report.target} (${identityText(report)})`, `  TLS: ${tlsText(report)}`];
  lines.push(`  Pods: ${report.pods.length ? report.pods.join(', ') : '(none readable)'}`);
  const t = report.containerTarget;
  lines.push(`  Target: ${t.namespace}/${t.pod}/${t.container} (${t.source}); port-forward ${report.portForwardTarget.pod}:${report.portForwardTarget.port}`);
  lines.push('');
  const rows = report.probes.map((p) => [p.probe, `${p.method} ${p.scheme}://…:${p.port}${p.path}`, p.status === null ? '-' : String(p.status), p.outcome, p.evidence]);
  lines.push(...columns([['PROBE', 'REQUEST', 'STATUS', 'OUTCOME', 'EVIDENCE'], ...rows]));
  lines.push('');
  const attackRows = (Object.keys(report.attacks) as KubeletAttackId[]).map((id) => [id, report.attacks[id], ATTACKS.find((a) => a.id === id)?.title ?? '']);
  lines.push(...columns([['ATTACK', 'RESULT', 'WHAT'], ...attackRows]));
  return `${lines.join('\n')}\n`;
}

function identityText(report: ScanReport): string {
  return report.identity === 'anonymous' ? 'anonymous' : `with a ${report.identity === 'bearer-token' ? 'bearer token' : 'client certificate'}: "anonymous" attacks below measure what it opens`;
}

function tlsText(report: ScanReport): string {
  if (report.tls.kind === 'failed') return `handshake failed: ${report.tls.error}`;
  const c = report.tls.certificate;
  return `${c.subject} issued by ${c.issuer}${c.selfSigned ? ' (self-signed: nothing verifies it)' : ''}, valid until ${c.notAfter}`;
}

// Left-aligned columns two spaces apart; the last column is not padded.
function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}
