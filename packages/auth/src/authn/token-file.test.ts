import { describe, it, expect } from 'vitest';
import { parseTokenFile, tokenFileAuthenticator } from './token-file.ts';

describe('parseTokenFile', () => {
  it('reads token, user, uid and a quoted group list', () => {
    expect(parseTokenFile('s3cret,admin,uid-1,"system:masters,dev"\n')).toEqual([
      { token: 's3cret', user: { name: 'admin', uid: 'uid-1', groups: ['system:masters', 'dev'] } },
    ]);
  });

  it('accepts three columns, blank lines, CRLF and a missing final newline', () => {
    const entries = parseTokenFile('\r\na,alice,1\r\n\r\nb,bob,2');
    expect(entries.map((e) => [e.token, e.user.name, e.user.groups])).toEqual([
      ['a', 'alice', []],
      ['b', 'bob', []],
    ]);
  });

  it('handles doubled quotes and quoted fields spanning lines', () => {
    const [entry] = parseTokenFile('"to""ken","multi\nline",7,g1');
    expect(entry).toEqual({ token: 'to"ken', user: { name: 'multi\nline', uid: '7', groups: ['g1'] } });
  });

  it('names the line of a record with too few columns', () => {
    expect(() => parseTokenFile('a,alice,1\n\nb,bob\n')).toThrow(/token file line 3: must have at least 3 columns .* found 2/);
  });

  it('names the line of a stray quote', () => {
    expect(() => parseTokenFile('a,alice,1\nb,bo"b,2\n')).toThrow(/token file line 2: bare " in non-quoted-field/);
    expect(() => parseTokenFile('a,alice,1\n"b,bob,2\n')).toThrow(/token file line 2: extraneous or missing "/);
  });

  it('skips empty tokens and lets a repeated token take its last line', () => {
    const entries = parseTokenFile(',nobody,0\nt,first,1\nt,second,2\n');
    expect(entries).toEqual([{ token: 't', user: { name: 'second', uid: '2', groups: [] } }]);
  });
});

describe('tokenFileAuthenticator', () => {
  const authn = tokenFileAuthenticator(parseTokenFile('s3cret,admin,uid-1,"system:masters"\nother,bob,2\n'));

  it('authenticates a listed bearer token', () => {
    expect(authn.authenticate({ headers: { authorization: 'Bearer s3cret' } })).toEqual({
      kind: 'authenticated',
      user: { name: 'admin', uid: 'uid-1', groups: ['system:masters'] },
    });
  });

  it('has no opinion on unknown tokens and on requests without one', () => {
    expect(authn.authenticate({ headers: { authorization: 'Bearer s3cre' } })).toEqual({ kind: 'no-opinion' });
    expect(authn.authenticate({ headers: { authorization: 'Basic abc' } })).toEqual({ kind: 'no-opinion' });
    expect(authn.authenticate({ headers: {} })).toEqual({ kind: 'no-opinion' });
  });

  it('hands out copies, so callers cannot change the table', () => {
    const first = authn.authenticate({ headers: { authorization: 'Bearer other' } });
    if (first.kind === 'authenticated') first.user.groups.push('system:masters');
    const second = authn.authenticate({ headers: { authorization: 'Bearer other' } });
    expect(second.kind === 'authenticated' && second.user.groups).toEqual([]);
  });
});
