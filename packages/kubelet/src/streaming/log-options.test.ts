import { describe, expect, it } from 'vitest';
import { parseLogQuery } from './log-options.ts';

const parse = (query: string) => parseLogQuery(new URLSearchParams(query));

describe('parseLogQuery', () => {
  it('reads booleans as Go does: false only for "0" and "false"', () => {
    expect(parse('follow=true&previous=1&timestamps=')).toEqual({
      kind: 'ok',
      options: { follow: true, previous: true, timestamps: true },
    });
    expect(parse('follow=FALSE&previous=0')).toEqual({ kind: 'ok', options: { follow: false, previous: false, timestamps: false } });
  });

  it('reads numbers and times, with tail as the legacy tailLines', () => {
    expect(parse('tail=5&limitBytes=10&sinceTime=2024-05-01T10:00:00Z')).toEqual({
      kind: 'ok',
      options: { follow: false, previous: false, timestamps: false, tailLines: 5, limitBytes: 10, sinceTime: new Date('2024-05-01T10:00:00Z') },
    });
    expect(parse('tail=all&tailLines=3')).toEqual({ kind: 'ok', options: { follow: false, previous: false, timestamps: false } });
  });

  it('answers 400 for what does not decode and 422 for what ValidatePodLogOptions rejects', () => {
    expect(parse('sinceTime=yesterday')).toMatchObject({ kind: 'error', status: 400 });
    expect(parse('limitBytes=1.5')).toMatchObject({ kind: 'error', status: 400 });
    expect(parse('tailLines=-1')).toMatchObject({ kind: 'error', status: 422 });
    expect(parse('sinceSeconds=1&sinceTime=2024-05-01T10:00:00Z')).toMatchObject({ kind: 'error', status: 422 });
  });
});
