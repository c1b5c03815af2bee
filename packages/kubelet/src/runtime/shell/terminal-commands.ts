// Toy shell commands about the terminal: `stty size` and `tput cols|lines`. The size is the one the client
// last reported over the exec/attach resize stream, so a script can lay out output for the user's window.
import { err, type Builtin } from './command.ts';

/** terminfo's defaults when there is no terminal to ask (xterm's `cols#80`, `lines#24`). */
const TERMINFO_COLS = 80;
const TERMINFO_LINES = 24;

/** `stty size` prints "ROWS COLS" of the terminal on stdin; other settings are not modelled and say so. */
const stty: Builtin = async (call) => {
  const terminal = call.shell.terminal;
  // stty works on its standard input: a pipe or a non-tty exec is not a terminal.
  if (!terminal || call.io.stdin !== terminal.input) {
    await err(call, 'standard input: Not a tty');
    return 1;
  }
  if (call.args.length !== 1 || call.args[0] !== 'size') {
    await err(call, call.args.length ? `invalid argument '${call.args.find((a) => a !== 'size')}'` : 'only "stty size" is supported');
    return 1;
  }
  const { width, height } = terminal.size();
  await call.io.stdout.write(`${height} ${width}\n`);
  return 0;
};

/** `tput cols` / `tput lines`: the terminal's size, or terminfo's defaults without a terminal. */
const tput: Builtin = async (call) => {
  const [capability, ...extra] = call.args;
  if (capability === undefined || extra.length) {
    await call.io.stderr.write('usage: tput cols|lines\n');
    return 2;
  }
  const size = call.shell.terminal?.size();
  const values: Record<string, number> = {
    cols: size?.width ?? TERMINFO_COLS,
    lines: size?.height ?? TERMINFO_LINES,
  };
  if (!(capability in values)) {
    await err(call, `unknown terminfo capability '${capability}'`);
    return 4;
  }
  await call.io.stdout.write(`${values[capability]}\n`);
  return 0;
};

/** Commands about the terminal the shell runs on. */
export const terminalCommands: Record<string, Builtin> = { stty, tput };
