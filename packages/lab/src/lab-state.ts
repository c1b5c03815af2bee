// The running lab's state file (<dir>/lab.json): what `hubspoke up` started, so that `down`, `status`,
// `kubeconfig` and `logs` in another terminal can find it.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EgressMode } from './egress.ts';

/** What `hubspoke up` records about the lab it runs. */
export interface LabState {
  pid: number;
  profile: string;
  egress: EgressMode;
  server: string;
  adminKubeconfig: string;
  /** Kubeconfigs by user name (admin, the token users, the nodes). */
  kubeconfigs: Record<string, string>;
  nodes: { name: string; address: string; port: number; readOnlyPort: number; servingCertVerified: boolean }[];
  logFile: string;
  auditLog?: string;
  startedAt: string;
  /** The lab API (`http://127.0.0.1:<port>`: topology, captures, events) that `hubspoke dashboard` reads. */
  labApi?: string;
  /** The attacker `up --attacker` runs: where it listens and which node's address it holds. */
  attacker?: { kind: 'mitm'; address: string; port: number; victim: string };
  /** The dashboard `up --dashboard` serves. */
  dashboard?: string;
}

/** Where the state of the lab in `dir` lives. */
export function labStatePath(dir: string): string {
  return join(resolve(dir), 'lab.json');
}

/** Record the running lab. */
export async function writeLabState(dir: string, state: LabState): Promise<void> {
  await writeFile(labStatePath(dir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The state of the lab in `dir`, or undefined when none was started there. */
export async function readLabState(dir: string): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(labStatePath(dir), 'utf8')) as LabState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${labStatePath(dir)} is not a lab state file: ${(err as Error).message}`);
  }
}

/** Forget the lab (on a clean stop). */
export async function removeLabState(dir: string): Promise<void> {
  await rm(labStatePath(dir), { force: true });
}

/** Whether the process that wrote the state still runs. */
export function isRunning(state: LabState): boolean {
  try {
    process.kill(state.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
