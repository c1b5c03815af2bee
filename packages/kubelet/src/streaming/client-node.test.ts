// @kubernetes/client-node's Exec and PortForward against the kubelet's endpoints, through a front that does
// what the apiserver does on the way (pods/P/exec?stdout=true → /exec/NS/P/C?output=1, ports → port).
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import { Exec, KubeConfig, PortForward } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portForwardUpgrade } from './port-forward-endpoint.ts';
import { remoteCommandUpgrade } from './remote-command-endpoint.ts';
import { TestHost } from './testing.ts';

let host: TestHost;
let front: http.Server;
let kubeconfig: KubeConfig;
const sockets = new Set<Duplex>();

beforeAll(async () => {
  host = await TestHost.create();
  host.addPod('p', [{ name: 'c', image: 'hubspoke/echo', env: { PORT: '8080' } }]);
  await host.until('p', 'c', (a) => (a.handle?.listeners().length ?? 0) === 2);
  front = http.createServer((_req, res) => res.writeHead(404).end());
  front.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const url = new URL(req.url ?? '/', 'http://front');
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|portforward)$/.exec(url.pathname);
    if (!match) return void socket.destroy();
    const [, namespace, pod, subresource] = match;
    const query = new URLSearchParams();
    for (const command of url.searchParams.getAll('command')) query.append('command', command);
    for (const [from, to] of [['stdin', 'input'], ['stdout', 'output'], ['stderr', 'error'], ['tty', 'tty']]) {
      if (url.searchParams.get(from) === 'true') query.set(to, '1');
    }
    const ports = url.searchParams.getAll('ports');
    if (ports.length) query.set('port', ports.join(','));
    const params = { namespace, pod, container: url.searchParams.get('container') ?? 'c' };
    const ctx = { req, socket, head, params, query, host };
    void (subresource === 'exec' ? remoteCommandUpgrade('exec')(ctx) : portForwardUpgrade(ctx));
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  kubeconfig = new KubeConfig();
  kubeconfig.loadFromOptions({
    // client-node refuses plain http unless told to skip TLS verification.
    clusters: [{ name: 'front', server: `http://127.0.0.1:${(front.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'anonymous' }],
    contexts: [{ name: 'front', cluster: 'front', user: 'anonymous' }],
    currentContext: 'front',
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => front?.close(resolve));
  await host?.cleanup();
});

describe('@kubernetes/client-node', () => {
  it('execs and reads the NonZeroExitCode status', async () => {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const status = await new Promise<{ reason?: string; details?: unknown }>((resolve) => {
      void new Exec(kubeconfig).exec('default', 'p', 'c', ['sh', '-c', 'echo hi; exit 3'], stdout, null, null, false, resolve);
    });
    expect(text).toBe('hi\n');
    expect(status).toMatchObject({ reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
  });

  it('port-forwards over v4.channel.k8s.io, the port prefix stripped', async () => {
    const output = new PassThrough();
    const input = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const ws = (await new PortForward(kubeconfig).portForward('default', 'p', [8080], output, null, input)) as { protocol: string; close(): void };
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    input.write('hello through the tunnel');
    const deadline = Date.now() + 5_000;
    while (text.length < 24 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(text).toBe('hello through the tunnel');
    ws.close();
  });
});
