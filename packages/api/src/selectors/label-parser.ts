// The label selector grammar of k8s.io/apimachinery/pkg/labels (v0.32): a lexer that splits the text into
// tokens and a recursive-descent parser with the same lookahead rules, so every error names the same token
// the apiserver's does (`found ')', expected: identifier`).
//
//   selector    ::= requirement | requirement "," selector
//   requirement ::= [!] KEY [ ("in"|"notin") "(" VALUES ")" | ("="|"=="|"!="|">"|"<") VALUE ]
import { labelKeyError, newLabelRequirement, type LabelOperator, type LabelRequirement } from './label-requirement.ts';

type Token =
  | 'end'
  | 'closePar'
  | 'comma'
  | 'not'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Scanned {
  tok: Token;
  lit: string;
}

const LITERALS: Record<string, Token> = {
  ')': 'closePar',
  ',': 'comma',
  '!': 'not',
  '==': 'doubleEquals',
  '=': 'equals',
  '>': 'greaterThan',
  in: 'in',
  '<': 'lessThan',
  '!=': 'notEquals',
  notin: 'notIn',
  '(': 'openPar',
};

// selection's binary operators, in the order apimachinery lists them in its error text.
const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch);

function lex(text: string): Scanned[] {
  const out: Scanned[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && isWhitespace(text[pos])) pos++;
    if (pos >= text.length) {
      out.push({ tok: 'end', lit: '' });
      return out;
    }
    if (isSpecial(text[pos])) {
      // Longest run of special characters that is still an operator: `!=` but `!` then `(` in `!(`.
      let best: Scanned | undefined;
      let buf = '';
      while (pos < text.length && isSpecial(text[pos])) {
        buf += text[pos];
        const tok = LITERALS[buf];
        if (tok) best = { tok, lit: buf };
        else if (best) break;
        pos++;
      }
      out.push(best!);
    } else {
      const start = pos;
      while (pos < text.length && !isSpecial(text[pos]) && !isWhitespace(text[pos])) pos++;
      const word = text.slice(start, pos);
      out.push({ tok: LITERALS[word] ?? 'identifier', lit: word });
    }
  }
}

/** A label selector's text as requirements (unsorted), or the apiserver's error text. */
export type ParseResult = { ok: true; requirements: LabelRequirement[] } | { ok: false; message: string };

// Thrown inside the parser and turned into a result at its edge.
class ParseFailure extends Error {}

class Parser {
  private pos = 0;
  constructor(private readonly items: Scanned[]) {}

  // In value position `in` and `notin` are ordinary identifiers (`x in (in)`).
  private peek(values: boolean): Scanned {
    const it = this.items[this.pos];
    return values && (it.tok === 'in' || it.tok === 'notIn') ? { tok: 'identifier', lit: it.lit } : it;
  }

  private next(values: boolean): Scanned {
    const it = this.peek(values);
    this.pos++;
    return it;
  }

  parse(): LabelRequirement[] {
    const out: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(true);
      if (tok === 'end') return out;
      if (tok !== 'identifier' && tok !== 'not') {
        throw new ParseFailure(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        out.push(this.requirement());
      } catch (err) {
        if (err instanceof ParseFailure) throw new ParseFailure(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const after = this.next(true);
      if (after.tok === 'end') return out;
      if (after.tok !== 'comma') throw new ParseFailure(`found '${after.lit}', expected: ',' or 'end of string'`);
      const following = this.peek(true);
      if (following.tok !== 'identifier' && following.tok !== 'not') {
        throw new ParseFailure(`found '${following.lit}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): LabelRequirement {
    let operator: LabelOperator | undefined;
    let item = this.next(true);
    if (item.tok === 'not') {
      operator = '!';
      item = this.next(true);
    }
    if (item.tok !== 'identifier') throw new ParseFailure(`found '${item.lit}', expected: identifier`);
    const key = item.lit;
    const keyErr = labelKeyError(key, null);
    if (keyErr) throw new ParseFailure(keyErr);
    const ahead = this.peek(true).tok;
    if ((ahead === 'end' || ahead === 'comma') && operator === undefined) operator = 'exists';
    if (operator === 'exists' || operator === '!') return this.validated(key, operator, []);

    const op = this.next(false);
    switch (op.tok) {
      case 'in':
        return this.validated(key, 'in', this.valueSet());
      case 'notIn':
        return this.validated(key, 'notin', this.valueSet());
      case 'equals':
        return this.validated(key, '=', this.exactValue());
      case 'doubleEquals':
        return this.validated(key, '==', this.exactValue());
      case 'notEquals':
        return this.validated(key, '!=', this.exactValue());
      case 'greaterThan':
        return this.validated(key, 'gt', this.exactValue());
      case 'lessThan':
        return this.validated(key, 'lt', this.exactValue());
      default:
        throw new ParseFailure(`found '${op.lit}', expected: ${BINARY_OPERATORS}`);
    }
  }

  private validated(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
    // Go collects values in a set: sorted, without duplicates.
    const unique = [...new Set(values)].sort();
    const result = newLabelRequirement(key, operator, unique);
    if (!result.ok) throw new ParseFailure(result.message);
    return result.requirement;
  }

  private valueSet(): string[] {
    const open = this.next(true);
    if (open.tok !== 'openPar') throw new ParseFailure(`found '${open.lit}' expected: '('`);
    const first = this.peek(true);
    if (first.tok === 'closePar') {
      this.pos++;
      return [''];
    }
    if (first.tok !== 'identifier' && first.tok !== 'comma') {
      throw new ParseFailure(`found '${first.lit}', expected: ',', ')' or identifier`);
    }
    const values = this.identifierList();
    // apimachinery reports the token that opened the list here, not the one it found.
    if (this.next(true).tok !== 'closePar') throw new ParseFailure(`found '${first.lit}', expected: ')'`);
    return values;
  }

  // A comma-separated list in which empty entries stand for the empty value: `(a,,b)`, `(,a)`, `(a,)`.
  private identifierList(): string[] {
    const values: string[] = [];
    for (;;) {
      const item = this.next(true);
      if (item.tok === 'identifier') {
        values.push(item.lit);
        const ahead = this.peek(true);
        if (ahead.tok === 'comma') continue;
        if (ahead.tok === 'closePar') return values;
        throw new ParseFailure(`found '${ahead.lit}', expected: ',' or ')'`);
      }
      if (item.tok !== 'comma') throw new ParseFailure(`found '${item.lit}', expected: ',', or identifier`);
      if (values.length === 0) values.push('');
      const ahead = this.peek(true);
      if (ahead.tok === 'closePar') {
        values.push('');
        return values;
      }
      if (ahead.tok === 'comma') {
        this.pos++;
        values.push('');
      }
    }
  }

  private exactValue(): string[] {
    const ahead = this.peek(true);
    if (ahead.tok === 'end' || ahead.tok === 'comma') return [''];
    const item = this.next(true);
    if (item.tok === 'identifier') return [item.lit];
    throw new ParseFailure(`found '${item.lit}', expected: identifier`);
  }
}

/** Parse a label selector's text (`labels.Parse` without the final sort). */
export function parseLabelRequirements(text: string): ParseResult {
  try {
    return { ok: true, requirements: new Parser(lex(text)).parse() };
  } catch (err) {
    if (err instanceof ParseFailure) return { ok: false, message: err.message };
    throw err;
  }
}
