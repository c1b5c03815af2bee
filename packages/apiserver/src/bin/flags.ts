// pflag-compatible helpers for commander: booleans as `--flag`, `--flag=true|false`; lists as
// comma-separated or repeated flags; Kubernetes' wording for unknown flags.
import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** Parse a pflag boolean (`true`, `false`, `1`, `0`, `t`, `f`). */
export function parseBool(value: string | boolean | undefined): boolean {
  if (value === undefined || value === true) return true;
  if (value === false) return false;
  const v = value.toLowerCase();
  if (['true', 't', '1'].includes(v)) return true;
  if (['false', 'f', '0'].includes(v)) return false;
  throw new InvalidArgumentError(`strconv.ParseBool: parsing "${value}": invalid syntax`);
}

/** Parse an integer flag. */
export function parseIntFlag(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

/** Accumulate a string-slice flag (repeatable and comma-separated). */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** Accumulate a repeatable flag without splitting on commas (file paths, URLs). */
export function collectRepeat(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parse argv; on a flag error print Kubernetes-style text and exit 1. */
export function parseOrExit(program: Command, argv: string[]): void {
  program.exitOverride();
  program.configureOutput({ writeErr: () => {} });
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
      const unknown = /unknown option '([^']+)'/.exec(err.message);
      const text = unknown ? `unknown flag: ${unknown[1]}` : err.message.replace(/^error: /, '');
      process.stderr.write(`Error: ${text}\nRun '${program.name()} --help' for usage.\n`);
      process.exit(1);
    }
    throw err;
  }
}
