import { describe, expect, it } from 'vitest';
import { parseNetArgs } from './net-command.ts';
import { applyNetPlan, netPlanCommands } from './net-routes.ts';

describe('parseNetArgs', () => {
  it('reads repeated routes and local CIDRs, and --hold', () => {
    const parsed = parseNetArgs(['--route=10.244.1.0/24=172.28.1.11', '--route', '10.244.2.0/24=172.28.1.12', '--local=10.244.3.0/24', '--hold']);
    expect(parsed).toEqual({
      kind: 'run',
      flags: {
        routes: [
          { to: '10.244.1.0/24', gateway: '172.28.1.11' },
          { to: '10.244.2.0/24', gateway: '172.28.1.12' },
        ],
        locals: ['10.244.3.0/24'],
        hold: true,
      },
    });
  });

  it('refuses a malformed route, a bad CIDR, unknown flags and an empty command', () => {
    expect(parseNetArgs(['--route=10.244.1.0/24'])).toMatchObject({ kind: 'error', message: expect.stringContaining('CIDR=GATEWAY') });
    expect(parseNetArgs(['--route=10.244.1.0/33=1.2.3.4'])).toMatchObject({ kind: 'error', message: expect.stringContaining('not an IPv4 CIDR') });
    expect(parseNetArgs(['--route=10.244.1.0/24=gateway'])).toMatchObject({ kind: 'error', message: expect.stringContaining('not an IPv4 address') });
    expect(parseNetArgs(['--local=10.244.1.0'])).toMatchObject({ kind: 'error' });
    expect(parseNetArgs(['--via=1.2.3.4'])).toMatchObject({ kind: 'error', message: expect.stringContaining('--via') });
    expect(parseNetArgs([])).toMatchObject({ kind: 'error', message: expect.stringContaining('nothing to do') });
  });

  it('answers --help with the flags', () => {
    const help = parseNetArgs(['--help']);
    expect(help.kind).toBe('help');
    expect((help as { text: string }).text).toMatch(/--route <cidr=gateway>[\s\S]*--local <cidr>[\s\S]*--hold/);
  });
});

describe('applyNetPlan', () => {
  it('makes local CIDRs first, then replaces each route', async () => {
    const ran: string[][] = [];
    const done = await applyNetPlan({ routes: [{ to: '172.28.0.0/24', gateway: '172.28.1.2' }], locals: ['10.244.1.0/24'] }, async (args) => (ran.push(args), ''));
    expect(ran).toEqual(netPlanCommands({ routes: [{ to: '172.28.0.0/24', gateway: '172.28.1.2' }], locals: ['10.244.1.0/24'] }));
    expect(done).toEqual(['ip route replace local 10.244.1.0/24 dev lo', 'ip route replace 172.28.0.0/24 via 172.28.1.2']);
  });

  it('names the failing route, and CAP_NET_ADMIN when the kernel says the operation is not permitted', async () => {
    const plan = { routes: [{ to: '10.244.2.0/24', gateway: '172.28.1.12' }], locals: [] };
    await expect(applyNetPlan(plan, async () => Promise.reject(new Error('RTNETLINK answers: Operation not permitted')))).rejects.toThrow(
      /ip route replace 10\.244\.2\.0\/24 via 172\.28\.1\.12 failed: RTNETLINK answers: Operation not permitted — .*CAP_NET_ADMIN.*cap_add: \[NET_ADMIN\]/,
    );
    await expect(applyNetPlan(plan, async () => Promise.reject(new Error('Error: Nexthop has invalid gateway.')))).rejects.toThrow(/failed: Error: Nexthop has invalid gateway\.$/);
  });
});
