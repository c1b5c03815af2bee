// Toy shell commands over the pod's read-only files and stdin: cat, ls, cd, pwd, wc, head, sha256sum.
import { createHash } from 'node:crypto';
import { eachInput, err, type Builtin } from './command.ts';
import type { Input } from './io.ts';
import { resolvePath } from './vfs.ts';

function parseCount(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

const cat: Builtin = (call) => eachInput(call, (_, read) => read((chunk) => call.io.stdout.write(chunk)));

const ls: Builtin = async (call) => {
  const paths = call.args.filter((a) => !a.startsWith('-'));
  if (paths.length === 0) paths.push('.');
  let status = 0;
  let out = '';
  for (const name of paths) {
    const path = resolvePath(call.shell.cwd, name);
    const kind = call.shell.fs.kind(path);
    if (kind === undefined) {
      await err(call, `${name}: No such file or directory`);
      status = 1;
    } else if (kind === 'file') out += `${name}\n`;
    else {
      const entries = call.shell.fs.list(path)!;
      if (paths.length > 1) out += `${out ? '\n' : ''}${name}:\n`;
      out += entries.map((e) => `${e}\n`).join('');
    }
  }
  await call.io.stdout.write(out);
  return status;
};

const cd: Builtin = async (call) => {
  const target = call.args[0] ?? call.shell.vars.get('HOME') ?? '/';
  const path = resolvePath(call.shell.cwd, target);
  if (call.shell.fs.kind(path) !== 'dir') {
    await call.io.stderr.write(`sh: cd: can't cd to ${target}: No such file or directory\n`);
    return 2;
  }
  call.shell.cwd = path;
  return 0;
};

const wc: Builtin = async (call) => {
  const flags = call.args.filter((a) => /^-[clw]+$/.test(a)).join('');
  const files = call.args.filter((a) => !/^-[clw]+$/.test(a));
  const want = { l: flags.includes('l'), w: flags.includes('w'), c: flags.includes('c') };
  if (!flags) want.l = want.w = want.c = true;
  const columns = [want.l, want.w, want.c].filter(Boolean).length;
  const inputCall = { ...call, args: files };
  return eachInput(inputCall, async (name, read) => {
    let lines = 0;
    let words = 0;
    let bytes = 0;
    let inWord = false;
    await read((chunk) => {
      bytes += chunk.length;
      for (const byte of chunk) {
        if (byte === 0x0a) lines++;
        const blank = byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
        if (!blank && !inWord) words++;
        inWord = !blank;
      }
    });
    const counts = [want.l && lines, want.w && words, want.c && bytes].filter((v) => v !== false) as number[];
    const text = columns === 1 ? String(counts[0]) : counts.map((n) => String(n).padStart(7)).join(' ');
    await call.io.stdout.write(name === '-' ? `${text}\n` : `${text} ${name}\n`);
  });
};

const head: Builtin = async (call) => {
  let mode: 'c' | 'n' = 'n';
  let count = 10;
  const files: string[] = [];
  for (let i = 0; i < call.args.length; i++) {
    const arg = call.args[i];
    const value = /^-[cn]$/.test(arg) ? call.args[++i] : /^-[cn]\d+$/.test(arg) ? arg.slice(2) : /^-\d+$/.test(arg) ? arg.slice(1) : undefined;
    if (value === undefined) {
      files.push(arg);
      continue;
    }
    const n = parseCount(value);
    if (n === undefined) {
      await err(call, `invalid number '${value}'`);
      return 1;
    }
    mode = arg[1] === 'c' ? 'c' : 'n';
    count = n;
  }
  if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
    const leftover = await takeHead(call.io.stdin, call.signal, mode, count, (part) => call.io.stdout.write(part));
    // Unused input stays readable for whoever reads stdin next (an interactive shell's next line).
    if (leftover) call.io.stdin.unread(leftover);
    return 0;
  }
  return eachInput({ ...call, args: files }, async (_, read) => {
    await read(async (chunk) => {
      const end = mode === 'c' ? Math.min(count, chunk.length) : lineEnd(chunk, count);
      await call.io.stdout.write(chunk.subarray(0, end));
    });
  });
};

function lineEnd(chunk: Buffer, lines: number): number {
  let at = 0;
  for (let i = 0; i < lines; i++) {
    const nl = chunk.indexOf(0x0a, at);
    if (nl < 0) return chunk.length;
    at = nl + 1;
  }
  return at;
}

async function takeHead(
  input: Input,
  signal: AbortSignal,
  mode: 'c' | 'n',
  count: number,
  write: (part: Buffer) => Promise<void>,
): Promise<Buffer | undefined> {
  let left = count;
  while (left > 0) {
    const chunk = await input.read(signal);
    if (chunk === null) return undefined;
    const end = mode === 'c' ? Math.min(left, chunk.length) : lineEnd(chunk, left);
    if (mode === 'c') left -= end;
    else for (const byte of chunk.subarray(0, end)) if (byte === 0x0a) left--;
    await write(chunk.subarray(0, end));
    if (end < chunk.length) return chunk.subarray(end);
  }
  return undefined;
}

const sha256sum: Builtin = (call) =>
  eachInput(call, async (name, read) => {
    const hash = createHash('sha256');
    await read((chunk) => {
      hash.update(chunk);
    });
    await call.io.stdout.write(`${hash.digest('hex')}  ${name}\n`);
  });

/** Commands over the pod's files and stdin. */
export const fileCommands: Record<string, Builtin> = {
  cat,
  cd,
  head,
  ls,
  pwd: async (call) => {
    await call.io.stdout.write(`${call.shell.cwd}\n`);
    return 0;
  },
  sha256sum,
  wc,
};
