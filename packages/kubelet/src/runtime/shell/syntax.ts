// The toy shell's grammar: a subset of POSIX sh large enough for what pod specs and docs write
// (`sh -c 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'`): words with quoting and
// $VAR/${VAR:-x}/$(…)/`…`/$((…)) expansions, pipelines, && ||, ; and newlines, if/while/until/for, { } and ( ).
// Redirections and background jobs are not supported and are reported as syntax errors.
import { incomplete, ShellSyntaxError, type AndOrList, type Command, type Pipeline, type Script, type Word } from './ast.ts';
import { Lexer, type Token } from './lexer.ts';

export * from './ast.ts';

/** Parses a script; throws ShellSyntaxError. */
export function parseScript(source: string): Script {
  const parser = new Parser(new Lexer(source, parseScript));
  const script = parser.list(new Set());
  const next = parser.peek();
  if (next.kind !== 'eof') throw parser.unexpected(next);
  return script;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Reserved words that can only continue a compound command, never start one. */
const CONTINUATIONS = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', '}']);

/** The literal text of a word that is one unquoted piece (how reserved words are recognized). */
function literal(token: Token): string | undefined {
  if (token.kind !== 'word' || token.word.length !== 1) return undefined;
  const part = token.word[0];
  return part.kind === 'text' && !part.quoted ? part.value : undefined;
}

class Parser {
  private lookahead?: Token;

  constructor(private readonly lexer: Lexer) {}

  peek(): Token {
    this.lookahead ??= this.lexer.next();
    return this.lookahead;
  }

  take(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  unexpected(token: Token, expecting?: string): ShellSyntaxError {
    if (token.kind === 'eof') {
      return incomplete(`unexpected end of file${expecting ? ` (expecting "${expecting}")` : ''}`);
    }
    const text = token.kind === 'op' ? token.op : token.kind === 'newline' ? 'newline' : literal(token) ?? 'word';
    if (token.kind === 'op' && '<>'.includes(token.op[0])) {
      return new ShellSyntaxError(`syntax error: redirection "${text}" is not supported by the toy shell`, false);
    }
    return new ShellSyntaxError(`syntax error: unexpected "${text}"`, false);
  }

  /** A list of and-or lists, stopping before one of `terminators` (reserved words), `)` or eof. */
  list(terminators: Set<string>): Script {
    const script: Script = [];
    for (;;) {
      this.skipNewlines();
      const token = this.peek();
      if (token.kind === 'eof' || (token.kind === 'op' && token.op === ')')) return script;
      const word = literal(token);
      if (word !== undefined && terminators.has(word)) return script;
      script.push(this.andOr());
      const separator = this.peek();
      if (separator.kind === 'newline' || (separator.kind === 'op' && separator.op === ';')) this.take();
      else if (separator.kind === 'op' && separator.op === '&') {
        throw new ShellSyntaxError('syntax error: background jobs ("&") are not supported by the toy shell', false);
      }
    }
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline') this.take();
  }

  private expectWord(word: string): void {
    const token = this.take();
    if (literal(token) !== word) throw this.unexpected(token, word);
  }

  private andOr(): AndOrList {
    const list: AndOrList = { first: this.pipeline(), rest: [] };
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || (token.op !== '&&' && token.op !== '||')) return list;
      this.take();
      this.skipNewlines();
      list.rest.push({ op: token.op, pipeline: this.pipeline() });
    }
  }

  private pipeline(): Pipeline {
    const negated = literal(this.peek()) === '!';
    if (negated) this.take();
    const commands = [this.command()];
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || token.op !== '|') return { negated, commands };
      this.take();
      this.skipNewlines();
      commands.push(this.command());
    }
  }

  private command(): Command {
    const token = this.peek();
    if (CONTINUATIONS.has(literal(token) ?? '')) throw this.unexpected(token);
    switch (literal(token)) {
      case 'if':
        return this.ifCommand();
      case 'while':
      case 'until':
        return this.loop();
      case 'for':
        return this.forCommand();
      case '{': {
        this.take();
        const body = this.list(new Set(['}']));
        this.expectWord('}');
        return { kind: 'group', subshell: false, body };
      }
    }
    if (token.kind === 'op' && token.op === '(') {
      this.take();
      const body = this.list(new Set());
      const close = this.take();
      if (close.kind !== 'op' || close.op !== ')') throw this.unexpected(close, ')');
      return { kind: 'group', subshell: true, body };
    }
    return this.simple();
  }

  private simple(): Command {
    const command: Command & { kind: 'simple' } = { kind: 'simple', assignments: [], words: [] };
    while (this.peek().kind === 'word') {
      const { word } = this.take() as Token & { kind: 'word' };
      const assignment = command.words.length === 0 ? splitAssignment(word) : undefined;
      if (assignment) command.assignments.push(assignment);
      else command.words.push(word);
    }
    if (command.words.length === 0 && command.assignments.length === 0) throw this.unexpected(this.peek());
    const next = this.peek();
    if (next.kind === 'op' && '<>'.includes(next.op[0])) throw this.unexpected(next);
    return command;
  }

  private ifCommand(): Command {
    this.take();
    const branches: { condition: Script; body: Script }[] = [];
    let otherwise: Script | undefined;
    for (;;) {
      const condition = this.list(new Set(['then']));
      this.expectWord('then');
      branches.push({ condition, body: this.list(new Set(['elif', 'else', 'fi'])) });
      const token = this.take();
      const word = literal(token);
      if (word === 'elif') continue;
      if (word === 'else') {
        otherwise = this.list(new Set(['fi']));
        this.expectWord('fi');
      } else if (word !== 'fi') throw this.unexpected(token, 'fi');
      return { kind: 'if', branches, otherwise };
    }
  }

  private loop(): Command {
    const until = literal(this.take()) === 'until';
    const condition = this.list(new Set(['do']));
    this.expectWord('do');
    const body = this.list(new Set(['done']));
    this.expectWord('done');
    return { kind: 'loop', until, condition, body };
  }

  private forCommand(): Command {
    this.take();
    const nameToken = this.take();
    const variable = literal(nameToken);
    if (!variable || !NAME.test(variable)) throw this.unexpected(nameToken);
    this.skipNewlines();
    let items: Word[] | undefined;
    if (literal(this.peek()) === 'in') {
      this.take();
      items = [];
      while (this.peek().kind === 'word') items.push((this.take() as Token & { kind: 'word' }).word);
    }
    const separator = this.peek();
    if (separator.kind === 'newline' || (separator.kind === 'op' && separator.op === ';')) this.take();
    this.skipNewlines();
    this.expectWord('do');
    const body = this.list(new Set(['done']));
    this.expectWord('done');
    return { kind: 'for', variable, items, body };
  }
}

/** `NAME=value` at the start of a simple command is an assignment. */
function splitAssignment(word: Word): { name: string; value: Word } | undefined {
  const head = word[0];
  if (head?.kind !== 'text' || head.quoted) return undefined;
  const eq = head.value.indexOf('=');
  if (eq <= 0 || !NAME.test(head.value.slice(0, eq))) return undefined;
  const rest = head.value.slice(eq + 1);
  const value: Word = rest ? [{ kind: 'text', value: rest, quoted: false }, ...word.slice(1)] : word.slice(1);
  return { name: head.value.slice(0, eq), value };
}
