// The toy shell's syntax tree and its syntax error.

/** One piece of a word; `quoted` pieces are not field-split. */
export type WordPart =
  | { kind: 'text'; value: string; quoted: boolean }
  | { kind: 'param'; name: string; quoted: boolean; fallback?: { word: Word; ifEmpty: boolean } }
  | { kind: 'command'; script: Script; quoted: boolean }
  | { kind: 'arith'; expression: Word; quoted: boolean };

/** A shell word before expansion. */
export type Word = WordPart[];

/** A command AST node. */
export type Command =
  | { kind: 'simple'; assignments: { name: string; value: Word }[]; words: Word[] }
  | { kind: 'if'; branches: { condition: Script; body: Script }[]; otherwise?: Script }
  | { kind: 'loop'; until: boolean; condition: Script; body: Script }
  | { kind: 'for'; variable: string; items?: Word[]; body: Script }
  | { kind: 'group'; subshell: boolean; body: Script };

/** Commands connected by `|`, optionally negated with `!`. */
export interface Pipeline {
  negated: boolean;
  commands: Command[];
}

/** Pipelines connected by && and ||. */
export interface AndOrList {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

/** A parsed script: and-or lists run in order. */
export type Script = AndOrList[];

/** A syntax error; `incomplete` means more input could complete it (an interactive shell prompts "> "). */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly incomplete: boolean,
  ) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

/** A syntax error whose input could still be completed. */
export function incomplete(what: string): ShellSyntaxError {
  return new ShellSyntaxError(`syntax error: ${what}`, true);
}
