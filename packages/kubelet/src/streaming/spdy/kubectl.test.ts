// The real kubectl (1.27 and 1.32) against this folder's SPDY server, through a fake apiserver that hands the
// pod's exec and portforward upgrades straight to the accept functions.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PortForwardSession, RemoteCommandOptions, RemoteCommandSession, StreamStatus } from '../types.ts';
import { acceptSpdyOverWebSocketPortForward, acceptSpdyPortForward, acceptSpdyRemoteCommand } from './index.ts';
import { finished, runKubectl, startKubectlHarness } from './kubectl-harness.ts';
import type { KubectlHarness, PodUpgrade } from './kubectl-harness.ts';

const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
const SPDY_EXEC = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
const SPDY_PORT_FORWARD = { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' };

function exitStatus(code: number): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function optionsFrom(query: URLSearchParams): RemoteCommandOptions {
  const on = (name: string): boolean => query.get(name) === 'true' || query.get(name) === '1';
  return { stdin: on('stdin'), stdout: on('stdout'), stderr: on('stderr'), tty: on('tty') };
}

let harness: KubectlHarness | undefined;
const children: ChildProcessWithoutNullStreams[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const server of servers.splice(0)) server.close();
  await harness?.close();
  harness = undefined;
});

/** A harness whose exec upgrades run `command` on the accepted session. */
async function execHarness(command: (session: RemoteCommandSession) => void): Promise<KubectlHarness> {
  harness = await startKubectlHarness(({ up }: PodUpgrade) => {
    void acceptSpdyRemoteCommand(up, optionsFrom(up.query), EXEC_PROTOCOLS).then((session) => session && command(session));
  });
  return harness;
}

/** A local TCP echo server standing in for the pod's port. */
async function echoServer(): Promise<number> {
  const server = net.createServer((socket) => socket.pipe(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A harness whose port-forward upgrades (SPDY or the WebSocket tunnel) forward to `targetPort`. */
async function portForwardHarness(onStreamPort: (port: number) => number | 'refuse'): Promise<KubectlHarness> {
  harness = await startKubectlHarness(({ up }: PodUpgrade) => {
    const accept: Promise<PortForwardSession | undefined> =
      up.req.headers.upgrade?.toLowerCase() === 'websocket' ? acceptSpdyOverWebSocketPortForward(up) : acceptSpdyPortForward(up);
    void accept.then((session) =>
      session?.onStream((stream) => {
        const target = onStreamPort(stream.port);
        if (target === 'refuse') {
          stream.error(`error forwarding port ${stream.port} to pod p: connection refused`);
          stream.data.end();
          return;
        }
        const socket = net.connect(target, '127.0.0.1');
        stream.data.pipe(socket);
        socket.pipe(stream.data);
      }),
    );
  });
  return harness;
}

/** Starts `kubectl port-forward pod/p :8080` and resolves the local port it listens on. */
async function startPortForward(env: Record<string, string>): Promise<{ child: ChildProcessWithoutNullStreams; localPort: number; stderr: () => string }> {
  const child = runKubectl(harness!, { minor: 32, args: ['port-forward', 'pod/p', ':8080'], env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const localPort = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.on('close', () => reject(new Error(`kubectl port-forward exited: ${stderr}`)));
  });
  return { child, localPort, stderr: () => stderr };
}

/** Connects to kubectl's local port, sends `text`, half-closes and returns what comes back. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('close', () => resolve(received));
    // kubectl may reset the local connection when forwarding fails; that ends the exchange too.
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(received) : reject(err)));
  });
}

describe('kubectl exec over SPDY', () => {
  it("prints what the command wrote and exits with the status's exit code (kubectl 1.32)", async () => {
    let protocol = '';
    const h = await execHarness((session) => {
      protocol = session.protocol;
      session.stdout!.write('hi\n');
      session.end(exitStatus(3));
    });
    const result = await finished(runKubectl(h, { minor: 32, args: ['exec', 'p', '--', 'echo', 'hi'], env: SPDY_EXEC }));
    expect(result).toEqual({ code: 3, stdout: 'hi\n', stderr: 'command terminated with exit code 3\n' });
    expect(protocol).toBe('v5.channel.k8s.io');
    expect(h.upgrades).toEqual([{ method: 'POST', path: '/api/v1/namespaces/default/pods/p/exec', upgrade: 'SPDY/3.1' }]);
  });

  it('streams stdin through to the command and exits 0 on success (kubectl 1.32 exec -i)', async () => {
    const h = await execHarness((session) => {
      session.stdin!.pipe(session.stdout!, { end: false });
      session.stdin!.on('end', () => session.end({ metadata: {}, status: 'Success' }));
    });
    const input = 'line one\n'.repeat(10_000);
    const result = await finished(runKubectl(h, { minor: 32, args: ['exec', '-i', 'p', '--', 'cat'], env: SPDY_EXEC }), input);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(input);
    expect(result.stderr).toBe('');
  });

  it('negotiates v4 with an older kubectl that speaks SPDY by default (kubectl 1.27)', async () => {
    let protocol = '';
    const h = await execHarness((session) => {
      protocol = session.protocol;
      session.stderr!.write('oops\n');
      session.end(exitStatus(7));
    });
    const result = await finished(runKubectl(h, { minor: 27, args: ['exec', 'p', '--', 'false'] }));
    expect(result).toEqual({ code: 7, stdout: '', stderr: 'oops\ncommand terminated with exit code 7\n' });
    expect(protocol).toBe('v4.channel.k8s.io');
  });
});

describe('kubectl port-forward', () => {
  it("forwards each local connection to the pod's port over SPDY", async () => {
    const target = await echoServer();
    const ports: number[] = [];
    await portForwardHarness((port) => (ports.push(port), target));
    const { child, localPort } = await startPortForward(SPDY_PORT_FORWARD);
    expect(await roundTrip(localPort, 'first')).toBe('first');
    expect(await roundTrip(localPort, 'x'.repeat(1 << 20))).toBe('x'.repeat(1 << 20));
    expect(ports).toEqual([8080, 8080]);
    expect(harness!.upgrades.map((u) => [u.method, u.upgrade])).toEqual([['POST', 'SPDY/3.1']]);
    child.kill('SIGINT');
    expect((await finished(child)).code).toBe(0);
  });

  it('forwards through the SPDY-over-WebSocket tunnel kubectl 1.32 tries first', async () => {
    const target = await echoServer();
    await portForwardHarness(() => target);
    const { child, localPort } = await startPortForward({});
    expect(await roundTrip(localPort, 'tunnelled')).toBe('tunnelled');
    expect(await roundTrip(localPort, 'again')).toBe('again');
    // No fallback: the WebSocket was accepted, so there is no SPDY POST.
    expect(harness!.upgrades.map((u) => [u.method, u.upgrade])).toEqual([['GET', 'websocket']]);
    child.kill('SIGINT');
    expect((await finished(child)).code).toBe(0);
  });

  it('shows the error text sent on the error stream', async () => {
    await portForwardHarness(() => 'refuse');
    const { child, localPort, stderr } = await startPortForward(SPDY_PORT_FORWARD);
    expect(await roundTrip(localPort, 'hello')).toBe('');
    await finished(child);
    expect(stderr()).toContain('error forwarding port 8080 to pod p: connection refused');
  });
});
