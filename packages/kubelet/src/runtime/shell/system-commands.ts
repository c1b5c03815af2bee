// Toy shell commands about the system: hostname, id, whoami, uname, date, sleep, and the generators yes, seq.
import { err, type Builtin } from './command.ts';
import { InterruptedError } from './io.ts';
import { constant } from './text-commands.ts';

const hostname: Builtin = async (call) => {
  if (call.args[0] === '-i') {
    const hosts = call.shell.fs.read('/etc/hosts')?.toString() ?? '';
    const line = hosts.split('\n').find((l) => l.split(/\s+/).slice(1).includes(call.shell.hostname));
    if (!line) {
      await err(call, `${call.shell.hostname}: Unknown host`);
      return 1;
    }
    await call.io.stdout.write(`${line.split(/\s+/)[0]}\n`);
    return 0;
  }
  await call.io.stdout.write(`${call.shell.hostname}\n`);
  return 0;
};

const SLEEP_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

const sleep: Builtin = async (call) => {
  let seconds = 0;
  for (const arg of call.args) {
    const match = /^(\d+(?:\.\d*)?|\.\d+|inf|infinity)([smhd]?)$/.exec(arg);
    if (!match) {
      await err(call, `invalid number '${arg}'`);
      return 1;
    }
    seconds += match[1].startsWith('inf') ? Infinity : Number(match[1]) * SLEEP_UNITS[match[2]];
  }
  if (call.args.length === 0) {
    await call.io.stderr.write('sleep: missing operand\n');
    return 1;
  }
  // setTimeout cannot wait longer than ~24.8 days; longer sleeps are waited in slices.
  for (let left = seconds * 1000; left > 0; left -= 2 ** 31 - 1) {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new InterruptedError());
      };
      const timer = setTimeout(() => {
        call.signal.removeEventListener('abort', onAbort);
        resolve();
      }, Math.min(left, 2 ** 31 - 1));
      call.signal.addEventListener('abort', onAbort, { once: true });
      if (call.signal.aborted) onAbort();
    });
  }
  return 0;
};

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Formats a UTC date with the strftime subset `date +FORMAT` accepts. */
export function formatDate(d: Date, format: string): string {
  const p = (n: number, w = 2, fill = '0') => String(n).padStart(w, fill);
  const fields: Record<string, () => string> = {
    Y: () => String(d.getUTCFullYear()),
    m: () => p(d.getUTCMonth() + 1),
    d: () => p(d.getUTCDate()),
    e: () => p(d.getUTCDate(), 2, ' '),
    H: () => p(d.getUTCHours()),
    M: () => p(d.getUTCMinutes()),
    S: () => p(d.getUTCSeconds()),
    N: () => p(d.getUTCMilliseconds(), 3) + '000000',
    s: () => String(Math.floor(d.getTime() / 1000)),
    a: () => DAYS[d.getUTCDay()],
    b: () => MONTHS[d.getUTCMonth()],
    Z: () => 'UTC',
    z: () => '+0000',
    T: () => `${fields.H()}:${fields.M()}:${fields.S()}`,
    F: () => `${fields.Y()}-${fields.m()}-${fields.d()}`,
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (whole, c: string) => fields[c]?.() ?? whole);
}

const date: Builtin = async (call) => {
  const now = new Date();
  const custom = call.args.find((a) => a.startsWith('+'));
  const iso = call.args.find((a) => a.startsWith('-I'));
  const text = custom
    ? formatDate(now, custom.slice(1))
    : iso
      ? formatDate(now, '%Y-%m-%dT%H:%M:%S+00:00')
      : formatDate(now, '%a %b %e %T %Z %Y');
  await call.io.stdout.write(`${text}\n`);
  return 0;
};

const yes: Builtin = async (call) => {
  const line = `${call.args.length ? call.args.join(' ') : 'y'}\n`;
  // Writing blocks, not lines, keeps the per-write overhead small; every write still waits for the reader.
  const block = Buffer.from(line.repeat(Math.max(1, Math.floor(8192 / line.length))));
  for (;;) {
    if (call.signal.aborted) throw new InterruptedError();
    await call.io.stdout.write(block);
  }
};

const seq: Builtin = async (call) => {
  const nums = call.args.map(Number);
  if (nums.length === 0 || nums.length > 3 || nums.some(Number.isNaN)) {
    await call.io.stderr.write('seq: usage: seq [FIRST [INCREMENT]] LAST\n');
    return 1;
  }
  const [first, step, last] = nums.length === 1 ? [1, 1, nums[0]] : nums.length === 2 ? [nums[0], 1, nums[1]] : nums;
  if (step === 0) return 1;
  let out = '';
  for (let n = first; step > 0 ? n <= last : n >= last; n += step) {
    out += `${n}\n`;
    if (out.length >= 8192) {
      await call.io.stdout.write(out);
      out = '';
      if (call.signal.aborted) throw new InterruptedError();
    }
  }
  await call.io.stdout.write(out);
  return 0;
};

const uname: Builtin = async (call) => {
  const all = ['Linux', call.shell.hostname, '6.1.0-hubspoke', '#1 SMP', 'x86_64', 'GNU/Linux'];
  const pick: Record<string, number> = { '-s': 0, '-n': 1, '-r': 2, '-v': 3, '-m': 4, '-o': 5 };
  const wanted = call.args.includes('-a') ? all : call.args.length ? call.args.map((a) => all[pick[a] ?? 0]) : [all[0]];
  await call.io.stdout.write(`${wanted.join(' ')}\n`);
  return 0;
};

/** Commands about the (toy) system: host, user, time and generators. */
export const systemCommands: Record<string, Builtin> = {
  date,
  hostname,
  id: constant(0, 'uid=0(root) gid=0(root) groups=0(root)\n'),
  seq,
  sleep,
  uname,
  whoami: constant(0, 'root\n'),
  yes,
};
