import { describe, it, expect } from 'vitest';
import { takeFlag } from './argv.ts';

describe('takeFlag', () => {
  it('takes both spellings and keeps everything else in order', () => {
    expect(takeFlag(['--a=1', '--config', 'x.yaml', '--b', '--config=y.yaml', '--configure=z'], '--config')).toEqual({
      values: ['x.yaml', 'y.yaml'],
      rest: ['--a=1', '--b', '--configure=z'],
    });
  });

  it('leaves a trailing flag without a value for the parser to report', () => {
    expect(takeFlag(['--v=2', '--config'], '--config')).toEqual({ values: [], rest: ['--v=2', '--config'] });
  });
});
