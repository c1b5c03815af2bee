import { afterEach, describe, expect, it } from 'vitest';
import type { UpgradeRequest } from '../types.ts';
import { negotiateProtocol, upgradeToSpdy } from './handshake.ts';
import type { SpdyHandshake } from './handshake.ts';
import { dialSpdy, startUpgradeServer } from './testing.ts';
import type { UpgradeServer } from './testing.ts';

const EXEC = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

let server: UpgradeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs the handshake for one hand-made request and reports both sides. */
async function handshake(request: { protocols?: string[]; upgrade?: string }, serverProtocols = EXEC) {
  let outcome: SpdyHandshake | undefined;
  server = await startUpgradeServer((up: UpgradeRequest) => {
    outcome = upgradeToSpdy(up, serverProtocols);
    if (outcome.kind === 'upgraded') up.socket.end();
  });
  const answer = await dialSpdy({ port: server.port, ...request });
  answer.socket.destroy();
  return { outcome, answer };
}

describe('negotiateProtocol', () => {
  it("takes the client's first choice the server supports", () => {
    expect(negotiateProtocol(['v9', 'v4.channel.k8s.io', 'v5.channel.k8s.io'], EXEC)).toBe('v4.channel.k8s.io');
    expect(negotiateProtocol(['v9'], EXEC)).toBeUndefined();
  });
});

describe('upgradeToSpdy', () => {
  it('answers 101 with the upgrade headers and the chosen protocol', async () => {
    const { outcome, answer } = await handshake({ protocols: ['v4.channel.k8s.io', 'v3.channel.k8s.io'] });
    expect(outcome).toEqual({ kind: 'upgraded', protocol: 'v4.channel.k8s.io' });
    expect(answer.status).toBe(101);
    expect(answer.headers).toEqual([
      ['connection', 'Upgrade'],
      ['upgrade', 'SPDY/3.1'],
      ['x-stream-protocol-version', 'v4.channel.k8s.io'],
    ]);
  });

  it('reads protocols from repeated headers and comma-separated lists alike', async () => {
    const { outcome } = await handshake({ protocols: ['v9.channel.k8s.io, v2.channel.k8s.io', 'v4.channel.k8s.io'] });
    expect(outcome).toEqual({ kind: 'upgraded', protocol: 'v2.channel.k8s.io' });
  });

  it("refuses with 403, Kubernetes' words and the accepted list when nothing matches", async () => {
    const { outcome, answer } = await handshake({ protocols: ['v9.channel.k8s.io', 'v8.channel.k8s.io'] }, ['v4.channel.k8s.io', 'v3.channel.k8s.io']);
    expect(outcome?.kind).toBe('refused');
    expect(answer.status).toBe(403);
    expect(answer.body).toBe(
      'unable to upgrade: unable to negotiate protocol: client supports [v9.channel.k8s.io v8.channel.k8s.io], server accepts [v4.channel.k8s.io v3.channel.k8s.io]\n',
    );
    expect(answer.headers.filter(([name]) => name === 'x-accepted-stream-protocol-versions').map(([, v]) => v)).toEqual([
      'v4.channel.k8s.io',
      'v3.channel.k8s.io',
    ]);
    expect(answer.headers).toContainEqual(['content-type', 'text/plain; charset=utf-8']);
    expect(answer.headers).toContainEqual(['x-content-type-options', 'nosniff']);
  });

  it('refuses with 400 when the client offers no protocol', async () => {
    const { answer } = await handshake({ protocols: [] });
    expect(answer.status).toBe(400);
    expect(answer.body).toBe('unable to upgrade: X-Stream-Protocol-Version is required\n');
  });

  it('refuses with 400 when the upgrade is not to SPDY/3.1', async () => {
    const { answer } = await handshake({ protocols: ['v4.channel.k8s.io'], upgrade: 'h2c' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/^unable to upgrade: missing upgrade headers in request: http\.Header\{.*"Upgrade":\[\]string\{"h2c"\}/);
  });
});
