import { describe, it, expect } from 'vitest';
import { bearerTokenCatchAll } from './bearer-token.ts';
import { withAnonymous } from './union.ts';
import type { Authenticator } from './types.ts';

const nobody: Authenticator = { name: 'tokens', authenticate: () => ({ kind: 'no-opinion' }) };

describe('bearerTokenCatchAll', () => {
  it('rejects a bearer token nobody recognised, so anonymous does not take over', async () => {
    const chain = withAnonymous(bearerTokenCatchAll(nobody), true);
    const result = await chain.authenticate({ headers: { authorization: 'Bearer who-knows' } });
    expect(result).toEqual({ kind: 'rejected', reason: 'invalid bearer token' });
  });

  it('leaves requests without a bearer token alone', async () => {
    const chain = withAnonymous(bearerTokenCatchAll(nobody), true);
    const result = await chain.authenticate({ headers: {} });
    expect(result.kind === 'authenticated' && result.user.name).toBe('system:anonymous');
  });

  it('keeps a specific rejection from the chain', async () => {
    const rejecting: Authenticator = { name: 'sa', authenticate: () => ({ kind: 'rejected', reason: 'invalid bearer token: expired' }) };
    const result = await bearerTokenCatchAll(rejecting).authenticate({ headers: { authorization: 'Bearer x' } });
    expect(result).toEqual({ kind: 'rejected', reason: 'invalid bearer token: expired' });
  });
});
