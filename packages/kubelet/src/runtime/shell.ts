// The toy shell: one interpreter for the shell image's main process and for `exec` in every image. It runs
// only its own builtins over the pod's virtual file system; it never starts a host process.
import type { Readable, Writable } from 'node:stream';
import { builtins, ExitRequest, type ShellState, type Terminal, type TerminalSize } from './shell/builtins.ts';
import { ArithmeticError, expandWord, expandWords, type ExpansionScope } from './shell/expand.ts';
import {
  BrokenPipeError,
  CaptureOutput,
  InterruptedError,
  Pipe,
  readableInput,
  readLine,
  writableOutput,
  type ShellIO,
} from './shell/io.ts';
import { parseScript, ShellSyntaxError, type Command, type Pipeline, type Script } from './shell/syntax.ts';
import { LineDiscipline, terminalOutput } from './shell/tty.ts';
import { resolvePath, VirtualFs } from './shell/vfs.ts';

/** The process environment a shell starts with. */
export interface ShellConfig {
  env: Readonly<Record<string, string>>;
  cwd?: string;
  hostname: string;
  files: ReadonlyMap<string, string | Buffer>;
  /** `$$`; a container's main process is 1. */
  pid?: number;
}

/**
 * The streams of a shell process. `tty` adds a line discipline (echo, prompts, Ctrl-C) and merges stderr
 * into stdout; without `tty` and without `stderr`, error output is discarded.
 */
export interface ShellStreams {
  stdin?: Readable | null;
  stdout: Writable;
  stderr?: Writable;
  tty?: boolean;
  /** Translate "\n" to "\r\n" on output (what a tty device does); leave false when the caller already does. */
  onlcr?: boolean;
  /** The tty's current size as the client last reported it; undefined (or absent) means 80 columns × 24 rows. */
  terminalSize?: () => TerminalSize | undefined;
  signal?: AbortSignal;
}

/** A terminal's size until its client reports one: the classic VT100's 80 columns by 24 rows. */
export const DEFAULT_TERMINAL_SIZE: Readonly<TerminalSize> = { width: 80, height: 24 };

const BIN_DIRECTORIES = new Set(['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']);
const SHELLS = new Set(['sh', 'ash', 'bash']);
let nextPid = 7;

/** The command an argv[0] names ("/bin/echo" → "echo"), if it is on the toy PATH. */
export function commandName(arg0: string): string | undefined {
  if (!arg0.includes('/')) return arg0;
  const slash = arg0.lastIndexOf('/');
  return BIN_DIRECTORIES.has(arg0.slice(0, slash)) ? arg0.slice(slash + 1) : undefined;
}

/** Whether the toy shell can run argv[0]. */
export function isToyCommand(arg0: string): boolean {
  const name = commandName(arg0);
  return name !== undefined && (SHELLS.has(name) || name in builtins);
}

/** Runs argv (empty = an interactive `sh`) as a process of the toy shell; resolves with its exit status. */
export async function runShellProcess(config: ShellConfig, argv: string[], streams: ShellStreams): Promise<number> {
  const signal = streams.signal ?? new AbortController().signal;
  const terminalize = streams.onlcr ? terminalOutput : <T>(o: T) => o;
  const stdout = terminalize(writableOutput(streams.stdout));
  // Without a stderr stream (an exec that did not ask for one) error output is dropped, as the CRI does.
  const discard = { write: async () => undefined };
  const stderr = streams.tty ? stdout : streams.stderr ? terminalize(writableOutput(streams.stderr)) : discard;
  const raw = readableInput(streams.stdin);
  const terminal = streams.tty ? new LineDiscipline(raw, stdout) : undefined;
  const sizeOf = streams.terminalSize;
  const shell = new Shell({
    vars: new Map(Object.entries(config.env)),
    cwd: config.cwd || '/',
    hostname: config.hostname,
    fs: new VirtualFs(config.files),
    lineDiscipline: terminal,
    terminal: terminal && { input: terminal, size: () => ({ ...(sizeOf?.() ?? DEFAULT_TERMINAL_SIZE) }) },
    pid: config.pid ?? nextPid++,
  });
  try {
    return await shell.runArgv(argv.length ? argv : ['sh'], { stdin: terminal ?? raw, stdout, stderr }, signal);
  } catch (err) {
    if (err instanceof ExitRequest) return err.status;
    if (err instanceof InterruptedError) return 130;
    if (err instanceof BrokenPipeError) return 141;
    throw err;
  } finally {
    terminal?.close();
  }
}

interface ShellInit {
  vars: Map<string, string>;
  cwd: string;
  hostname: string;
  fs: VirtualFs;
  lineDiscipline?: LineDiscipline;
  terminal?: Terminal;
  pid: number;
  positional?: string[];
}

/** Yields to the event loop so a busy shell loop cannot starve the kubelet it runs in. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

class Shell implements ShellState {
  vars: Map<string, string>;
  cwd: string;
  status = 0;
  readonly hostname: string;
  readonly fs: VirtualFs;
  readonly terminal?: Terminal;
  private readonly lineDiscipline?: LineDiscipline;
  private readonly pid: number;
  private positional: string[];

  constructor(init: ShellInit) {
    this.vars = init.vars;
    this.cwd = init.cwd;
    this.hostname = init.hostname;
    this.fs = init.fs;
    this.terminal = init.terminal;
    this.lineDiscipline = init.lineDiscipline;
    this.pid = init.pid;
    this.positional = init.positional ?? ['sh'];
  }

  /** A subshell: a copy of the state, so its changes do not leak back. */
  private clone(): Shell {
    const child = new Shell({ ...this, vars: new Map(this.vars), positional: [...this.positional] });
    child.status = this.status;
    return child;
  }

  async spawn(argv: string[], io: ShellIO, signal: AbortSignal, env?: Map<string, string>): Promise<number> {
    const child = this.clone();
    for (const [name, value] of env ?? []) child.vars.set(name, value);
    try {
      return await child.runArgv(argv, io, signal);
    } catch (err) {
      if (err instanceof ExitRequest) return err.status;
      throw err;
    }
  }

  async runArgv(argv: string[], io: ShellIO, signal: AbortSignal): Promise<number> {
    const name = commandName(argv[0]);
    if (name !== undefined && SHELLS.has(name)) return this.runSh(argv.slice(1), io, signal);
    const builtin = name === undefined ? undefined : builtins[name];
    if (!builtin || name === undefined) {
      await io.stderr.write(`sh: ${argv[0]}: not found\n`).catch(() => undefined);
      return 127;
    }
    try {
      return await builtin({ name, args: argv.slice(1), io, shell: this, signal });
    } catch (err) {
      return this.failure(err, name, io);
    }
  }

  /** `sh [-c script [name args…] | file [args…]]`, or interactive without either. */
  private async runSh(args: string[], io: ShellIO, signal: AbortSignal): Promise<number> {
    const child = this.clone();
    let i = 0;
    let script: string | undefined;
    for (; i < args.length && args[i].startsWith('-') && args[i] !== '-'; i++) {
      if (!args[i].includes('c')) continue; // -e, -x, -i, -l: accepted, not modelled
      script = args[++i];
      if (script === undefined) {
        await io.stderr.write('sh: -c requires an argument\n');
        return 2;
      }
    }
    const rest = args.slice(i);
    try {
      if (script !== undefined) {
        if (rest.length) child.positional = rest;
        return await child.runSource(script, io, signal);
      }
      if (rest.length) {
        const content = this.fs.read(resolvePath(this.cwd, rest[0]));
        if (!content) {
          await io.stderr.write(`sh: can't open '${rest[0]}': No such file or directory\n`);
          return 2;
        }
        child.positional = rest;
        return await child.runSource(content.toString('utf8'), io, signal);
      }
      return await child.interactive(io, signal);
    } catch (err) {
      if (err instanceof ExitRequest) return err.status;
      throw err;
    }
  }

  private async runSource(source: string, io: ShellIO, signal: AbortSignal): Promise<number> {
    let script: Script;
    try {
      script = parseScript(source);
    } catch (err) {
      if (!(err instanceof ShellSyntaxError)) throw err;
      await io.stderr.write(`sh: ${err.message}\n`);
      return 2;
    }
    return this.execScript(script, io, signal);
  }

  /** Reads commands from stdin; with a terminal, prompts and lets Ctrl-C interrupt the running command. */
  private async interactive(io: ShellIO, signal: AbortSignal): Promise<number> {
    const terminal = this.lineDiscipline && io.stdin === this.lineDiscipline ? this.lineDiscipline : undefined;
    const previousInterrupt = terminal?.onInterrupt;
    const prompt = () => `${this.cwd === this.vars.get('HOME') ? '~' : this.cwd} # `;
    const idle = () => void io.stdout.write(prompt()).catch(() => undefined);
    try {
      for (;;) {
        if (terminal) {
          terminal.onInterrupt = idle;
          await io.stdout.write(prompt());
        }
        const script = await this.readCommand(io, signal, terminal !== undefined);
        if (script === null) return this.status;
        if (script === undefined) continue;
        const foreground = new AbortController();
        if (terminal) terminal.onInterrupt = () => foreground.abort();
        try {
          await this.execScript(script, io, AbortSignal.any([signal, foreground.signal]));
        } catch (err) {
          if (!(err instanceof InterruptedError) || signal.aborted) throw err;
          this.status = 130;
        }
      }
    } finally {
      if (terminal && previousInterrupt) terminal.onInterrupt = previousInterrupt;
    }
  }

  /** The next complete command (reading continuation lines), undefined after a syntax error, null at EOF. */
  private async readCommand(io: ShellIO, signal: AbortSignal, prompting: boolean): Promise<Script | null | undefined> {
    let source = await readLine(io.stdin, signal);
    if (source === null) return null;
    for (;;) {
      try {
        return parseScript(source);
      } catch (err) {
        if (!(err instanceof ShellSyntaxError)) throw err;
        if (!err.incomplete) {
          await io.stderr.write(`sh: ${err.message}\n`);
          this.status = 2;
          return undefined;
        }
        if (prompting) await io.stdout.write('> ');
        const more = await readLine(io.stdin, signal);
        if (more === null) {
          await io.stderr.write(`sh: ${err.message}\n`);
          return null;
        }
        source += `\n${more}`;
      }
    }
  }

  private async execScript(script: Script, io: ShellIO, signal: AbortSignal): Promise<number> {
    for (const list of script) {
      if (signal.aborted) throw new InterruptedError();
      let status = await this.execPipeline(list.first, io, signal);
      for (const { op, pipeline } of list.rest) {
        if ((op === '&&') !== (status === 0)) continue;
        status = await this.execPipeline(pipeline, io, signal);
      }
    }
    return this.status;
  }

  private async execPipeline(pipeline: Pipeline, io: ShellIO, signal: AbortSignal): Promise<number> {
    const { commands } = pipeline;
    let status: number;
    if (commands.length === 1) {
      status = await this.execCommand(commands[0], io, signal);
    } else {
      const pipes = commands.slice(1).map(() => new Pipe());
      const statuses = await Promise.all(
        commands.map(async (command, i) => {
          const stdin = i === 0 ? io.stdin : pipes[i - 1].input;
          const stdout = i === commands.length - 1 ? io.stdout : pipes[i].output;
          try {
            return await this.clone().execCommand(command, { stdin, stdout, stderr: io.stderr }, signal);
          } catch (err) {
            if (err instanceof ExitRequest) return err.status;
            throw err;
          } finally {
            pipes[i]?.closeWrite();
            pipes[i - 1]?.closeRead();
          }
        }),
      );
      status = statuses[statuses.length - 1];
    }
    if (pipeline.negated) status = status === 0 ? 1 : 0;
    this.status = status;
    return status;
  }

  private async execCommand(command: Command, io: ShellIO, signal: AbortSignal): Promise<number> {
    try {
      switch (command.kind) {
        case 'simple':
          return await this.execSimple(command, io, signal);
        case 'if': {
          for (const branch of command.branches) {
            if ((await this.execScript(branch.condition, io, signal)) === 0) return this.execScript(branch.body, io, signal);
          }
          return command.otherwise ? this.execScript(command.otherwise, io, signal) : 0;
        }
        case 'loop': {
          let status = 0;
          for (;;) {
            await yieldToEventLoop();
            const condition = await this.execScript(command.condition, io, signal);
            if ((condition === 0) === command.until) return status;
            status = await this.execScript(command.body, io, signal);
          }
        }
        case 'for': {
          const scope = this.scope(io, signal);
          const items = command.items ? await expandWords(command.items, scope) : this.positional.slice(1);
          let status = 0;
          for (const item of items) {
            await yieldToEventLoop();
            this.vars.set(command.variable, item);
            status = await this.execScript(command.body, io, signal);
          }
          return status;
        }
        case 'group':
          if (!command.subshell) return await this.execScript(command.body, io, signal);
          try {
            return await this.clone().execScript(command.body, io, signal);
          } catch (err) {
            if (err instanceof ExitRequest) return err.status;
            throw err;
          }
      }
    } catch (err) {
      return this.failure(err, 'sh', io);
    }
  }

  private async execSimple(command: Command & { kind: 'simple' }, io: ShellIO, signal: AbortSignal): Promise<number> {
    let substitutionStatus = 0;
    const scope = this.scope(io, signal, (status) => (substitutionStatus = status));
    const argv = await expandWords(command.words, scope);
    const assigned = new Map<string, string>();
    for (const { name, value } of command.assignments) assigned.set(name, await expandWord(value, scope));
    if (argv.length === 0) {
      for (const [name, value] of assigned) this.vars.set(name, value);
      return substitutionStatus;
    }
    return assigned.size ? this.spawn(argv, io, signal, assigned) : this.runArgv(argv, io, signal);
  }

  private scope(io: ShellIO, signal: AbortSignal, onStatus?: (status: number) => void): ExpansionScope {
    return {
      lookup: (name) => this.lookup(name),
      substitute: async (script) => {
        const child = this.clone();
        const output = new CaptureOutput();
        let status: number;
        try {
          status = await child.execScript(script, { stdin: io.stdin, stdout: output, stderr: io.stderr }, signal);
        } catch (err) {
          if (!(err instanceof ExitRequest)) throw err;
          status = err.status;
        }
        onStatus?.(status);
        return output.text();
      },
    };
  }

  private lookup(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return String(this.pid);
      case '#':
        return String(this.positional.length - 1);
      case '@':
      case '*':
        return this.positional.slice(1).join(' ');
    }
    return /^\d$/.test(name) ? this.positional[Number(name)] : this.vars.get(name);
  }

  /** Turns a command's failure into its exit status; exit and interrupts keep unwinding. */
  private async failure(err: unknown, name: string, io: ShellIO): Promise<number> {
    if (err instanceof ExitRequest || err instanceof InterruptedError) throw err;
    if (err instanceof BrokenPipeError) return 141;
    const message = err instanceof Error ? err.message : String(err);
    await io.stderr.write(`${name}: ${message}\n`).catch(() => undefined);
    return err instanceof ArithmeticError || err instanceof ShellSyntaxError ? 2 : 1;
  }
}
