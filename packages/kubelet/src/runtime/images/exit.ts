// hubspoke/exit: a container that ends on purpose, to watch exit codes and restart counts.
import { intFromEnv, type ToyImage } from '../program.ts';

/** Writes one line, waits DELAY_MS (default 0), exits with EXIT_CODE (default 0). SIGTERM kills it (143). */
export const exitImage: ToyImage = {
  name: 'hubspoke/exit',
  description: 'exits with EXIT_CODE after DELAY_MS',
  sigterm: 'terminate',
  async run(ctx) {
    const code = intFromEnv(ctx.env, 'EXIT_CODE', 0);
    const delay = intFromEnv(ctx.env, 'DELAY_MS', 0);
    await ctx.print(`exiting with code ${code} after ${delay} ms (attempt ${ctx.attempt})\n`);
    if (delay > 0) await ctx.sleep(delay);
    return code;
  },
};
