// `hubspoke net` for real, in a network namespace: the routes land, and without CAP_NET_ADMIN it says so.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBareNetns, netnsUnavailable, type BareNetns } from '../matrix/netns.ts';

const run = promisify(execFile);
const HUBSPOKE = join(resolve(import.meta.dirname, '../../../..'), 'node_modules/.bin/hubspoke');

const unavailable = netnsUnavailable();
if (unavailable) throw new Error(`net-routes: ${unavailable}`);

let ns: BareNetns;

beforeAll(async () => {
  ns = await createBareNetns('hnet');
  await ns.ip(['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
  await ns.ip(['addr', 'add', '172.30.1.11/24', 'dev', 'eth0']);
  await ns.ip(['link', 'set', 'eth0', 'up']);
  await ns.ip(['link', 'set', 'eth1', 'up']);
});

afterAll(async () => {
  await ns?.close();
});

describe('hubspoke net', () => {
  it('installs host-gw routes and an AnyIP local pod CIDR, twice without complaint', async () => {
    const args = ['netns', 'exec', ns.name, HUBSPOKE, 'net', '--local=10.250.1.0/24', '--route=172.30.0.0/24=172.30.1.2', '--route=10.250.2.0/24=172.30.1.12'];
    for (let i = 0; i < 2; i++) await run('/usr/sbin/ip', args);
    expect(await ns.ip(['route', 'show'])).toMatch(/10\.250\.2\.0\/24 via 172\.30\.1\.12 dev eth0[\s\S]*172\.30\.0\.0\/24 via 172\.30\.1\.2 dev eth0/);
    expect(await ns.ip(['route', 'show', 'table', 'local'])).toContain('local 10.250.1.0/24 dev lo');
    // AnyIP: any pod address of the CIDR can be bound.
    const bound = await ns.exec(process.execPath, ['-e', "require('node:net').createServer().listen(8080, '10.250.1.77', function () { console.log(this.address().address); this.close(); })"]);
    expect(bound.stdout.trim()).toBe('10.250.1.77');
  }, 30_000);

  it('fails naming the route and CAP_NET_ADMIN without that capability', async () => {
    const failed = await ns.exec('setpriv', ['--bounding-set', '-net_admin', '--', HUBSPOKE, 'net', '--route=10.250.3.0/24=172.30.1.13']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('ip route replace 10.250.3.0/24 via 172.30.1.13 failed');
    expect(failed.stderr).toContain('cap_add: [NET_ADMIN]');
  }, 30_000);
});
