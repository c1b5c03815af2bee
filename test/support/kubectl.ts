// Runs the real kubectl binaries (the versioned ones beside the dispatcher on the PATH), each call with a
// fresh discovery cache so no test sees another's cached discovery.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { waitFor } from '@hubspoke/lab';

/** kubectl minor versions: 1.27–1.33 beside the dispatcher, 1.20 and 1.22 from npm. */
export type KubectlVersion = '1.20' | '1.22' | '1.27' | '1.28' | '1.29' | '1.30' | '1.31' | '1.32' | '1.33';

/** The path of `kubectl.<version>`. */
export function kubectlBinary(version: KubectlVersion): string {
  // 1.20 and 1.22 are fetched from npm by scripts/install-test-deps.sh.
  const legacy = join(import.meta.dirname, '../../.cache/kubectl', `kubectl.${version}`);
  if (existsSync(legacy)) return legacy;
  const onPath = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  const candidate = join(dirname(realpathSync(onPath)), `kubectl.${version}`);
  if (existsSync(candidate)) return candidate;
  throw new Error(`kubectl.${version} not found beside ${onPath}`);
}

/** The outcome of one kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of one kubectl run. */
export interface KubectlOptions {
  kubeconfig: string;
  version?: KubectlVersion;
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Run kubectl with `args`; never throws for a non-zero exit (the result carries the code). */
export async function kubectl(args: string[], opts: KubectlOptions): Promise<KubectlResult> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'kubectl-cache-'));
  const bin = kubectlBinary(opts.version ?? '1.32');
  return new Promise((resolve) => {
    const child = execFile(
      bin,
      [`--kubeconfig=${opts.kubeconfig}`, `--cache-dir=${cacheDir}`, ...args],
      { timeout: opts.timeoutMs ?? 30_000, env: { ...process.env, HOME: cacheDir, ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Start a long-running kubectl (e.g. `get -w`); the caller reads stdout and kills it. */
export async function kubectlSpawn(args: string[], opts: KubectlOptions): Promise<ChildProcess> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'kubectl-cache-'));
  return spawn(kubectlBinary(opts.version ?? '1.32'), [`--kubeconfig=${opts.kubeconfig}`, `--cache-dir=${cacheDir}`, ...args], {
    env: { ...process.env, HOME: cacheDir, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Split `kubectl get` output into rows of whitespace-separated columns (header first). */
export function table(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => line.trim().split(/\s{2,}/));
}

/** A running `kubectl port-forward`: its local port, the child to kill, and what it printed so far. */
export interface PortForward {
  port: number;
  child: ChildProcess;
  output(): string;
}

/** Start `kubectl port-forward <resource> <target>` and wait until it listens on 127.0.0.1. */
export async function kubectlPortForward(resource: string, target: string, opts: KubectlOptions): Promise<PortForward> {
  const child = await kubectlSpawn(['port-forward', resource, target], opts);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const port = await waitFor(() => Number(/Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(out)?.[1]) || undefined, {
    timeoutMs: 15_000,
    what: `kubectl ${opts.version ?? '1.32'} port-forward to listen; output: ${out}`,
  }).catch((err: unknown) => {
    child.kill();
    throw err;
  });
  return { port, child, output: () => out };
}
