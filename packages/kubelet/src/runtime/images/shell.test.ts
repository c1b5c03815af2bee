import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collector, logRecords, runtimeFixture, testPod, watchOutput } from '../testing.ts';

describe('hubspoke/shell', () => {
  let fixture: Awaited<ReturnType<typeof runtimeFixture>>;
  beforeEach(async () => (fixture = await runtimeFixture(testPod(22, 'shell-pod'))));
  afterEach(() => fixture.cleanup());

  it('runs a `sh -c` command and exits with its status', async () => {
    const handle = await fixture.start({ image: 'busybox', command: ['sh', '-c', 'echo hi; echo err >&2 || true; exit 2'] });
    // `>&2` is a redirection the toy shell refuses: a syntax error is status 2 before anything runs.
    expect((await handle.exited).exitCode).toBe(2);
    const ok = await fixture.start({ image: 'alpine', args: ['sh', '-c', 'echo hi; exit 4'] });
    expect(await ok.exited).toMatchObject({ exitCode: 4, reason: 'Error' });
    expect(await logRecords(ok)).toEqual(['stdout F hi']);
  });

  it('completes at once without stdin, like `kubectl run --image=busybox`', async () => {
    const handle = await fixture.start({ image: 'hubspoke/shell' });
    expect(await handle.exited).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('cannot run an executable it does not have', async () => {
    const handle = await fixture.start({ image: 'ubuntu', command: ['/usr/sbin/nginx'] });
    expect(await handle.exited).toMatchObject({ exitCode: 128, reason: 'ContainerCannotRun' });
  });

  it('stays running for `sleep` and answers exec meanwhile', async () => {
    const handle = await fixture.start({ image: 'debian', command: ['sleep', '3600'] });
    const out = collector();
    expect(await handle.exec({ command: ['cat', '/etc/hosts'], stdout: out.stream })).toBe(0);
    expect(out.text()).toMatch(/^# Kubernetes-managed hosts file\.\n/);
    expect(out.text()).toContain('127.244.250.22\tshell-pod\n');
  });

  it('tells its tty main process the size of the last resize, 24x80 before any', async () => {
    const handle = await fixture.start({ image: 'hubspoke/shell', stdin: true, tty: true });
    const output = watchOutput(handle);
    handle.stdin!.write('stty size\r');
    await output.waitFor(/\b24 80\r\n/);
    handle.resize!({ width: 120, height: 40 });
    handle.stdin!.write('stty size; tput cols\r');
    await output.waitFor(/\b40 120\r\n120\r\n/);
    handle.stdin!.end('exit 3\r');
    expect((await handle.exited).exitCode).toBe(3);
  });

  it("gives a tty exec the caller's current terminal size on every read", async () => {
    const handle = await fixture.start({ image: 'busybox', command: ['sleep', '3600'] });
    let size: { width: number; height: number } | undefined;
    const stdin = new PassThrough();
    const out = collector();
    const running = handle.exec({ command: ['sh'], stdin, stdout: out.stream, tty: true, terminalSize: () => size });
    stdin.write('stty size\r');
    size = { width: 100, height: 30 };
    stdin.write('stty size\r');
    stdin.end('exit 7\r');
    expect(await running).toBe(7);
    // Lines are read after both writes, so both commands see the size reported last.
    expect(out.text().match(/\b\d+ \d+\r\n/g)).toEqual(['30 100\r\n', '30 100\r\n']);
  });
});
