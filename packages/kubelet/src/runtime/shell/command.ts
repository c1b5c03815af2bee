// What every toy shell command is: a function of its arguments, streams and the shell's state, plus the
// helpers commands share for reading stdin or named files.
import type { Input, ShellIO } from './io.ts';

/** A terminal's size in character cells. */
export interface TerminalSize {
  width: number;
  height: number;
}

/** The terminal a shell process runs on: the input its keystrokes come from, and its current size. */
export interface Terminal {
  readonly input: Input;
  size(): TerminalSize;
}
import { resolvePath, type VirtualFs } from './vfs.ts';

/** The shell state commands may read or change. */
export interface ShellState {
  vars: Map<string, string>;
  cwd: string;
  /** `$?`: the status of the last command. */
  status: number;
  readonly hostname: string;
  readonly fs: VirtualFs;
  /** The shell's terminal; undefined when it does not run on a tty. */
  readonly terminal?: Terminal;
  /** Runs argv as a child process (a copy of this shell's state, plus `env` overrides). */
  spawn(argv: string[], io: ShellIO, signal: AbortSignal, env?: Map<string, string>): Promise<number>;
}

/** One command invocation. */
export interface CommandCall {
  name: string;
  args: string[];
  io: ShellIO;
  shell: ShellState;
  signal: AbortSignal;
}

/** A command: resolves with its exit status. */
export type Builtin = (call: CommandCall) => Promise<number>;

/** `exit N`: unwinds to the enclosing shell process. */
export class ExitRequest extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
    this.name = 'ExitRequest';
  }
}

/** Writes `<command>: <message>` to stderr. */
export const err = (call: CommandCall, message: string) => call.io.stderr.write(`${call.name}: ${message}\n`);

/** Calls `onChunk` for every chunk of input until its end. */
export async function drain(input: Input, signal: AbortSignal, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  for (let chunk = await input.read(signal); chunk !== null; chunk = await input.read(signal)) await onChunk(chunk);
}

/** The inputs a file-reading command works on: the named files, or stdin for none or `-`. */
export async function eachInput(
  call: CommandCall,
  onInput: (name: string, read: (onChunk: (chunk: Buffer) => void | Promise<void>) => Promise<void>) => Promise<void>,
): Promise<number> {
  const names = call.args.length ? call.args : ['-'];
  let status = 0;
  for (const name of names) {
    if (name === '-') {
      await onInput('-', (onChunk) => drain(call.io.stdin, call.signal, onChunk));
      continue;
    }
    const path = resolvePath(call.shell.cwd, name);
    const kind = call.shell.fs.kind(path);
    if (kind !== 'file') {
      await err(call, kind === 'dir' ? `read error: Is a directory` : `can't open '${name}': No such file or directory`);
      status = 1;
      continue;
    }
    const content = call.shell.fs.read(path)!;
    await onInput(name, async (onChunk) => onChunk(content));
  }
  return status;
}
