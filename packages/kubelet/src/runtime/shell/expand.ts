// Word expansion: parameters, command substitution and arithmetic, then field splitting of the unquoted
// results (no globbing: the toy file system has nothing worth matching).
import type { Script, Word, WordPart } from './syntax.ts';

/** What expansion needs from the shell running it. */
export interface ExpansionScope {
  lookup(name: string): string | undefined;
  /** Runs a script in a subshell and returns its standard output. */
  substitute(script: Script): Promise<string>;
}

/** A `$((…))` expression the toy evaluator cannot compute. */
export class ArithmeticError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArithmeticError';
  }
}

/** Expands words into fields (arguments). */
export async function expandWords(words: Word[], scope: ExpansionScope): Promise<string[]> {
  const fields: string[] = [];
  for (const word of words) fields.push(...(await expandFields(word, scope)));
  return fields;
}

/** Expands a word without field splitting (assignments, case-like contexts). */
export async function expandWord(word: Word, scope: ExpansionScope): Promise<string> {
  let out = '';
  for (const part of word) out += await partValue(part, scope);
  return out;
}

async function expandFields(word: Word, scope: ExpansionScope): Promise<string[]> {
  const fields: string[] = [];
  let current = '';
  let hasField = false;
  for (const part of word) {
    const value = await partValue(part, scope);
    if (part.quoted || part.kind === 'text') {
      current += value;
      hasField ||= part.quoted || value.length > 0;
      continue;
    }
    // Unquoted expansion results split on blanks; a blank at either end also ends the field around it.
    value.split(/[ \t\n]+/).forEach((piece, i) => {
      if (i > 0) {
        if (hasField) fields.push(current);
        current = '';
        hasField = false;
      }
      if (piece) {
        current += piece;
        hasField = true;
      }
    });
  }
  if (hasField) fields.push(current);
  return fields;
}

async function partValue(part: WordPart, scope: ExpansionScope): Promise<string> {
  switch (part.kind) {
    case 'text':
      return part.value;
    case 'param': {
      const value = scope.lookup(part.name);
      if (part.fallback && (value === undefined || (part.fallback.ifEmpty && value === ''))) {
        return expandWord(part.fallback.word, scope);
      }
      return value ?? '';
    }
    case 'command':
      return (await scope.substitute(part.script)).replace(/\n+$/, '');
    case 'arith': {
      const source = await expandWord(part.expression, scope);
      return String(evaluateArithmetic(source, (name) => scope.lookup(name)));
    }
  }
}

type ArithToken = { kind: 'num'; value: number } | { kind: 'op'; op: string };

const ARITH_OPS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')'];
const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

/** Evaluates integer arithmetic as `$((…))` does; variables are read as integers (unset = 0). */
export function evaluateArithmetic(source: string, lookup: (name: string) => string | undefined): number {
  const tokens = tokenizeArithmetic(source, lookup);
  let at = 0;
  const fail = (): never => {
    throw new ArithmeticError('arithmetic syntax error');
  };
  const unary = (): number => {
    const token = tokens[at++] ?? fail();
    if (token.kind === 'num') return token.value;
    switch (token.op) {
      case '-':
        return -unary();
      case '+':
        return unary();
      case '!':
        return unary() === 0 ? 1 : 0;
      case '(': {
        const value = binary(0);
        const close = tokens[at++];
        if (close?.kind !== 'op' || close.op !== ')') fail();
        return value;
      }
    }
    return fail();
  };
  const binary = (minPrecedence: number): number => {
    let left = unary();
    for (;;) {
      const token = tokens[at];
      const precedence = token?.kind === 'op' ? BINARY_PRECEDENCE[token.op] : undefined;
      if (precedence === undefined || precedence <= minPrecedence) return left;
      at++;
      const right = binary(precedence);
      left = apply((token as { op: string }).op, left, right);
    }
  };
  const result = binary(0);
  if (at !== tokens.length) fail();
  return result;
}

function apply(op: string, a: number, b: number): number {
  switch (op) {
    case '||':
      return a !== 0 || b !== 0 ? 1 : 0;
    case '&&':
      return a !== 0 && b !== 0 ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
  }
  if (b === 0) throw new ArithmeticError('divide by zero');
  return op === '/' ? Math.trunc(a / b) : a % b;
}

function tokenizeArithmetic(source: string, lookup: (name: string) => string | undefined): ArithToken[] {
  const tokens: ArithToken[] = [];
  let at = 0;
  while (at < source.length) {
    const rest = source.slice(at);
    const blank = /^\s+/.exec(rest);
    const number = /^(0x[0-9a-fA-F]+|\d+)/.exec(rest);
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    const op = ARITH_OPS.find((o) => rest.startsWith(o));
    if (blank) at += blank[0].length;
    else if (number) {
      tokens.push({ kind: 'num', value: Number(number[0]) });
      at += number[0].length;
    } else if (name) {
      const value = lookup(name[0])?.trim() || '0';
      if (!/^-?(0x[0-9a-fA-F]+|\d+)$/.test(value)) throw new ArithmeticError(`${name[0]}: not a number: ${value}`);
      tokens.push({ kind: 'num', value: value.startsWith('-') ? -Number(value.slice(1)) : Number(value) });
      at += name[0].length;
    } else if (op) {
      tokens.push({ kind: 'op', op });
      at += op.length;
    } else throw new ArithmeticError('arithmetic syntax error');
  }
  return tokens;
}
