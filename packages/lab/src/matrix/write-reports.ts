// The three report files of a matrix run, side by side in one folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatHtml } from './report-html.ts';
import { formatMarkdown } from './report-markdown.ts';
import type { MatrixReport } from './report.ts';

/** The report as JSON (what the other two are made from). */
export function formatJson(report: MatrixReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Where writeReports put each file. */
export interface ReportPaths {
  markdown: string;
  html: string;
  json: string;
}

/** Write matrix.md, matrix.html and matrix.json into `dir` (created if needed). */
export async function writeReports(report: MatrixReport, dir: string): Promise<ReportPaths> {
  await mkdir(dir, { recursive: true });
  const paths = { markdown: join(dir, 'matrix.md'), html: join(dir, 'matrix.html'), json: join(dir, 'matrix.json') };
  await Promise.all([
    writeFile(paths.markdown, formatMarkdown(report)),
    writeFile(paths.html, formatHtml(report)),
    writeFile(paths.json, formatJson(report)),
  ]);
  return paths;
}
