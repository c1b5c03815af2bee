import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PortForwardSession, PortForwardStream } from '../types.ts';
import { FrameParser } from './frame-parser.ts';
import type { Frame } from './frames.ts';
import { SpdySession } from './session.ts';
import { readAll, startUpgradeServer, waitFor } from './testing.ts';
import type { UpgradeServer } from './testing.ts';
import { dialWebSocket } from './websocket-client.ts';
import type { WebSocketDial } from './websocket-client.ts';
import { acceptSpdyOverWebSocketPortForward, SPDY_OVER_WEBSOCKET_PORT_FORWARD } from './websocket-tunnel.ts';

let server: UpgradeServer | undefined;
const dials: WebSocketDial[] = [];
afterEach(async () => {
  for (const dial of dials.splice(0)) dial.socket.destroy();
  await server?.close();
  server = undefined;
});

async function tunnel(protocols: string[], seed = 1) {
  const streams: PortForwardStream[] = [];
  let resolveSession!: (session: PortForwardSession | undefined) => void;
  const session = new Promise<PortForwardSession | undefined>((resolve) => (resolveSession = resolve));
  server = await startUpgradeServer((up) => {
    void acceptSpdyOverWebSocketPortForward(up, { closeTimeoutMs: 1000 }).then((pf) => {
      pf?.onStream((stream) => streams.push(stream));
      resolveSession(pf);
    });
  });
  const dial = await dialWebSocket({ port: server.port, path: '/api/v1/namespaces/default/pods/p/portforward', protocols, seed });
  dials.push(dial);
  return { dial, streams, session };
}

describe('acceptSpdyOverWebSocketPortForward', () => {
  it('echoes the subprotocol and serves port-forward from SPDY bytes cut anywhere into messages', async () => {
    const { dial, streams, session } = await tunnel([SPDY_OVER_WEBSOCKET_PORT_FORWARD], 7);
    expect(dial.status).toBe(101);
    expect(dial.headers).toContainEqual(['sec-websocket-protocol', SPDY_OVER_WEBSOCKET_PORT_FORWARD]);
    expect((await session)?.protocol).toBe(SPDY_OVER_WEBSOCKET_PORT_FORWARD);

    const fromServer: Frame[] = [];
    const tap = new FrameParser((frame) => fromServer.push(frame));
    dial.tunnel!.on('data', (chunk: Buffer) => tap.push(chunk));
    const client = new SpdySession({ connection: dial.tunnel!, role: 'client' });
    const results = [];
    for (const requestId of ['0', '1']) {
      const error = await client.openStream({ streamtype: 'error', port: '8080', requestid: requestId });
      error.end();
      const data = await client.openStream({ streamtype: 'data', port: '8080', requestid: requestId });
      await waitFor(() => streams.length === Number(requestId) + 1);
      const forwarded = streams[Number(requestId)];
      forwarded.data.pipe(forwarded.data);
      const payload = randomBytes(1 << 20);
      const [echoed, errors] = [readAll(data, 20_000), readAll(error)];
      data.end(payload);
      results.push(createHash('sha256').update(await echoed).digest('hex') === createHash('sha256').update(payload).digest('hex'));
      expect((await errors).length).toBe(0);
    }
    expect(results).toEqual([true, true]);
    await client.ping();
    // Everything from the server travels in binary messages.
    expect(new Set(dial.opcodes)).toEqual(new Set([2]));
    expect(fromServer.filter((f) => f.kind === 'syn_reply')).toHaveLength(4);
  });

  it('closes the session when the client closes the WebSocket', async () => {
    const { dial, session } = await tunnel([SPDY_OVER_WEBSOCKET_PORT_FORWARD]);
    const pf = (await session)!;
    const closed = new Promise<void>((resolve) => pf.onClose(resolve));
    dial.tunnel!.end();
    await closed;
  });

  it('refuses a WebSocket that does not offer the tunnelling subprotocol', async () => {
    const { dial, session } = await tunnel(['v4.channel.k8s.io']);
    expect(dial.status).toBe(400);
    expect(dial.body).toBe(`unable to upgrade: the ${SPDY_OVER_WEBSOCKET_PORT_FORWARD} subprotocol is required\n`);
    expect(await session).toBeUndefined();
  });

  it('refuses a request that is not a valid WebSocket handshake', async () => {
    const streams: PortForwardStream[] = [];
    let outcome: Promise<PortForwardSession | undefined> | undefined;
    server = await startUpgradeServer((up) => {
      delete up.req.headers['sec-websocket-key'];
      outcome = acceptSpdyOverWebSocketPortForward(up);
      void outcome.then((pf) => pf?.onStream((s) => streams.push(s)));
    });
    const dial = await dialWebSocket({ port: server.port, path: '/', protocols: [SPDY_OVER_WEBSOCKET_PORT_FORWARD] });
    dials.push(dial);
    expect(dial.status).toBe(400);
    expect(dial.body).toBe('unable to upgrade: Missing or invalid Sec-WebSocket-Key header\n');
    expect(await outcome).toBeUndefined();
  });
});
