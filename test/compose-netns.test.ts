// docker-compose.yml's own services, run without Docker: every service's command line from the file (with .env's
// blocks as compose reads them) in a network namespace of its own or the one it shares, on bridges with the compose
// addresses, the published 6443 in the namespace of the docker host, where kubectl runs with certs/admin.conf as
// written (see packages/lab/src/compose/compose-netns.ts). With
// direct egress and the attacker service up, the router in the middle reads `kubectl logs` and `kubectl exec` of
// node-1's pods in plaintext (live on GET /captures and in captures/node-1.jsonl), while node-2, the SSH port and
// kube-proxy's health port pass untouched, and the apiserver's pod proxy reaches node-2's pods over the routed pod
// CIDR. With .env's `kubelet-ca: verified` block the apiserver refuses the attacker's certificate; with the attacker
// stopped, logs work again. The dashboard service, reading the project's docker-compose.yml and .env as mounted,
// draws the same: node-1's kubelet path unverified with the attacker and its captures, then verified once .env is
// flipped and the services recreated.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturesResponse } from '@hubspoke/attacker';
import { readDotenv, startComposeNetns, waitFor, type ComposeNetns, type LabTopology } from '@hubspoke/lab';
import { kubectlBinary, type KubectlResult } from './support/kubectl.ts';
import { netnsUnavailable } from './support/netns.ts';

const ROOT = resolve(import.meta.dirname, '..');
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const dotenvText = readFileSync(join(ROOT, '.env'), 'utf8');
const dotenv = readDotenv(dotenvText);
const DIRECT = { ...dotenv.groups.egress.direct, ...dotenv.groups['kubelet-ca'].unverified };
const VERIFIED = { ...dotenv.groups.egress.direct, ...dotenv.groups['kubelet-ca'].verified };
const CAPTURES_URL = 'http://172.28.0.2:7071/captures';
const NODE_1 = '172.28.1.11';
const DASHBOARD_URL = 'http://172.28.0.3:7070';

/** .env as a user leaves it after choosing `blocks` (group → block): the chosen blocks uncommented, the others commented. */
function envWith(blocks: Record<string, string>): string {
  let chosen: boolean | undefined;
  return dotenvText
    .split('\n')
    .map((line) => {
      const header = /^# ([\w-]+): (\w+)/.exec(line);
      if (header) chosen = blocks[header[1]] === header[2];
      if (chosen === undefined || !/^#?[A-Za-z_]\w*=/.test(line)) return line;
      return chosen ? line.replace(/^#/, '') : line.replace(/^(?!#)/, '#');
    })
    .join('\n');
}

const unavailable = netnsUnavailable();
if (unavailable) throw new Error(`compose-netns: ${unavailable}`);

let project: ComposeNetns;
let projectDir: string;
let kubeconfig: string;

/** The real kubectl on the docker host (its namespace, where 6443 is published), with certs/admin.conf as written. */
async function k(args: string[], timeoutMs = 20_000, input?: string): Promise<KubectlResult> {
  const cache = await mkdtemp(join(tmpdir(), 'kubectl-cache-'));
  return new Promise((done) => {
    const child = execFile(
      '/usr/sbin/ip',
      ['netns', 'exec', project.host.name, kubectlBinary('1.32'), `--kubeconfig=${kubeconfig}`, `--cache-dir=${cache}`, ...args],
      { timeout: timeoutMs, env: { ...process.env, HOME: cache }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        void rm(cache, { recursive: true, force: true });
        done({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

/** Run `command` in namespace `ns` to completion. */
function inNetns(ns: string, command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('/usr/sbin/ip', ['netns', 'exec', ns, command, ...args], { timeout: 10_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** GET /captures from the docker host, as the dashboard would on the control network. */
async function captures(): Promise<CapturesResponse> {
  return getJson<CapturesResponse>(CAPTURES_URL);
}

/** GET <dashboard>/api/<path> from the docker host (where its published port listens). */
async function dashboard<T>(path: string): Promise<T> {
  return getJson<T>(`${DASHBOARD_URL}/api/${path}`);
}

/** GET `url` from the docker host's namespace and parse the answer as JSON. */
async function getJson<T>(url: string): Promise<T> {
  const got = await inNetns(project.host.name, process.execPath, ['-e', `fetch(${JSON.stringify(url)}).then((r) => r.text()).then((t) => process.stdout.write(t))`]);
  if (got.code !== 0) throw new Error(`GET ${url}: ${got.stderr}`);
  return JSON.parse(got.stdout) as T;
}

/** The dashboard's apiserver → node-1 kubelet path, once `ready` holds for the topology. */
async function node1KubeletPath(ready: (t: LabTopology) => boolean, what: string): Promise<{ topology: LabTopology; edge: LabTopology['edges'][number] }> {
  let topology: LabTopology | undefined;
  await waitFor(async () => ready((topology = await dashboard<LabTopology>('topology').catch(() => undefined as never))), { timeoutMs: 15_000, intervalMs: 500, what: `${what}: ${JSON.stringify(topology)?.slice(0, 2000)}\n${project.logs('dashboard').slice(-2000)}` });
  return { topology: topology!, edge: topology!.edges.find((e) => e.id === 'kubelet-api:node-1')! };
}

/** The first bytes a TCP server at host:port sends (or its HTTP answer to GET path), read from the apiserver's namespace. */
async function fromApiserver(host: string, port: number, path?: string): Promise<string> {
  const script = `const s=require('node:net').connect(${port},${JSON.stringify(host)});${path ? `s.write('GET ${path} HTTP/1.1\\r\\nhost: x\\r\\nconnection: close\\r\\n\\r\\n');` : ''}s.once('data',(d)=>{process.stdout.write(String(d));process.exit(0)});s.on('error',(e)=>{process.stdout.write('error '+e.code);process.exit(1)});setTimeout(()=>process.exit(2),3000)`;
  const got = await inNetns(project.namespaceOf('apiserver'), process.execPath, ['-e', script]);
  return got.stdout;
}

async function waitNodesReady(): Promise<void> {
  await waitFor(
    async () => {
      const got = await k(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}'], 5_000);
      return got.code === 0 && got.stdout.includes('node-1=True') && got.stdout.includes('node-2=True');
    },
    { timeoutMs: 30_000, intervalMs: 300, what: 'both nodes Ready' },
  ).catch((err: Error) => {
    const logs = ['apiserver', 'apiserver-net', 'node-1', 'node-1-net'].map((s) => `${s} (exit ${project.exitCode(s)}): ${project.logs(s).slice(-1500)}`);
    throw new Error(`${err.message}\n${logs.join('\n')}`);
  });
  // The one-shot route sidecars ran and exited 0, as `docker compose ps -a` would show.
  for (const sidecar of ['apiserver-net', 'node-1-net', 'node-2-net']) {
    await waitFor(() => project.exitCode(sidecar) !== null, { timeoutMs: 10_000, what: `${sidecar} to exit` });
    expect(project.exitCode(sidecar), project.logs(sidecar)).toBe(0);
  }
}

async function waitPodsRunning(names: string[]): Promise<void> {
  await waitFor(
    async () => {
      const got = await k(['get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.phase} {end}'], 5_000);
      const running = got.stdout.trim().split(' ');
      return got.code === 0 && names.every((name) => running.includes(`${name}=Running`));
    },
    { timeoutMs: 20_000, intervalMs: 300, what: `pods ${names.join(', ')} Running` },
  );
}

const pod = (name: string, node: string, container: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: node, containers: [{ name, ...container }] } });
const CHATTY = pod('chatty', 'node-1', { image: 'hubspoke/logger', env: [{ name: 'INTERVAL_MS', value: '100' }] });
const TALK = pod('talk', 'node-1', { image: 'hubspoke/shell', stdin: true });
const WEB = pod('web', 'node-2', { image: 'hubspoke/http-server', ports: [{ containerPort: 8080 }] });

/** Create pods (kubectl create) and wait until they run. */
async function createPods(pods: ReturnType<typeof pod>[]): Promise<void> {
  const created = await k(['create', '--validate=false', '-f', '-'], 20_000, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }));
  expect(created.code, created.stderr).toBe(0);
  await waitPodsRunning(pods.map((p) => p.metadata.name));
}

/** `docker compose up -d attacker` with the .env blocks `vars`. */
async function startAttacker(vars: Record<string, string>): Promise<void> {
  await project.up(vars, ['attacker']);
  await waitFor(() => project.logs('attacker').includes('intercepting on'), { timeoutMs: 15_000, what: `the attacker to start: ${project.logs('attacker')}` });
}

beforeAll(async () => {
  projectDir = await mkdtemp(join(tmpdir(), 'compose-netns-'));
  await mkdir(join(projectDir, 'captures'));
  kubeconfig = join(projectDir, 'certs', 'admin.conf');
  // The project folder as a user has it: the dashboard service mounts these two files.
  await writeFile(join(projectDir, 'docker-compose.yml'), composeText);
  await writeFile(join(projectDir, '.env'), envWith({ egress: 'direct', 'kubelet-ca': 'unverified' }));
  project = await startComposeNetns({
    composeText,
    projectDir,
    binDir: join(ROOT, 'node_modules/.bin'),
    stateDir: join(projectDir, '.state'),
    privatePaths: ['/var/lib/kubelet'],
  });
  await project.up(DIRECT);
  await waitNodesReady();
  await createPods([CHATTY, TALK, WEB]);
}, 90_000);

afterAll(async () => {
  await project?.close();
  if (projectDir) await rm(projectDir, { recursive: true, force: true });
}, 60_000);

describe('docker-compose.yml in network namespaces', () => {
  it('lets the attacker service read node-1\'s logs and exec in plaintext, live and saved, and nothing else', async () => {
    await startAttacker(DIRECT);
    const logs = await k(['logs', 'chatty', '--tail=3']);
    expect(logs.code, logs.stderr).toBe(0);
    const lastLine = logs.stdout.trim().split('\n').at(-1)!;
    expect(lastLine.length).toBeGreaterThan(0);
    const exec = await k(['exec', 'talk', '--', 'sh', '-c', 'echo the-secret-is-42']);
    expect(exec.stdout, exec.stderr).toBe('the-secret-is-42\n');

    // Live: GET /captures on the router's control address, as the dashboard reads it.
    let live: CapturesResponse | undefined;
    await waitFor(
      async () => {
        live = await captures();
        const text = JSON.stringify(live);
        return text.includes(lastLine) && text.includes('the-secret-is-42');
      },
      { timeoutMs: 5_000, what: `the log line and the exec output in GET /captures: ${JSON.stringify(live)}` },
    );
    expect(live!.attacker).toMatchObject({ kind: 'mitm', victim: 'node-1', port: 10250 });
    const exchanges = live!.captures.flatMap((c) => c.exchanges);
    expect(exchanges.some((x) => x.target.startsWith('/containerLogs/default/chatty/chatty') && x.body.includes(lastLine))).toBe(true);
    expect(exchanges.some((x) => x.target.startsWith('/exec/default/talk/talk') && x.stream?.stdout === 'the-secret-is-42\n')).toBe(true);
    // The attacker's own output shows it too.
    expect(project.logs('attacker')).toContain('stdout> the-secret-is-42');

    // The dashboard service draws node-1's path unverified, through the attacker, and shows what it read.
    const { topology, edge } = await node1KubeletPath((t) => t.attacker !== undefined && t.nodes.length === 2, 'the dashboard to show both nodes and the attacker');
    expect(edge).toMatchObject({ serverVerification: 'unverified', protocol: 'HTTPS' });
    expect(topology.attacker).toMatchObject({ kind: 'mitm', victim: 'node-1' });
    expect(topology.nodes.find((n) => n.name === 'node-1')?.pods.map((p) => p.name).sort()).toEqual(['chatty', 'talk']);
    expect(JSON.stringify(await dashboard<CapturesResponse>('captures'))).toContain('the-secret-is-42');

    // node-2's kubelet, node-1's SSH port and kube-proxy's health port are forwarded, not taken.
    const web = await k(['logs', 'web']);
    expect(web.code, web.stderr).toBe(0);
    expect(JSON.stringify(await captures())).not.toContain('/default/web/');
    await project.up(DIRECT, ['node-1-sshd']);
    await waitFor(async () => (await fromApiserver(NODE_1, 22)).startsWith('SSH-2.0-'), { timeoutMs: 10_000, what: `node-1's sshd banner through the router: ${project.logs('node-1-sshd')}` });
    expect(await fromApiserver(NODE_1, 10256, '/healthz')).toMatch(/^HTTP\/1\.1 200/);

    // The apiserver's pod proxy reaches node-2's pod at its routed pod IP.
    const podIP = (await k(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])).stdout;
    expect(podIP).toMatch(/^10\.244\.2\./);
    const proxied = await k(['get', '--raw', '/api/v1/namespaces/default/pods/web:8080/proxy/']);
    expect(proxied.stdout, proxied.stderr).toContain(`Hello from pod default/web`);
    expect(proxied.stdout).toContain(`at ${podIP}`);

    // `docker compose stop attacker`: its routes go, every connection is saved, and logs go straight to node-1.
    await project.stop('attacker');
    expect(project.exitCode('attacker'), project.logs('attacker')).toBe(0);
    const saved = await readFile(join(projectDir, 'captures', 'node-1.jsonl'), 'utf8');
    expect(saved).toContain(lastLine);
    expect(saved).toContain('the-secret-is-42');
    const after = await k(['logs', 'chatty', '--tail=1']);
    expect(after.code, after.stderr).toBe(0);
    const rules = await inNetns(project.namespaceOf('router'), '/usr/sbin/ip', ['rule', 'show']);
    expect(rules.stdout).toMatch(/^0:\s+from all lookup local/m);
    expect(rules.stdout).not.toContain(NODE_1);
  }, 60_000);

  it('with kubelet-ca verified, refuses the attacker\'s certificate and works without it', async () => {
    // `docker compose up -d` after flipping the block in .env: the apiserver and the kubelets are recreated.
    await writeFile(join(projectDir, '.env'), envWith({ egress: 'direct', 'kubelet-ca': 'verified' }));
    expect(readDotenv(await readFile(join(projectDir, '.env'), 'utf8')).active).toEqual(VERIFIED);
    await project.up(VERIFIED);
    await waitNodesReady();
    expect(existsSync(join(projectDir, 'certs', 'nodes', 'node-1', 'pki', 'kubelet.crt'))).toBe(true);
    // The apiserver keeps its objects in memory: the recreated one starts empty, so the pod is created again.
    await createPods([CHATTY]);
    let last: KubectlResult | undefined;
    await waitFor(async () => (last = await k(['logs', 'chatty', '--tail=1'], 5_000)).code === 0, { timeoutMs: 20_000, intervalMs: 500, what: 'logs from the recreated node-1' }).catch((err: Error) => {
      throw new Error(`${err.message}: ${last?.stderr}\nnode-1: ${project.logs('node-1').slice(-3000)}\napiserver: ${project.logs('apiserver').slice(-3000)}`);
    });

    await startAttacker(VERIFIED);
    const logs = await k(['logs', 'chatty', '--tail=1']);
    expect(logs.code).not.toBe(0);
    expect(logs.stderr).toMatch(/x509|certificate/);
    let seen: CapturesResponse | undefined;
    await waitFor(async () => ((seen = await captures()).refused.length > 0), { timeoutMs: 5_000, what: 'a refused handshake in GET /captures' });
    expect(seen!.captures).toEqual([]);
    expect(project.logs('attacker')).toContain('[refused]');
    // The same dashboard, not restarted, now draws the path verified.
    const { edge } = await node1KubeletPath((t) => t.edges.find((e) => e.id === 'kubelet-api:node-1')?.serverVerification === 'verified', 'the dashboard to show node-1 verified');
    expect(edge.serverVerification).toBe('verified');
    expect(await dashboard<{ blocks: Record<string, string> }>('lab')).toMatchObject({ blocks: { egress: 'direct', 'kubelet-ca': 'verified' } });

    await project.stop('attacker');
    const after = await k(['logs', 'chatty', '--tail=1']);
    expect(after.code, after.stderr).toBe(0);
  }, 60_000);
});
