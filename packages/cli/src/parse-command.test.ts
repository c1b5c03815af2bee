import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './parse-command.ts';

const command = () => new Command('demo').addOption(new Option('--port <n>').argParser(Number)).option('--hold');

describe('parseCommandLine', () => {
  it('leaves the parsed options on the command', () => {
    const c = command();
    expect(parseCommandLine(c, ['--port=7', '--hold'])).toEqual({ kind: 'parsed' });
    expect(c.opts()).toEqual({ port: 7, hold: true });
  });

  it('answers help with the help text and refusals with commander\'s words, printing nothing', () => {
    expect(parseCommandLine(command(), ['--help'])).toMatchObject({ kind: 'help', text: expect.stringContaining('--port <n>') });
    expect(parseCommandLine(command(), ['--nope'])).toEqual({ kind: 'error', message: "error: unknown option '--nope'" });
    expect(parseCommandLine(command(), ['extra'])).toMatchObject({ kind: 'error', message: expect.stringContaining('too many arguments') });
  });
});
