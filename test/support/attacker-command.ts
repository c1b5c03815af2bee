// Runs a hubspoke-attacker command in-process, as the bin would, and returns what it printed.
import { vi } from 'vitest';
import { attackerProgram } from '../../packages/attacker/src/bin/program.ts';

/** `hubspoke-attacker <args…>`; commander's exits become exceptions. */
export async function runAttackerCommand(args: string[]): Promise<string> {
  const program = attackerProgram().exitOverride();
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    await program.parseAsync(['node', 'hubspoke-attacker', ...args]);
  } finally {
    write.mockRestore();
  }
  return out;
}
