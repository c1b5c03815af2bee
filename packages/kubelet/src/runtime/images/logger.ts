// hubspoke/logger: steady numbered log lines, the container `kubectl logs -f` is made for.
import { intFromEnv, type ToyImage } from '../program.ts';

/**
 * Writes `<n> <ISO time> <text>` every INTERVAL_MS (default 1000): every 5th line to stderr, the rest to
 * stdout. The text is "hello from <pod>" unless command/args give one. Unlike a program that ignores
 * signals (which Kubernetes reports as exit 143), it handles SIGTERM and exits 0 right away.
 */
export const loggerImage: ToyImage = {
  name: 'hubspoke/logger',
  description: 'numbered log lines every INTERVAL_MS, every 5th on stderr',
  sigterm: 'handle',
  async run(ctx) {
    const interval = intFromEnv(ctx.env, 'INTERVAL_MS', 1000);
    const text = ctx.argv.length ? ctx.argv.join(' ') : `hello from ${ctx.pod.name}`;
    for (let n = 1; ; n++) {
      await ctx.print(`${n} ${new Date().toISOString()} ${text}\n`, n % 5 === 0 ? 'stderr' : 'stdout');
      if (!(await ctx.sleep(interval))) break;
    }
    await ctx.print('received SIGTERM, exiting\n');
    return 0;
  },
};
