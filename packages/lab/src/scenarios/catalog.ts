// The scenario catalog: every scenario `hubspoke scenario list` shows and `hubspoke scenario run <id>` runs,
// in the order of the document's claims.
import { ATTACK_SCENARIOS } from './attack-scenarios.ts';
import { CLAIM_SCENARIOS } from './claim-scenarios.ts';
import type { Scenario } from './scenario.ts';

const firstClaim = (s: Scenario): number => Math.min(...s.claims.map((c) => Number(c.slice(1))));

/** All scenarios, by the first claim each shows (a stable sort keeps the catalog's order within a claim). */
export const SCENARIOS: readonly Scenario[] = [...CLAIM_SCENARIOS, ...ATTACK_SCENARIOS].sort((a, b) => firstClaim(a) - firstClaim(b));

/** The scenario with this id; throws with the list of ids for an unknown one. */
export function scenario(id: string): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown scenario "${id}": choose one of ${SCENARIOS.map((s) => s.id).join(', ')}`);
  return found;
}
