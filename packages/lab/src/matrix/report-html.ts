// The matrix report as one self-contained HTML page: a table with a row per combination and a column per
// attack, each cell saying succeeded or blocked, its evidence in the tooltip and one click away, disagreements
// between the audit and the measurement highlighted; the evidence follows the table.
import { anchorOf, cellText } from './report-markdown.ts';
import { count, type AttackResult, type MatrixReport } from './report.ts';

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d0d7; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f6; position: sticky; top: 0; }
td.value { font-family: ui-monospace, monospace; font-size: 12px; white-space: nowrap; }
td.cell a { color: inherit; text-decoration: none; display: block; }
td.succeeds { background: #fde2e1; } td.blocked { background: #e2f5e6; }
td.disagree { outline: 3px solid #d12; outline-offset: -3px; font-weight: 600; }
td.error { background: #eee; color: #666; }
tr:target, li:target { background: #fff7c2; }
.summary.bad { color: #b00; font-weight: 600; }
pre, code { font-family: ui-monospace, monospace; font-size: 12px; }
pre { background: #f6f6f8; padding: .4rem; white-space: pre-wrap; word-break: break-all; }
details { margin: .3rem 0 .8rem; }
`;

function cell(a: AttackResult, href: string): string {
  const classes = ['cell', a.measured, a.agree ? '' : 'disagree'].filter(Boolean).join(' ');
  const tip = `${a.evidence.summary}\nAudit: ${a.prediction.reason}`;
  return `<td class="${classes}" title="${escape(tip)}"><a href="#${href}">${escape(cellText(a))}</a></td>`;
}

/** The whole report as an HTML document. */
export function formatHtml(report: MatrixReport): string {
  const dims = report.dimensions;
  const head = `<tr>${dims.map((d) => `<th title="${escape(d.title)}">${escape(d.id)}</th>`).join('')}${report.attacks.map((a) => `<th title="${escape(`${a.title} (${a.claim}, from ${a.position}): ${a.success}`)}">${escape(a.id)}</th>`).join('')}</tr>`;
  const rows = report.combinations.map((c) => {
    const values = dims.map((d) => `<td class="value" title="${escape(d.values.find((v) => v.id === c.combination[d.id])?.label ?? '')}">${escape(c.combination[d.id] ?? '')}</td>`).join('');
    const cells = c.error
      ? `<td class="error" colspan="${report.attacks.length}"><a href="#${anchorOf(c)}">not measured</a></td>`
      : report.attacks.map((a) => {
          const r = c.attacks.find((x) => x.attack === a.id);
          return r ? cell(r, anchorOf(c, a.id)) : '<td>—</td>';
        }).join('');
    return `<tr id="row-${anchorOf(c)}">${values}${cells}</tr>`;
  });
  const evidence = report.combinations.map((c) => {
    const body = c.error
      ? `<pre>${escape(c.error)}</pre>`
      : `<ul>${c.attacks.map((a) => `<li id="${anchorOf(c, a.attack)}"><strong>${escape(a.attack)}</strong>: ${escape(cellText(a))}. ${escape(a.evidence.summary)}<br>status codes: ${escape(a.evidence.statuses.map((s) => s ?? 'none').join(', ') || 'none')}${a.evidence.bytes ? `<pre>${escape(a.evidence.bytes)}</pre>` : ''}<details><summary>audit (${escape(a.prediction.because.join(', '))})</summary>${escape(a.prediction.reason)}</details></li>`).join('')}</ul>`;
    return `<section id="${anchorOf(c)}"><h3>${escape(c.id)}</h3><p>Cluster <code>${escape(c.cluster)}</code>, kubelet ${escape(c.node)}. <a href="#row-${anchorOf(c)}">back to the table</a></p>${body}</section>`;
  });
  const verdict = report.disagreements === 0
    ? '<p class="summary">Prediction (<code>hubspoke audit</code>) and measurement agree for every combination and attack.</p>'
    : `<p class="summary bad">${report.disagreements} disagreement${report.disagreements === 1 ? '' : 's'} between prediction and measurement (outlined in red).</p>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>hubspoke flag matrix</title><style>${STYLE}</style></head>
<body>
<h1>hubspoke flag matrix</h1>
<p>${count(report.combinations.length, 'combination')} on ${count(report.clusters, 'cluster')} (${report.parallel} at a time), ${(report.durationMs / 1000).toFixed(1)} s, started ${escape(report.startedAt)}. Red cells: the attack succeeded; green: it was blocked. Hover a cell for its evidence, click for the details.</p>
${verdict}
<h2>Dimensions</h2>
<ul>${dims.map((d) => `<li><strong>${escape(d.id)}</strong> (${escape(d.title)}, per ${d.level}): ${d.values.map((v) => `<code>${escape(v.id)}</code> = ${escape(v.label)}`).join('; ')}</li>`).join('')}</ul>
<h2>Results</h2>
<table><thead>${head}</thead><tbody>
${rows.join('\n')}
</tbody></table>
<h2>Evidence</h2>
${evidence.join('\n')}
</body>
</html>
`;
}
