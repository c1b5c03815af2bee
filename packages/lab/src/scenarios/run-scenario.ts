// `hubspoke scenario list | run <id>`: the catalog for people, and one scenario run on a fresh lab with what it
// observed.
import type { Scenario, ScenarioResult } from './scenario.ts';
import { startScenarioLab, type ScenarioLabOptions } from './scenario-lab.ts';

/** Run `s` on a fresh lab; the lab is closed whatever happens. */
export async function runScenario(s: Scenario, options: ScenarioLabOptions = {}): Promise<ScenarioResult> {
  const lab = await startScenarioLab(s.topology, options);
  try {
    return await s.run(lab);
  } finally {
    await lab.close();
  }
}

/** The catalog as a table: id, claims, attack, title. */
export function formatScenarioList(scenarios: readonly Scenario[]): string {
  const rows = scenarios.map((s) => [s.id, s.claims.join(','), s.attack ?? '', s.title]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['ID', 'CLAIMS', 'ATTACK'][i].length));
  const line = (r: string[]) => `${r.slice(0, 3).map((c, i) => c.padEnd(widths[i])).join('  ')}  ${r[3]}`.trimEnd();
  return [line(['ID', 'CLAIMS', 'ATTACK', 'TITLE']), ...rows.map(line)].join('\n') + '\n';
}

/** A scenario and its result, for people. */
export function formatScenarioResult(s: Scenario, result: ScenarioResult): string {
  return [
    `${s.id} (${s.claims.join(', ')}${s.attack ? `; attack ${s.attack}` : ''}): ${s.title}`,
    `  claim:    ${s.claim}`,
    `  lab:      profile ${s.topology.profile}${s.topology.egress ? `, egress ${s.topology.egress}` : ''}${s.topology.attackerOnNode1 === 'mitm' ? ', a man in the middle on node-1\'s address' : s.topology.attackerOnNode1 ? ', node-1\'s address held by the attacker' : ''}`,
    '  steps:',
    ...s.steps.map((step) => `    $ ${step}`),
    `  expected: ${s.expected}`,
    '  observed:',
    ...result.observations.map((line) => `    ${line}`),
    result.asExpected ? 'RESULT: as expected' : 'RESULT: NOT as expected',
    '',
  ].join('\n');
}
