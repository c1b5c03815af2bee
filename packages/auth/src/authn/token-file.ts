// Static bearer tokens from `--token-auth-file`: CSV lines `token,user,uid[,"group1,group2"]`, read as Go's
// encoding/csv reads them (RFC 4180 quoting, quoted fields may span lines, blank lines skipped).
import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken, type Authenticator, type AuthnRequest, type AuthnResult } from './types.ts';
import type { UserInfo } from '../user.ts';

/** One line of the token file. */
export interface TokenFileEntry {
  token: string;
  user: UserInfo;
}

/**
 * The entries of a token file. Throws an Error naming the line for a malformed record or one with fewer than
 * three columns. Records with an empty token are skipped; for a repeated token the last line wins.
 */
export function parseTokenFile(csvText: string): TokenFileEntry[] {
  const byToken = new Map<string, TokenFileEntry>();
  for (const { line, fields } of readCsv(csvText)) {
    if (fields.length < 3) {
      throw new Error(`token file line ${line}: must have at least 3 columns (token, user name, user uid), found ${fields.length}`);
    }
    const [token, name, uid, groupList] = fields;
    if (token === '') continue;
    const groups = groupList === undefined ? [] : groupList.split(',').filter((g) => g !== '');
    byToken.delete(token);
    byToken.set(token, { token, user: { name, uid, groups } });
  }
  return [...byToken.values()];
}

/** Authenticates the bearer tokens listed in `entries`; any other token is left to the next authenticator. */
export function tokenFileAuthenticator(entries: TokenFileEntry[]): { authenticate(req: AuthnRequest): AuthnResult } & Authenticator {
  // Comparing fixed-length digests keeps the time taken independent of how much of a token matched.
  const known = entries.map((e) => ({ digest: sha256(e.token), user: e.user }));
  return {
    name: 'token-file',
    authenticate(req): AuthnResult {
      const token = bearerToken(req);
      if (token === undefined) return { kind: 'no-opinion' };
      const digest = sha256(token);
      let match: UserInfo | undefined;
      for (const entry of known) {
        if (timingSafeEqual(entry.digest, digest) && !match) match = entry.user;
      }
      if (!match) return { kind: 'no-opinion' };
      return { kind: 'authenticated', user: { ...match, groups: [...match.groups] } };
    },
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

interface CsvRecord {
  /** The line the record starts on, 1-based. */
  line: number;
  fields: string[];
}

function readCsv(text: string): CsvRecord[] {
  const src = text.replace(/\r\n/g, '\n');
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    if (src[i] === '\n') {
      line++;
      i++;
      continue;
    }
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (src[i] === '"') {
        const openedAt = line;
        i++;
        for (;;) {
          if (i >= src.length) throw new Error(`token file line ${openedAt}: extraneous or missing " in quoted-field`);
          const ch = src[i];
          if (ch === '"') {
            if (src[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          value += ch;
          i++;
        }
        if (i < src.length && src[i] !== ',' && src[i] !== '\n') {
          throw new Error(`token file line ${line}: extraneous or missing " in quoted-field`);
        }
      } else {
        while (i < src.length && src[i] !== ',' && src[i] !== '\n') {
          if (src[i] === '"') throw new Error(`token file line ${line}: bare " in non-quoted-field`);
          value += src[i];
          i++;
        }
      }
      fields.push(value);
      if (src[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    records.push({ line: startLine, fields });
  }
  return records;
}
