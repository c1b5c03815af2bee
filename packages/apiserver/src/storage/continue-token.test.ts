import { ApiError } from '@hubspoke/api';
import { describe, expect, it } from 'vitest';
import { decodeContinue, encodeContinue } from './continue-token.ts';

describe('continue tokens', () => {
  it('use the apiserver format and round-trip', () => {
    const token = encodeContinue(42, 'default/web-1');
    expect(JSON.parse(Buffer.from(token, 'base64').toString())).toEqual({
      v: 'meta.k8s.io/v1',
      rv: 42,
      start: 'default/web-1\u0000',
    });
    expect(decodeContinue(token)).toEqual({ resourceVersion: 42, start: 'default/web-1\u0000' });
  });

  it('rejects garbage, foreign versions and bad revisions with 400', () => {
    const bad = [
      'not base64 json',
      Buffer.from(JSON.stringify({ v: 'other', rv: 1, start: 'a' })).toString('base64'),
      Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' })).toString('base64'),
      Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 5, start: '' })).toString('base64'),
    ];
    for (const token of bad) {
      let caught: unknown;
      try {
        decodeContinue(token);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ApiError);
      expect((caught as ApiError).code).toBe(400);
      expect((caught as ApiError).message).toMatch(/^invalid continue token: continue key is not valid/);
    }
  });
});
