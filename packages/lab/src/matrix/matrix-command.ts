// `hubspoke matrix [--out dir] [--parallel 2] [--filter egress=direct,…]`: run the flag matrix with a progress
// bar, write the Markdown, HTML and JSON reports, print where they are and any disagreement. Exits 1 when the
// audit and the measurement disagree anywhere (or a combination could not be measured).
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DIMENSIONS, parseFilter } from './dimensions.ts';
import { createProgress } from './progress.ts';
import { count, describeDisagreements } from './report.ts';
import { runMatrix } from './run-matrix.ts';
import { writeReports } from './write-reports.ts';

/** Add the `matrix` command to `program`; returns the command. */
export function addMatrixCommand(program: Command): Command {
  const dimensionHelp = DIMENSIONS.map((d) => `${d.id}=${(d.values as { id: string }[]).map((v) => v.id).join('|')}`).join(', ');
  return program
    .command('matrix')
    .description('Run every attack on every combination of the flags that matter, in network namespaces (needs root and iproute2), and check each outcome against `hubspoke audit`\'s prediction; writes matrix.md, matrix.html and matrix.json.')
    .option('--out <dir>', 'where the reports go', 'matrix-report')
    .addOption(new Option('--parallel <n>', 'clusters run at a time').default(2).argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--parallel ${v}: a whole number of at least 1`);
      return n;
    }))
    .option('--filter <pairs>', `keep only these values (dimension=value, comma-separated, repeatable; values of one dimension are alternatives): ${dimensionHelp}`, (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(async (o: { out: string; parallel: number; filter: string[] }) => {
      const filter = parseFilter(o.filter.join(','));
      if (filter.kind === 'error') fail(filter.message);
      // Ctrl-C exits through process.exit, whose hooks delete the namespaces and stop what runs in them.
      process.once('SIGINT', () => process.exit(130));
      const progress = createProgress(process.stderr);
      try {
        const report = await runMatrix({ filter: filter.kind === 'ok' ? filter.filter : {}, parallel: o.parallel, onEvent: (e) => progress.onEvent(e) });
        progress.finish();
        const paths = await writeReports(report, resolve(o.out));
        const problems = describeDisagreements(report);
        process.stdout.write(
          `${count(report.combinations.length, 'combination')} on ${count(report.clusters, 'cluster')} in ${(report.durationMs / 1000).toFixed(1)} s: ` +
            `${problems.length === 0 ? 'prediction and measurement agree everywhere' : `${problems.length} disagreement${problems.length === 1 ? '' : 's'}`}\n` +
            `${problems.map((p) => `  ${p}\n`).join('')}` +
            `reports: ${paths.markdown}\n         ${paths.html}\n         ${paths.json}\n`,
        );
        if (problems.length > 0) process.exitCode = 1;
      } catch (err) {
        progress.finish();
        fail((err as Error).message);
      }
    });
}

function fail(message: string): never {
  process.stderr.write(`hubspoke: ${message}\n`);
  process.exit(1);
}
