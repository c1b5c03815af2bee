// `kubectl exec -it` on a real pseudo-terminal: tmux gives the real kubectl a terminal whose size the test
// controls, so the initial size and a resize travel kubectl → apiserver → kubelet → the toy shell, over
// WebSocket v5 (kubectl 1.32) and SPDY (1.27, 1.22). `stty size` in the pod must answer the window's size,
// and `exit 7` must come back as kubectl's own exit status.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectlBinary, type KubectlVersion } from './support/kubectl.ts';
import { createPod, waitRunning } from './support/pods.ts';

const run = promisify(execFile);
const VERSIONS: KubectlVersion[] = ['1.32', '1.27', '1.22'];

let cluster: Cluster;
let workDir: string;
const sockets: string[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hubspoke-tty-'));
  cluster = await startCluster({ nodes: 1 });
  await createPod(cluster, 'console', { image: 'hubspoke/shell', stdin: true, tty: true });
  await waitRunning(cluster, 'console');
}, 60_000);

afterAll(async () => {
  // Each test's tmux server is its own; a server whose session already ended is gone, which is fine.
  await Promise.all(sockets.map((socket) => run('tmux', ['-S', socket, 'kill-server']).catch(() => undefined)));
  await cluster?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** A detached tmux session running one command on a `width`x`height` terminal, on a private server. */
class TmuxSession {
  private constructor(private readonly socket: string) {}

  static async start(name: string, command: string, size: { width: number; height: number }): Promise<TmuxSession> {
    // A socket in the test's own directory: removing the directory leaves nothing behind.
    const socket = join(workDir, `tmux-${name}`);
    sockets.push(socket);
    const session = new TmuxSession(socket);
    // -f /dev/null: no user configuration changes what the pane shows.
    await session.tmux('-f', '/dev/null', 'new-session', '-d', '-x', String(size.width), '-y', String(size.height), command);
    return session;
  }

  /** Types `text` and presses Enter. */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-l', text);
    await this.tmux('send-keys', 'Enter');
  }

  /** What the pane shows now. */
  async screen(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J');
  }

  /** Resizes the window (and its one pane); the program in it gets SIGWINCH. */
  async resize(size: { width: number; height: number }): Promise<void> {
    await this.tmux('resize-window', '-x', String(size.width), '-y', String(size.height));
  }

  /** Waits until the pane shows `pattern`; the error shows the screen. */
  async waitFor(pattern: RegExp, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (pattern.test(screen)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async tmux(...args: string[]): Promise<string> {
    return (await run('tmux', ['-S', this.socket, ...args])).stdout;
  }
}

/** Runs `stty size` until the pane shows the expected answer: a resize and the next keystrokes race in kubectl. */
async function expectSize(tmux: TmuxSession, size: { width: number; height: number }): Promise<void> {
  const answer = new RegExp(`^${size.height} ${size.width}\\s*$`, 'm');
  for (let attempt = 1; ; attempt++) {
    await tmux.type('stty size');
    try {
      await tmux.waitFor(answer, `stty size answering ${size.height} ${size.width}`, 3_000);
      return;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

describe.each(VERSIONS)('kubectl %s exec -it on a pseudo-terminal', (version) => {
  it('gives the shell the terminal size, follows a resize, and exits with the shell status', async () => {
    const cacheDir = await mkdtemp(join(workDir, `cache-${version}-`));
    const exitFile = join(workDir, `exit-${version}`);
    const script = join(workDir, `exec-${version}.sh`);
    await writeFile(
      script,
      [
        `HOME=${quote(cacheDir)}; export HOME`,
        `${quote(kubectlBinary(version))} --kubeconfig=${quote(cluster.adminKubeconfig)} --cache-dir=${quote(cacheDir)} exec -it console -- sh`,
        `echo "EXIT=$?" > ${quote(exitFile)}`,
        '',
      ].join('\n'),
    );
    const tmux = await TmuxSession.start(version.replace('.', '-'), `sh ${quote(script)}`, { width: 100, height: 30 });

    await tmux.waitFor(/^\/ # /m, 'the toy shell prompt');
    await expectSize(tmux, { width: 100, height: 30 });
    await tmux.resize({ width: 140, height: 45 });
    await expectSize(tmux, { width: 140, height: 45 });
    expect(await tmux.screen()).toMatch(/^30 100\s*$/m);

    await tmux.type('exit 7');
    const exit = await waitFor(() => readFile(exitFile, 'utf8').catch(() => undefined), {
      timeoutMs: 15_000,
      what: `kubectl ${version} to exit`,
    });
    expect(exit.trim()).toBe('EXIT=7');
  });
});
