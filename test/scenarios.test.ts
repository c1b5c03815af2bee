// Every scenario of the catalog runs on a fresh lab and goes as the catalog says; `hubspoke scenario` lists them
// and runs one for people.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatScenarioResult, runScenario, SCENARIOS } from '@hubspoke/lab';

const BIN = resolve(import.meta.dirname, '../node_modules/.bin/hubspoke');
const run = promisify(execFile);

describe('the scenario catalog', () => {
  it('covers the claims it can run on one host, each scenario with steps and an expected outcome', () => {
    const claims = new Set(SCENARIOS.flatMap((s) => s.claims));
    for (const c of ['C1', 'C2', 'C3', 'C4', 'C6', 'C8', 'C9', 'C10', 'C13', 'C14']) expect(claims, c).toContain(c);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
    for (const s of SCENARIOS) {
      expect(s.steps.length, s.id).toBeGreaterThan(0);
      expect(s.expected.length, s.id).toBeGreaterThan(20);
    }
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('runs %s as expected', async (_id, s) => {
    const result = await runScenario(s, { nodeAddressPrefix: '127.0.72', attackerAddress: '127.0.73.1' });
    expect(result.asExpected, formatScenarioResult(s, result)).toBe(true);
    expect(result.observations.some((l) => l.startsWith('as expected: '))).toBe(true);
  }, 60_000);

  it('lists and runs scenarios from the command line', async () => {
    const list = await run(BIN, ['scenario', 'list']);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID +CLAIMS +ATTACK +TITLE$/);
    expect(list.stdout).toMatch(/^mitm-verified +C10 +mitm-observe +--kubelet-certificate-authority stops the man in the middle$/m);
    const one = await run(BIN, ['scenario', 'run', 'kubelet-anonymous-refused']);
    expect(one.stdout).toContain('kubelet-anonymous-refused (C10; attack kubelet-anonymous-read)');
    expect(one.stdout).toMatch(/^RESULT: as expected$/m);
    const unknown = await run(BIN, ['scenario', 'run', 'nope']).catch((e: { code: number; stderr: string }) => e);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown scenario "nope": choose one of secure-port, authorization,') });
  }, 60_000);
});
