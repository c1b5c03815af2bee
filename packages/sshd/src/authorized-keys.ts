// OpenSSH authorized_keys: one public key a line, `[options] type base64 [comment]`, `#` comments.
// Options (from=, permitopen=, restrict, …) are kept for the log but not enforced by this server.
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { sshFingerprint } from './host-key.ts';

/** One accepted public key from an authorized_keys file. */
export interface AuthorizedKey {
  key: ParsedKey;
  /** The key blob in SSH wire form, what a client sends when it offers the key. */
  blob: Buffer;
  fingerprint: string;
  comment: string;
  /** The options field, verbatim ('' when none); not enforced. */
  options: string;
}

/** The parse result: the usable keys and a message for each line that was not one. */
export interface AuthorizedKeys {
  keys: AuthorizedKey[];
  errors: { line: number; message: string }[];
}

const KEY_TYPE = /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521))$/;

/** Parses authorized_keys text; bad lines are reported, never fatal. */
export function parseAuthorizedKeys(text: string): AuthorizedKeys {
  const result: AuthorizedKeys = { keys: [], errors: [] };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const split = splitOptions(line);
    const parsed = ssh2.utils.parseKey(split.rest);
    if (parsed instanceof Error) {
      result.errors.push({ line: index + 1, message: parsed.message });
      return;
    }
    const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
    const blob = key.getPublicSSH();
    result.keys.push({ key, blob, fingerprint: sshFingerprint(blob), comment: key.comment, options: split.options });
  });
  return result;
}

/** The authorized key whose blob equals the one a client offered, if any. */
export function findAuthorizedKey(keys: readonly AuthorizedKey[], offered: Buffer): AuthorizedKey | undefined {
  return keys.find((k) => k.blob.equals(offered));
}

/** Separates a leading options field (which may quote spaces) from `type base64 comment`. */
function splitOptions(line: string): { options: string; rest: string } {
  const first = line.split(/\s/, 1)[0] ?? '';
  if (KEY_TYPE.test(first)) return { options: '', rest: line };
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ' ' || c === '\t')) return { options: line.slice(0, i), rest: line.slice(i).trim() };
  }
  return { options: '', rest: line };
}
