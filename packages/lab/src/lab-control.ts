// `hubspoke down | status | kubeconfig | logs`: act on the lab a `hubspoke up` runs, from another terminal.
import { readFile } from 'node:fs/promises';
import { clientFromKubeconfig } from '@hubspoke/client';
import { isRunning, readLabState, removeLabState, type LabState } from './lab-state.ts';

/** The running lab in `dir`; throws a message for people when there is none. */
async function runningLab(dir: string): Promise<LabState> {
  const state = await readLabState(dir);
  if (!state) throw new Error(`no lab in ${dir}: start one with \`hubspoke up\` (or pass the --dir it used)`);
  if (!isRunning(state)) throw new Error(`the lab in ${dir} is not running (process ${state.pid} has exited); \`hubspoke up\` starts a new one`);
  return state;
}

/** Stop the lab: SIGTERM to `hubspoke up`, then wait for it to exit. */
export async function down(dir: string, out: NodeJS.WritableStream = process.stdout, timeoutMs = 15_000): Promise<void> {
  const state = await readLabState(dir);
  if (!state || !isRunning(state)) {
    await removeLabState(dir);
    out.write(`no lab is running in ${dir}\n`);
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isRunning(state)) {
    if (Date.now() > deadline) throw new Error(`hubspoke up (pid ${state.pid}) did not stop within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await removeLabState(dir);
  out.write(`stopped the lab in ${dir} (profile ${state.profile})\n`);
}

/** What runs, and whether the apiserver and the nodes are ready. */
export async function status(dir: string, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const state = await runningLab(dir);
  const client = await clientFromKubeconfig(state.adminKubeconfig);
  try {
    const nodes = await client.list('/api/v1/nodes');
    const pods = await client.list('/api/v1/pods');
    const ready = new Set(
      nodes.items
        .filter((n) => ((n.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'))
        .map((n) => n.metadata.name),
    );
    const uptime = Math.round((Date.now() - Date.parse(state.startedAt)) / 1000);
    out.write(`lab in ${dir}: running (pid ${state.pid}, up ${uptime} s), profile ${state.profile}, egress ${state.egress}\n`);
    out.write(`  apiserver  ${state.server}  ready\n`);
    for (const n of state.nodes) {
      const ro = n.readOnlyPort ? `, read-only port ${n.readOnlyPort} OPEN` : '';
      out.write(`  ${n.name.padEnd(9)}  https://${n.address}:${n.port}  ${ready.has(n.name) ? 'Ready' : 'NotReady'}; serving cert ${n.servingCertVerified ? 'verified' : 'NOT verified'}${ro}\n`);
    }
    out.write(`  pods       ${pods.items.length} (${pods.items.filter((p) => (p.status as { phase?: string }).phase === 'Running').length} Running)\n`);
    if (state.attacker) out.write(`  attacker   ${state.attacker.kind} on ${state.attacker.address}:${state.attacker.port}, the address ${state.attacker.victim} advertises\n`);
    if (state.dashboard) out.write(`  dashboard  ${state.dashboard}\n`);
    if (state.labApi) out.write(`  lab API    ${state.labApi} (topology, captures, events)\n`);
  } finally {
    client.close();
  }
}

/** A kubeconfig of the running lab: the admin's, or a user's (`alice`, `bob`, `node-1`, …). */
export async function kubeconfig(dir: string, opts: { user?: string; path?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const state = await runningLab(dir);
  const user = opts.user ?? 'admin';
  const file = state.kubeconfigs[user];
  if (!file) throw new Error(`no kubeconfig for user "${user}": choose one of ${Object.keys(state.kubeconfigs).join(', ')}`);
  out.write(opts.path ? `${file}\n` : await readFile(file, 'utf8'));
}

/** The components whose lines `hubspoke logs` can pick, and the logger names each covers. */
export const LOG_COMPONENTS: Record<string, readonly string[]> = {
  'kube-apiserver': ['kube-apiserver', 'kubelet-client', 'kubelet-proxy', 'egress', 'kube-controller-manager'],
  kubelet: ['kubelet'],
  'kube-proxy': ['kube-proxy'],
  'konnectivity-server': ['konnectivity-server', 'frontend', 'agent-backend'],
  'konnectivity-agent': ['konnectivity-agent'],
  sshd: ['sshd'],
};

/** Print a component's log lines (optionally one node's), one readable line each. */
export async function logs(dir: string, component: string, opts: { node?: string }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const state = await readLabState(dir);
  if (!state) throw new Error(`no lab in ${dir}: start one with \`hubspoke up\` (or pass the --dir it used)`);
  const names = LOG_COMPONENTS[component];
  if (!names) throw new Error(`unknown component "${component}": choose one of ${Object.keys(LOG_COMPONENTS).join(', ')}`);
  const text = await readFile(state.logFile, 'utf8');
  for (const line of text.split('\n')) {
    if (!line) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a line cut by a crash
    }
    if (!names.includes(String(entry.component)) || (opts.node && entry.node !== opts.node)) continue;
    out.write(`${formatLine(entry)}\n`);
  }
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function formatLine(entry: Record<string, unknown>): string {
  const { time, level, msg, component, node, pid: _pid, hostname: _hostname, ...rest } = entry;
  const when = typeof time === 'number' ? new Date(time).toISOString() : '';
  const who = node ? `${String(component)}/${String(node)}` : String(component);
  const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
  return `${when} ${(LEVELS[level as number] ?? String(level)).padEnd(5)} ${who}: ${String(msg ?? '')}${extra ? ` ${extra}` : ''}`;
}
