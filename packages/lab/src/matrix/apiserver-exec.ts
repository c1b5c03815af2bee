// `kubectl exec` as the matrix needs it, without kubectl: a WebSocket upgrade of pods/<name>/exec through the
// apiserver (v5.channel.k8s.io, as kubectl 1.32 asks first), reading stdout and the status channel until the
// apiserver closes. The user's side of the exec traffic the man in the middle is put to.
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import type { Socket } from 'node:net';
import { decodeChannelMessage, FrameReader, Opcode } from '@hubspoke/attacker';

/** Who runs the exec: the apiserver's URL and an admin's TLS credentials. */
export interface ExecCredentials {
  server: string;
  caCert: string;
  clientCert: string;
  clientKey: string;
}

/** What the user got: the upgrade's status (101 when it upgraded), stdout, and the status channel's text. */
export interface ExecResult {
  status: number | null;
  stdout: string;
  /** The error channel (a v1 Status), or the body of a refused upgrade, or the transport error. */
  error: string;
}

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

/** Run `command` in a pod's container through the apiserver; never rejects. */
export function execThroughApiserver(
  creds: ExecCredentials,
  target: { namespace: string; pod: string; container: string; command: string[] },
  timeoutMs = 10_000,
): Promise<ExecResult> {
  const query = new URLSearchParams([...target.command.map((c): [string, string] => ['command', c]), ['container', target.container], ['stdout', 'true'], ['stderr', 'true']]);
  const url = new URL(`/api/v1/namespaces/${target.namespace}/pods/${target.pod}/exec?${query}`, creds.server);
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: ExecResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(url, {
      method: 'GET',
      ca: creds.caCert,
      cert: creds.clientCert,
      key: creds.clientKey,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Protocol': PROTOCOLS.join(', '),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: null, stdout: '', error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (err) => finish({ status: null, stdout: '', error: err.message }));
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString('utf8')));
      res.on('end', () => finish({ status: res.statusCode ?? null, stdout: '', error: text }));
      res.on('error', (err) => finish({ status: res.statusCode ?? null, stdout: '', error: err.message }));
    });
    req.on('upgrade', (res, socket: Socket, head: Buffer) => {
      const subprotocol = res.headers['sec-websocket-protocol'] as string | undefined;
      const reader = new FrameReader();
      let stdout = '';
      let error = '';
      const read = (chunk: Buffer): void => {
        try {
          for (const frame of reader.feed(chunk).frames) {
            if (frame.opcode === Opcode.close) socket.end();
            const message = decodeChannelMessage(subprotocol, frame);
            if (message?.channel === 1) stdout += message.data.toString('utf8');
            if (message?.channel === 3) error += message.data.toString('utf8');
          }
        } catch (err) {
          error += `unreadable frames: ${(err as Error).message}`;
          socket.destroy();
        }
      };
      read(head);
      socket.on('data', read);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => finish({ status: 101, stdout, error }));
    });
    req.end();
  });
}
