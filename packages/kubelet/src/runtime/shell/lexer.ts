// The toy shell's tokens: words (with their quoting and expansions kept as parts), operators, newlines.
import { incomplete, ShellSyntaxError, type Script, type Word, type WordPart } from './ast.ts';

/** One token. */
export type Token = { kind: 'word'; word: Word } | { kind: 'op'; op: string } | { kind: 'newline' } | { kind: 'eof' };

const OPERATORS = ['&&', '||', ';;', '>>', '<<', '>&', '<&', ';', '|', '&', '(', ')', '<', '>'];

/** Splits shell source into tokens; `parseNested` parses the scripts inside $(…) and `…`. */
export class Lexer {
  private at = 0;

  constructor(
    private readonly src: string,
    private readonly parseNested: (source: string) => Script,
  ) {}

  next(): Token {
    this.skipBlanks();
    if (this.at >= this.src.length) return { kind: 'eof' };
    const c = this.src[this.at];
    if (c === '#') {
      while (this.at < this.src.length && this.src[this.at] !== '\n') this.at++;
      return this.next();
    }
    if (c === '\n') {
      this.at++;
      return { kind: 'newline' };
    }
    const op = OPERATORS.find((o) => this.src.startsWith(o, this.at));
    if (op) {
      this.at += op.length;
      return { kind: 'op', op };
    }
    return { kind: 'word', word: this.word(false) };
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.at];
      if (c === ' ' || c === '\t' || c === '\r') this.at++;
      else if (c === '\\' && this.src[this.at + 1] === '\n') this.at += 2;
      else return;
    }
  }

  /** Reads a word; `inner` reads to the end of the source (for ${x:-word} and $((…)) bodies). */
  word(inner: boolean): Word {
    const parts: Word = [];
    const text = (value: string, quoted: boolean) => {
      const last = parts[parts.length - 1];
      if (last?.kind === 'text' && last.quoted === quoted) last.value += value;
      else parts.push({ kind: 'text', value, quoted });
    };
    while (this.at < this.src.length) {
      const c = this.src[this.at];
      if (!inner && (' \t\r\n;&|<>()'.includes(c))) break;
      this.at++;
      if (c === "'") {
        const end = this.src.indexOf("'", this.at);
        if (end < 0) throw incomplete('unterminated quoted string');
        text(this.src.slice(this.at, end), true);
        this.at = end + 1;
      } else if (c === '"') {
        this.doubleQuoted(parts, text);
      } else if (c === '\\') {
        if (this.at >= this.src.length) text('\\', false);
        else if (this.src[this.at] === '\n') this.at++;
        else text(this.src[this.at++], true);
      } else if (c === '$') {
        parts.push(this.dollar(false) ?? { kind: 'text', value: '$', quoted: false });
      } else if (c === '`') {
        parts.push({ kind: 'command', script: this.backquoted(), quoted: false });
      } else {
        text(c, false);
      }
    }
    return parts;
  }

  private doubleQuoted(parts: Word, text: (value: string, quoted: boolean) => void): void {
    text('', true); // "" is an (empty) word of its own
    for (;;) {
      if (this.at >= this.src.length) throw incomplete('unterminated quoted string');
      const c = this.src[this.at++];
      if (c === '"') return;
      if (c === '\\' && '$`"\\\n'.includes(this.src[this.at] ?? '')) {
        const escaped = this.src[this.at++];
        if (escaped !== '\n') text(escaped, true);
      } else if (c === '$') {
        const part = this.dollar(true);
        if (part) parts.push(part);
        else text('$', true);
      } else if (c === '`') {
        parts.push({ kind: 'command', script: this.backquoted(), quoted: true });
      } else {
        text(c, true);
      }
    }
  }

  /** After a `$`: the expansion it starts, or undefined for a literal dollar. */
  private dollar(quoted: boolean): WordPart | undefined {
    const rest = this.src.slice(this.at);
    if (rest.startsWith('((')) {
      const end = this.matching(this.at + 2, 2);
      const expression = new Lexer(this.src.slice(this.at + 2, end), this.parseNested).word(true);
      this.at = end + 2;
      return { kind: 'arith', expression, quoted };
    }
    if (rest.startsWith('(')) {
      const end = this.matching(this.at + 1, 1);
      const script = this.parseNested(this.src.slice(this.at + 1, end));
      this.at = end + 1;
      return { kind: 'command', script, quoted };
    }
    if (rest.startsWith('{')) {
      const end = this.src.indexOf('}', this.at);
      if (end < 0) throw incomplete('unterminated ${');
      const body = this.src.slice(this.at + 1, end);
      this.at = end + 1;
      const match = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]|[?$#@*])(?:(:?)-(.*))?$/s.exec(body);
      if (!match) throw new ShellSyntaxError(`syntax error: bad substitution`, false);
      if (match[3] === undefined) return { kind: 'param', name: match[1], quoted };
      const word = new Lexer(match[3], this.parseNested).word(true);
      return { kind: 'param', name: match[1], quoted, fallback: { word, ifEmpty: match[2] === ':' } };
    }
    const name = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9?$#@*])/.exec(rest)?.[0];
    if (!name) return undefined;
    this.at += name.length;
    return { kind: 'param', name, quoted };
  }

  private backquoted(): Script {
    let body = '';
    for (;;) {
      if (this.at >= this.src.length) throw incomplete('unterminated `');
      const c = this.src[this.at++];
      if (c === '`') return this.parseNested(body);
      if (c === '\\' && '$`\\'.includes(this.src[this.at] ?? '')) body += this.src[this.at++];
      else body += c;
    }
  }

  /** Index of the `)` (or `))`) closing a group opened `depth` parens ago, skipping quotes. */
  private matching(from: number, closers: number): number {
    let depth = 0;
    for (let i = from; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '\\') i++;
      else if (c === "'") {
        i = this.src.indexOf("'", i + 1);
        if (i < 0) break;
      } else if (c === '"') {
        for (i++; i < this.src.length && this.src[i] !== '"'; i++) if (this.src[i] === '\\') i++;
      } else if (c === '(') depth++;
      else if (c === ')') {
        if (depth > 0) depth--;
        else if (closers === 1 || this.src[i + 1] === ')') return i;
      }
    }
    throw incomplete(closers === 2 ? 'unterminated $((' : 'unterminated $(');
  }
}

