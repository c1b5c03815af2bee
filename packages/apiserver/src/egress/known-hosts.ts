// hubspoke's `--ssh-known-hosts-file`: OpenSSH known_hosts lines (plain or hashed host names, `[host]:port` for
// ports other than 22) checked against the key a node's sshd presents. Kubernetes never had this check.
import { createHmac } from 'node:crypto';

/** One host key line. */
interface KnownHost {
  patterns: string[];
  key: Buffer;
}

/** A host key check: does `key` (the SSH wire blob) belong to `host` on `port`? */
export type HostKeyCheck = (host: string, port: number, key: Buffer) => { kind: 'ok' } | { kind: 'mismatch' } | { kind: 'unknown' };

/** Parse known_hosts contents into a check; markers (`@revoked`, `@cert-authority`) and wildcards are not supported. */
export function knownHostsCheck(text: string): HostKeyCheck {
  const entries: KnownHost[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0].startsWith('#') || fields[0].startsWith('@')) continue;
    entries.push({ patterns: fields[0].split(','), key: Buffer.from(fields[2], 'base64') });
  }
  return (host, port, key) => {
    const name = port === 22 ? host : `[${host}]:${port}`;
    const forHost = entries.filter((e) => e.patterns.some((p) => matches(p, name)));
    if (forHost.length === 0) return { kind: 'unknown' };
    return forHost.some((e) => e.key.equals(key)) ? { kind: 'ok' } : { kind: 'mismatch' };
  };
}

// `|1|salt|hash` is HMAC-SHA1(salt, name), both base64 (ssh-keygen -H).
function matches(pattern: string, name: string): boolean {
  if (!pattern.startsWith('|1|')) return pattern === name;
  const [, , salt, hash] = pattern.split('|');
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}
