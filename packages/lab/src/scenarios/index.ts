// Scenarios: the document's claims and the attacks on them, as data that runs.
export { SCENARIOS, scenario } from './catalog.ts';
export { runScenario, formatScenarioList, formatScenarioResult } from './run-scenario.ts';
export { startScenarioLab, type ScenarioLab, type ScenarioLabOptions, type KubectlRun } from './scenario-lab.ts';
export type { Scenario, ScenarioResult, ScenarioTopology } from './scenario.ts';
