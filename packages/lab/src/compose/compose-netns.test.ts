// The Docker emulation itself, with small shell services: networks kept apart, shared namespaces, sysctls,
// NET_ADMIN only where added, volumes, service names, one-shot dependencies and recreation on change.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsUnavailable } from '../matrix/netns.ts';
import { startComposeNetns, type ComposeNetns } from './compose-netns.ts';

const unavailable = netnsUnavailable();
if (unavailable) throw new Error(`compose-netns: ${unavailable}`);

const COMPOSE = `
networks:
  front: { ipam: { config: [{ subnet: 172.31.250.0/24 }] } }
  back: { ipam: { config: [{ subnet: 172.31.251.0/24 }] } }
services:
  init:
    network_mode: none
    command: [sh, -c, 'echo \${GREETING} > /data/greeting']
    volumes: [./data:/data]
  web:
    depends_on: { init: { condition: service_completed_successfully } }
    command: [sh, -c, 'cat /data/greeting; getent hosts router; echo web-\${TAG}; exec sleep 60']
    volumes: ['./data:/data:ro']
    networks: { front: { ipv4_address: 172.31.250.10 } }
  side:
    network_mode: service:web
    cap_add: [NET_ADMIN]
    command: [sh, -c, 'ip route add 172.31.251.0/24 via 172.31.250.2 && echo routed']
  router:
    sysctls: { net.ipv4.ip_forward: 1 }
    command: [sleep, '60']
    networks:
      front: { ipv4_address: 172.31.250.2 }
      back: { ipv4_address: 172.31.251.2 }
  db:
    command: [sh, -c, 'ip route add 172.31.250.0/24 via 172.31.251.2 || echo no-net-admin; exec sleep 60']
    networks: { back: { ipv4_address: 172.31.251.20 } }
`;

let dir: string;
let project: ComposeNetns;

function inNs(ns: string, command: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((done) => execFile('/usr/sbin/ip', ['netns', 'exec', ns, command, ...args], { timeout: 10_000 }, (err, stdout) => done({ code: err ? 1 : 0, stdout })));
}

const wait = async (check: () => boolean | Promise<boolean>, what: string): Promise<void> => {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'compose-netns-unit-'));
  project = await startComposeNetns({ composeText: COMPOSE, projectDir: dir, binDir: '/nonexistent', stateDir: join(dir, '.state') });
  await project.up({ GREETING: 'hello', TAG: '1' });
  await wait(() => project.exitCode('side') !== null && project.logs('db').includes('no-net-admin'), 'side and db');
}, 60_000);

afterAll(async () => {
  await project?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('startComposeNetns', () => {
  it('runs one-shot services to completion before their dependents, with volumes and interpolation', async () => {
    expect(project.exitCode('init')).toBe(0);
    expect(await readFile(join(dir, 'data', 'greeting'), 'utf8')).toBe('hello\n');
    await wait(() => project.logs('web').includes('hello'), 'web to read the volume');
  });

  it('shares a namespace with network_mode, gives NET_ADMIN only with cap_add, and sets sysctls', async () => {
    expect(project.exitCode('side')).toBe(0);
    expect(project.namespaceOf('side')).toBe(project.namespaceOf('web'));
    expect((await inNs(project.namespaceOf('web'), 'ip', ['route'])).stdout).toContain('172.31.251.0/24 via 172.31.250.2');
    expect(project.logs('db')).toContain('no-net-admin');
    expect((await inNs(project.namespaceOf('router'), 'sysctl', ['-n', 'net.ipv4.ip_forward'])).stdout.trim()).toBe('1');
  });

  it('keeps networks apart (only routes through a service join them) and resolves service names', async () => {
    /** How a TCP connection from a service to `to`:9 ends: refused (reached the host) or unreachable. */
    const reach = async (from: string, to: string) =>
      (await inNs(project.namespaceOf(from), process.execPath, ['-e', `require('node:net').connect(9,'${to}').on('error',(e)=>{console.log(e.code)}).on('connect',()=>console.log('open'))`])).stdout.trim();
    expect(await reach('web', '172.31.250.2')).toBe('ECONNREFUSED');
    // db has no route back through the router (it lacks NET_ADMIN), and the docker host does not forward.
    expect(await reach('db', '172.31.250.10')).toBe('EHOSTUNREACH');
    expect(project.logs('web')).toMatch(/172\.31\.250\.2\s+router/);
  });

  it('recreates a changed service with what shares its namespace, and starts exited one-shots again', async () => {
    const before = project.namespaceOf('web');
    await writeFile(join(dir, 'data', 'greeting'), '');
    await project.up({ GREETING: 'hello', TAG: '2' });
    expect(project.namespaceOf('web')).not.toBe(before);
    await wait(() => project.logs('web').includes('web-2'), 'the recreated web');
    await wait(() => project.exitCode('side') === 0, 'side again, in the new namespace');
    expect((await inNs(project.namespaceOf('web'), 'ip', ['route'])).stdout).toContain('172.31.251.0/24 via 172.31.250.2');
    // init is unchanged and had exited: compose starts it again.
    expect(project.exitCode('init')).toBe(0);
    expect(await readFile(join(dir, 'data', 'greeting'), 'utf8')).toBe('hello\n');
  });
});
