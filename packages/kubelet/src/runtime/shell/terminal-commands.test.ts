import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runShellProcess } from '../shell.ts';
import { collector } from '../testing.ts';
import type { TerminalSize } from './command.ts';

const config = { env: { HOME: '/root', PATH: '/bin' }, hostname: 'term-0', files: new Map<string, string>() };

async function run(source: string, opts: { tty?: boolean; size?: TerminalSize } = {}) {
  const stdout = collector();
  const stderr = collector();
  const status = await runShellProcess(config, ['sh', '-c', source], {
    stdin: new PassThrough().end(),
    stdout: stdout.stream,
    stderr: stderr.stream,
    tty: opts.tty,
    terminalSize: opts.size && (() => opts.size),
  });
  return { status, out: stdout.text(), err: stderr.text() };
}

async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('terminal commands', () => {
  it('report 24 rows by 80 columns on a tty whose client sent no size', async () => {
    expect(await run('stty size; tput cols; tput lines', { tty: true })).toMatchObject({ status: 0, out: '24 80\n80\n24\n' });
  });

  it('print "ROWS COLS" from stty size and the same numbers from tput', async () => {
    const { out } = await run('stty size; echo "$(tput lines)x$(tput cols)"; stty size | cat', { tty: true, size: { width: 132, height: 43 } });
    expect(out).toBe('43 132\n43x132\n43 132\n');
  });

  it('follow resizes between the commands of an interactive shell', async () => {
    let size: TerminalSize | undefined;
    const stdin = new PassThrough();
    const stdout = collector();
    const running = runShellProcess(config, ['sh'], { stdin, stdout: stdout.stream, tty: true, onlcr: true, terminalSize: () => size });
    stdin.write('stty size\r');
    await until(() => stdout.text().includes('\r\n24 80\r\n'));
    size = { width: 100, height: 30 };
    stdin.write('stty size\r');
    await until(() => stdout.text().includes('\r\n30 100\r\n'));
    size = { width: 140, height: 45 };
    stdin.write('stty size; exit 7\r');
    expect(await running).toBe(7);
    expect(stdout.text()).toContain('\r\n45 140\r\n');
  });

  it('fail stty when stdin is not a terminal, as busybox does', async () => {
    expect(await run('stty size')).toEqual({ status: 1, out: '', err: 'stty: standard input: Not a tty\n' });
    // On a tty, a pipe into stty is still not a terminal.
    expect(await run('echo | stty size', { tty: true })).toMatchObject({ status: 1, out: 'stty: standard input: Not a tty\n' });
  });

  it('answer terminfo defaults from tput without a terminal and reject unknown capabilities', async () => {
    expect(await run('tput cols; tput lines')).toMatchObject({ status: 0, out: '80\n24\n' });
    expect(await run('tput colors')).toEqual({ status: 4, out: '', err: "tput: unknown terminfo capability 'colors'\n" });
  });

  it('refuse stty settings it does not model instead of pretending to apply them', async () => {
    expect(await run('stty raw', { tty: true })).toMatchObject({ status: 1, out: "stty: invalid argument 'raw'\n" });
  });
});
