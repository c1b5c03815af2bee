import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { knownHostsCheck } from './known-hosts.ts';

const KEY_A = Buffer.from('key-a');
const KEY_B = Buffer.from('key-b');

describe('known_hosts', () => {
  it('matches plain names, [host]:port for other ports, and hashed names', () => {
    const salt = randomBytes(20);
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('10.0.0.7').digest('base64')}`;
    const check = knownHostsCheck(
      [`# nodes`, `10.0.0.5,node-a ssh-ed25519 ${KEY_A.toString('base64')}`, `[127.0.0.1]:2222 ssh-ed25519 ${KEY_A.toString('base64')}`, `${hashed} ssh-ed25519 ${KEY_B.toString('base64')}`].join('\n'),
    );
    expect(check('10.0.0.5', 22, KEY_A)).toEqual({ kind: 'ok' });
    expect(check('node-a', 22, KEY_B)).toEqual({ kind: 'mismatch' });
    expect(check('127.0.0.1', 2222, KEY_A)).toEqual({ kind: 'ok' });
    expect(check('127.0.0.1', 22, KEY_A)).toEqual({ kind: 'unknown' });
    expect(check('10.0.0.7', 22, KEY_B)).toEqual({ kind: 'ok' });
    expect(check('10.0.0.7', 22, KEY_A)).toEqual({ kind: 'mismatch' });
  });
});
