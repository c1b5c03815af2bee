// A scenario: one claim of the document (or one attack on it) as data — what it says in our words, the lab it
// needs, the steps a person would type, the outcome to expect — and the code that performs those steps on a
// fresh in-process lab and reports what it observed.
import type { AttackId } from '@hubspoke/attacker';
import type { EgressMode } from '../egress.ts';
import type { ProfileName } from '../profiles.ts';
import type { ScenarioLab } from './scenario-lab.ts';

/** The lab a scenario runs on. */
export interface ScenarioTopology {
  profile: ProfileName;
  egress?: EgressMode;
  /** kube-apiserver flags over the profile, read by its parser. */
  apiserverArgs?: string[];
  /**
   * node-1 advertises the attacker's address: `mitm` puts a man in the middle there, relaying to node-1's kubelet;
   * `vacant` leaves it for the scenario to start its own impostor (ScenarioLab.attacker says where).
   */
  attackerOnNode1?: 'mitm' | 'vacant';
}

/** What a run saw: whether the expected outcome happened, and the evidence, one line each. */
export interface ScenarioResult {
  asExpected: boolean;
  observations: string[];
}

/** One entry of the catalog. */
export interface Scenario {
  id: string;
  /** Claims of ../shared/DOCUMENT.md (C1–C14) the scenario shows. */
  claims: string[];
  /** The attack of the catalogue it runs, if any. */
  attack?: AttackId;
  title: string;
  /** The claim, in our words. */
  claim: string;
  topology: ScenarioTopology;
  /** What happens, as commands a person could type against `hubspoke up`. */
  steps: string[];
  /** The outcome to expect, in one sentence. */
  expected: string;
  /** Perform the steps on a fresh lab and judge the outcome. */
  run(lab: ScenarioLab): Promise<ScenarioResult>;
}

/** Collects observations and the verdict of each expectation. */
export class Observations {
  private readonly lines: string[] = [];
  private failed = false;

  /** Record a fact. */
  note(line: string): void {
    this.lines.push(line);
  }

  /** Record an expectation and whether it held. */
  expect(held: boolean, line: string): void {
    this.lines.push(`${held ? 'as expected' : 'NOT as expected'}: ${line}`);
    if (!held) this.failed = true;
  }

  result(): ScenarioResult {
    return { asExpected: !this.failed, observations: [...this.lines] };
  }
}
