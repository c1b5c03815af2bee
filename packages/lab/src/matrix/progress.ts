// The matrix's progress for people: a bar redrawn in place on a terminal, plain lines anywhere else (CI logs,
// files), both fed by runMatrix's events.
import { count } from './report.ts';
import type { MatrixEvent } from './run-matrix.ts';

/** Where progress goes: a stream, and whether it is a terminal that can redraw a line. */
export interface ProgressTarget {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A progress display; `finish` leaves the terminal on a fresh line. */
export interface Progress {
  onEvent(event: MatrixEvent): void;
  finish(): void;
}

const BAR_WIDTH = 24;

/** Progress on `target`: a bar when it is a TTY, else one line per cluster started and finished. */
export function createProgress(target: ProgressTarget): Progress {
  let total = 0;
  let done = 0;
  let disagreements = 0;
  const running = new Map<string, string>();
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

  const bar = (): string => {
    const filled = total === 0 ? 0 : Math.round((done / total) * BAR_WIDTH);
    const status = [...running].map(([cluster, stage]) => `${cluster}: ${stage}`).join(' | ');
    const line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total} combinations${disagreements ? `, ${disagreements} disagreeing` : ''}${status ? ` · ${status}` : ''}`;
    const width = Math.max(20, (target.columns ?? 120) - 1);
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  };
  const redraw = (): void => {
    target.write(`\r\x1b[2K${bar()}`);
  };

  return {
    onEvent(event) {
      switch (event.kind) {
        case 'planned':
          total = event.combinations;
          if (!target.isTTY) target.write(`matrix: ${count(event.combinations, 'combination')} on ${count(event.clusters, 'cluster')}\n`);
          break;
        case 'stage':
          if (!running.has(event.cluster) && !target.isTTY) target.write(`cluster ${event.cluster}: starting\n`);
          running.set(event.cluster, event.stage);
          break;
        case 'cluster-done': {
          running.delete(event.cluster);
          done += event.results.length;
          const failed = event.results.find((r) => r.error);
          const disagreeing = event.results.reduce((n, r) => n + (r.error ? 1 : r.attacks.filter((a) => !a.agree).length), 0);
          disagreements += disagreeing;
          const line = `cluster ${event.cluster}: ${failed ? `failed: ${failed.error!.split('\n')[0]}` : `${event.results.length} combinations, ${disagreeing} disagreeing`} (${seconds(event.durationMs)}) [${done}/${total}]`;
          if (target.isTTY) target.write(`\r\x1b[2K${line}\n`);
          else target.write(`${line}\n`);
          break;
        }
      }
      if (target.isTTY) redraw();
    },
    finish() {
      if (target.isTTY) target.write('\r\x1b[2K');
    },
  };
}
