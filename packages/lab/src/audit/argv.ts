// Taking one flag out of a command line, in pflag's two spellings (`--name=value` and `--name value`), so the
// audit can read a file a flag names itself instead of letting a parser read it from disk.

/** The values given for `flag` and the command line without it. */
export interface TakenFlag {
  values: string[];
  rest: string[];
}

/** Remove every occurrence of `flag` (e.g. `--config`), which takes a value, from `argv`. */
export function takeFlag(argv: readonly string[], flag: string): TakenFlag {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === flag && i + 1 < argv.length) {
      values.push(argv[++i]);
    } else if (arg.startsWith(`${flag}=`)) {
      values.push(arg.slice(flag.length + 1));
    } else {
      rest.push(arg);
    }
  }
  return { values, rest };
}
