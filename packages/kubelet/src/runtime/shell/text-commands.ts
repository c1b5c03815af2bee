// Toy shell commands for text, variables and control flow: echo, printf, env, printenv, export, unset, read,
// test/[, exit, true, false, :.
import { ExitRequest, type Builtin, type CommandCall } from './command.ts';
import { readLine } from './io.ts';
import { resolvePath, type VirtualFs } from './vfs.ts';

function echoEscapes(text: string): { text: string; stop: boolean } {
  const stop = text.indexOf('\\c');
  const body = stop >= 0 ? text.slice(0, stop) : text;
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', e: '\x1b' };
  return { text: body.replace(/\\([ntr\\abe])/g, (_, c: string) => escapes[c]), stop: stop >= 0 };
}

const echo: Builtin = async (call) => {
  let args = call.args;
  let newline = true;
  let escapes = false;
  while (args.length && /^-[neE]+$/.test(args[0])) {
    if (args[0].includes('n')) newline = false;
    escapes = args[0].includes('e') ? true : args[0].includes('E') ? false : escapes;
    args = args.slice(1);
  }
  let text = args.join(' ');
  if (escapes) {
    const result = echoEscapes(text);
    text = result.text;
    if (result.stop) newline = false;
  }
  await call.io.stdout.write(newline ? `${text}\n` : text);
  return 0;
};

const printf: Builtin = async (call) => {
  const [format, ...args] = call.args;
  if (format === undefined) {
    await call.io.stderr.write('printf: usage: printf FORMAT [ARGUMENT...]\n');
    return 2;
  }
  const escaped = echoEscapes(format).text;
  let out = '';
  do {
    out += escaped.replace(/%([-0]?)(\d*)([sdicx%])/g, (_, flag: string, width: string, conv: string) => {
      if (conv === '%') return '%';
      const arg = args.shift() ?? '';
      let value = arg;
      if (conv === 'd' || conv === 'i') value = String(Math.trunc(Number(arg) || 0));
      else if (conv === 'x') value = (Math.trunc(Number(arg) || 0)).toString(16);
      else if (conv === 'c') value = arg.slice(0, 1);
      const w = Number(width || 0);
      return flag === '-' ? value.padEnd(w) : value.padStart(w, flag === '0' ? '0' : ' ');
    });
  } while (args.length > 0 && /%[-0]?\d*[sdicx]/.test(escaped));
  await call.io.stdout.write(out);
  return 0;
};

const printEnv = async (call: CommandCall) => {
  let text = '';
  for (const [name, value] of call.shell.vars) text += `${name}=${value}\n`;
  await call.io.stdout.write(text);
  return 0;
};

const env: Builtin = async (call) => {
  const overrides = new Map<string, string>();
  let i = 0;
  for (; i < call.args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(call.args[i]); i++) {
    const eq = call.args[i].indexOf('=');
    overrides.set(call.args[i].slice(0, eq), call.args[i].slice(eq + 1));
  }
  if (i === call.args.length) {
    for (const [name, value] of overrides) call.shell.vars.set(name, value);
    return printEnv(call);
  }
  return call.shell.spawn(call.args.slice(i), call.io, call.signal, overrides);
};

const printenv: Builtin = async (call) => {
  if (call.args.length === 0) return printEnv(call);
  let status = 0;
  for (const name of call.args) {
    const value = call.shell.vars.get(name);
    if (value === undefined) status = 1;
    else await call.io.stdout.write(`${value}\n`);
  }
  return status;
};

const exit: Builtin = async (call) => {
  const status = call.args.length ? Number.parseInt(call.args[0], 10) : call.shell.status;
  throw new ExitRequest(Number.isNaN(status) ? 2 : ((status % 256) + 256) % 256);
};

/** `test` / `[`: 0 true, 1 false, 2 usage error. */
export function evaluateTest(args: string[], fs: VirtualFs, cwd: string): number {
  const orAt = args.indexOf('-o');
  if (orAt > 0) return evaluateTest(args.slice(0, orAt), fs, cwd) === 0 || evaluateTest(args.slice(orAt + 1), fs, cwd) === 0 ? 0 : 1;
  const andAt = args.indexOf('-a', 1);
  if (andAt > 0 && args.length > 3) {
    return evaluateTest(args.slice(0, andAt), fs, cwd) === 0 && evaluateTest(args.slice(andAt + 1), fs, cwd) === 0 ? 0 : 1;
  }
  if (args[0] === '!' && args.length > 1) {
    const inner = evaluateTest(args.slice(1), fs, cwd);
    return inner === 2 ? 2 : 1 - inner;
  }
  const truth = (b: boolean) => (b ? 0 : 1);
  if (args.length === 0) return 1;
  if (args.length === 1) return truth(args[0] !== '');
  if (args.length === 2) {
    const [op, value] = args;
    const kind = () => fs.kind(resolvePath(cwd, value));
    switch (op) {
      case '-z':
        return truth(value === '');
      case '-n':
        return truth(value !== '');
      case '-e':
        return truth(kind() !== undefined);
      case '-f':
        return truth(kind() === 'file');
      case '-d':
        return truth(kind() === 'dir');
      case '-s':
        return truth((fs.read(resolvePath(cwd, value))?.length ?? 0) > 0);
    }
    return 2;
  }
  if (args.length === 3) {
    const [a, op, b] = args;
    if (op === '=' || op === '==') return truth(a === b);
    if (op === '!=') return truth(a !== b);
    const x = Number(a);
    const y = Number(b);
    if (!/^-?\d+$/.test(a.trim()) || !/^-?\d+$/.test(b.trim())) return 2;
    const compare: Record<string, boolean> = { '-eq': x === y, '-ne': x !== y, '-lt': x < y, '-le': x <= y, '-gt': x > y, '-ge': x >= y };
    return op in compare ? truth(compare[op]) : 2;
  }
  return 2;
}

const test: Builtin = async (call) => {
  let args = call.args;
  if (call.name === '[') {
    if (args[args.length - 1] !== ']') {
      await call.io.stderr.write('sh: [: missing ]\n');
      return 2;
    }
    args = args.slice(0, -1);
  }
  const status = evaluateTest(args, call.shell.fs, call.shell.cwd);
  if (status === 2) await call.io.stderr.write(`sh: ${call.name}: syntax error\n`);
  return status;
};

const exportVars: Builtin = async (call) => {
  if (call.args.length === 0) {
    let text = '';
    for (const [name, value] of call.shell.vars) text += `export ${name}='${value.replace(/'/g, `'"'"'`)}'\n`;
    await call.io.stdout.write(text);
    return 0;
  }
  for (const arg of call.args) {
    const eq = arg.indexOf('=');
    if (eq > 0) call.shell.vars.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  return 0;
};

const read: Builtin = async (call) => {
  const names = call.args.filter((a) => !a.startsWith('-'));
  const line = await readLine(call.io.stdin, call.signal);
  if (line === null) return 1;
  const fields = line.trim().split(/[ \t]+/);
  const targets = names.length ? names : ['REPLY'];
  targets.forEach((name, i) => {
    const value = i === targets.length - 1 ? fields.slice(i).join(' ') : (fields[i] ?? '');
    call.shell.vars.set(name, value);
  });
  return 0;
};

/** A command that prints fixed text and returns a fixed status. */
export const constant =
  (status: number, text = ''): Builtin =>
  async (call) => {
    if (text) await call.io.stdout.write(text);
    return status;
  };

/** Commands about text, variables and control flow. */
export const textCommands: Record<string, Builtin> = {
  ':': constant(0),
  '[': test,
  echo,
  env,
  exit,
  export: exportVars,
  false: constant(1),
  printenv,
  printf,
  read,
  test,
  true: constant(0),
  unset: async (call) => {
    for (const name of call.args) call.shell.vars.delete(name);
    return 0;
  },
};
