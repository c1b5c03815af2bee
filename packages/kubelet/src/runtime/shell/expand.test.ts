import { describe, expect, it } from 'vitest';
import { ArithmeticError, evaluateArithmetic, expandWords } from './expand.ts';
import { parseScript } from './syntax.ts';

const vars: Record<string, string> = { I: '4', S: ' two  words ', EMPTY: '' };
const scope = { lookup: (name: string) => vars[name], substitute: async () => 'out\n\n' };

async function fields(source: string): Promise<string[]> {
  const [{ first }] = parseScript(`cmd ${source}`);
  const command = first.commands[0];
  if (command.kind !== 'simple') throw new Error('not simple');
  return expandWords(command.words.slice(1), scope);
}

describe('word expansion', () => {
  it('splits unquoted expansions on blanks and keeps quoted ones whole', async () => {
    expect(await fields('$S "$S" x$S"y"')).toEqual(['two', 'words', ' two  words ', 'x', 'two', 'words', 'y']);
  });

  it('drops an empty unquoted expansion but keeps an empty quoted one', async () => {
    expect(await fields('$EMPTY "$EMPTY" $UNSET ""')).toEqual(['', '']);
  });

  it('strips trailing newlines from command substitution', async () => {
    expect(await fields('"[$(anything)]"')).toEqual(['[out]']);
  });

  it('uses ${X:-word} for unset or empty and ${X-word} only for unset', async () => {
    expect(await fields('${EMPTY:-a} ${EMPTY-b} ${UNSET-c}')).toEqual(['a', 'c']);
  });
});

describe('arithmetic', () => {
  const lookup = (name: string) => vars[name];

  it('follows C precedence and integer division', () => {
    expect(evaluateArithmetic('1 + 2 * 3', lookup)).toBe(7);
    expect(evaluateArithmetic('(1 + 2) * 3', lookup)).toBe(9);
    expect(evaluateArithmetic('-7 / 2', lookup)).toBe(-3);
    expect(evaluateArithmetic('7 % 3 == 1 && !0', lookup)).toBe(1);
  });

  it('reads variables as integers, unset as 0', () => {
    expect(evaluateArithmetic('I * 2 + NOPE', lookup)).toBe(8);
    expect(evaluateArithmetic('0x10', lookup)).toBe(16);
  });

  it('fails on bad syntax and division by zero', () => {
    expect(() => evaluateArithmetic('1 +', lookup)).toThrow(ArithmeticError);
    expect(() => evaluateArithmetic('1 / 0', lookup)).toThrow('divide by zero');
    expect(() => evaluateArithmetic('S + 1', lookup)).toThrow(/not a number/);
  });
});
