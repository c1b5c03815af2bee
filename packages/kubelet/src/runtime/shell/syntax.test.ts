import { describe, expect, it } from 'vitest';
import { parseScript, ShellSyntaxError } from './syntax.ts';

const fails = (source: string) => {
  try {
    parseScript(source);
  } catch (err) {
    if (err instanceof ShellSyntaxError) return err;
    throw err;
  }
  throw new Error(`parsed: ${source}`);
};

describe('toy shell syntax', () => {
  it('parses and-or lists of pipelines', () => {
    const [list] = parseScript('! a | b && c || d');
    expect(list.first.negated).toBe(true);
    expect(list.first.commands).toHaveLength(2);
    expect(list.rest.map((r) => r.op)).toEqual(['&&', '||']);
  });

  it('splits leading NAME=value words into assignments', () => {
    const [{ first }] = parseScript('A=1 B="x y" cmd C=3');
    const command = first.commands[0];
    expect(command.kind === 'simple' && command.assignments.map((a) => a.name)).toEqual(['A', 'B']);
    expect(command.kind === 'simple' && command.words).toHaveLength(2);
  });

  it('keeps quoted text literal and recognizes expansions', () => {
    const [{ first }] = parseScript(`echo '$HOME' "$HOME" \${X:-d} $(date) $((1+2)) \`id\``);
    const command = first.commands[0];
    if (command.kind !== 'simple') throw new Error('not simple');
    expect(command.words.slice(1).map((w) => w[0].kind)).toEqual(['text', 'text', 'param', 'command', 'arith', 'command']);
    expect(command.words[2][1]).toMatchObject({ kind: 'param', name: 'HOME', quoted: true });
  });

  it('treats quoted reserved words as ordinary words', () => {
    const [{ first }] = parseScript('echo "if" then');
    expect(first.commands[0].kind).toBe('simple');
  });

  it('parses nested compound commands', () => {
    const [{ first }] = parseScript('while true; do if a; then for x in 1 2; do b; done; fi; done');
    expect(first.commands[0]).toMatchObject({ kind: 'loop', until: false });
  });

  it('marks unfinished input as incomplete so an interactive shell can read more', () => {
    expect(fails('while true; do echo').incomplete).toBe(true);
    expect(fails('echo "abc').incomplete).toBe(true);
    expect(fails('echo $(date').incomplete).toBe(true);
    expect(fails('if true; then').message).toBe('syntax error: unexpected end of file (expecting "fi")');
  });

  it('rejects misplaced tokens, redirections and background jobs as complete errors', () => {
    expect(fails('; echo')).toMatchObject({ incomplete: false, message: 'syntax error: unexpected ";"' });
    expect(fails('echo hi > f').incomplete).toBe(false);
    expect(fails('sleep 1 &').message).toMatch(/background/);
    expect(fails('fi').message).toBe('syntax error: unexpected "fi"');
  });

  it('ignores comments and blank lines', () => {
    expect(parseScript('# nothing\n\n  \n')).toEqual([]);
    expect(parseScript('echo a # trailing')).toHaveLength(1);
  });
});
