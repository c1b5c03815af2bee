// A commander command line parsed without running it: how compose checks and tests ask whether a bin would accept
// its arguments, in commander's own words, without the bin printing, exiting or starting anything.
import { CommanderError, type Command } from 'commander';

/** Accepted (the options are then on `command.opts()`), a request for help, or commander's refusal. */
export type CommandLineParse = { kind: 'parsed' } | { kind: 'help'; text: string } | { kind: 'error'; message: string };

/** Parse `argv` (the arguments after the command's own name) with `command`, which must have no action to run. */
export function parseCommandLine(command: Command, argv: readonly string[]): CommandLineParse {
  command
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  try {
    command.parse([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { kind: 'help', text: command.helpInformation() };
    return { kind: 'error', message: err.message };
  }
  return { kind: 'parsed' };
}
