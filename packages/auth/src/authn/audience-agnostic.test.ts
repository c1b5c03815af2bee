import { describe, expect, it } from 'vitest';
import { audienceAgnostic } from './audience-agnostic.ts';
import type { Authenticator } from './types.ts';

const alice: Authenticator = { name: 'token-file', authenticate: () => ({ kind: 'authenticated', user: { name: 'alice', groups: [] } }) };
const wrapped = audienceAgnostic(alice, ['https://kubernetes.default.svc', 'api']);

describe('audienceAgnostic', () => {
  it('leaves ordinary requests, which name no audience, to the inner authenticator', async () => {
    expect(await wrapped.authenticate({ headers: {} })).toEqual({ kind: 'authenticated', user: { name: 'alice', groups: [] } });
  });

  it('answers only for the API audiences, naming the ones shared', async () => {
    expect(await wrapped.authenticate({ headers: {}, audiences: ['api', 'vault'] })).toMatchObject({ kind: 'authenticated', audiences: ['api'] });
  });

  it('has no opinion for other audiences, without asking the inner authenticator', async () => {
    let asked = false;
    const spy = audienceAgnostic({ name: 'x', authenticate: () => ((asked = true), { kind: 'no-opinion' }) }, ['api']);
    expect(await spy.authenticate({ headers: {}, audiences: ['vault'] })).toEqual({ kind: 'no-opinion' });
    expect(asked).toBe(false);
  });
});
