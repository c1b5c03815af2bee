// hubspoke/shell (and the busybox/alpine/debian/ubuntu aliases): the toy shell as a container's main process.
import { CannotRunError, type ToyImage } from '../program.ts';
import { isToyCommand, runShellProcess } from '../shell.ts';

/**
 * Runs argv (CMD `sh`: an interactive shell over stdin, prompting when tty; `sh -c "…"`; or one command).
 * Without stdin the interactive shell meets EOF at once and exits 0, as `kubectl run x --image=busybox`
 * does. An argv naming no toy command fails like a missing executable (ContainerCannotRun, 128).
 * SIGTERM ends it at once (143).
 */
export const shellImage: ToyImage = {
  name: 'hubspoke/shell',
  description: 'interactive toy shell (echo, env, cat, ls, sleep, sh -c, pipes, loops …)',
  cmd: ['sh'],
  sigterm: 'terminate',
  async run(ctx) {
    if (ctx.argv.length > 0 && !isToyCommand(ctx.argv[0])) throw new CannotRunError(ctx.argv[0]);
    return runShellProcess(
      { env: ctx.env, cwd: ctx.workingDir, hostname: ctx.pod.hostname, files: ctx.files, pid: 1 },
      ctx.argv,
      // The container's tty output already translates newlines.
      {
        stdin: ctx.stdin,
        stdout: ctx.stdout,
        stderr: ctx.stderr,
        tty: ctx.tty,
        onlcr: false,
        terminalSize: () => ctx.terminalSize(),
        signal: ctx.killed,
      },
    );
  },
};
