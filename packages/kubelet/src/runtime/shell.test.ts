import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isToyCommand, runShellProcess } from './shell.ts';
import { collector } from './testing.ts';

const files = new Map<string, string | Buffer>([
  ['/etc/hostname', 'web-0\n'],
  ['/etc/hosts', '127.0.0.1\tlocalhost\n127.244.250.9\tweb-0\n'],
  ['/var/run/secrets/kubernetes.io/serviceaccount/token', 'eyJtoken'],
  ['/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'default'],
]);
const config = { env: { HOME: '/root', PATH: '/bin', GREETING: 'hello' }, hostname: 'web-0', files };

async function sh(argv: string[], input?: string | Buffer, opts: { tty?: boolean } = {}) {
  const stdout = collector();
  const stderr = collector();
  const stdin = input === undefined ? null : new PassThrough().end(input);
  const status = await runShellProcess(config, argv, { stdin, stdout: stdout.stream, stderr: stderr.stream, tty: opts.tty, onlcr: opts.tty });
  return { status, out: stdout.text(), err: stderr.text() };
}
const script = (source: string, input?: string) => sh(['sh', '-c', source], input);

describe('toy shell builtins', () => {
  it('echoes, with -n and -e', async () => {
    expect(await script('echo hello   world; echo -n a; echo -e "b\\tc"')).toMatchObject({ status: 0, out: 'hello world\nab\tc\n' });
  });

  it('prints the environment with env and printenv', async () => {
    const { out } = await sh(['env']);
    expect(out.split('\n')).toEqual(expect.arrayContaining(['HOME=/root', 'GREETING=hello']));
    expect(await sh(['printenv', 'GREETING'])).toMatchObject({ status: 0, out: 'hello\n' });
    expect((await sh(['printenv', 'NOPE'])).status).toBe(1);
  });

  it('reads the pod files with cat and lists directories with ls', async () => {
    expect((await sh(['cat', '/etc/hostname'])).out).toBe('web-0\n');
    expect((await sh(['ls', '/var/run/secrets/kubernetes.io/serviceaccount'])).out).toBe('namespace\ntoken\n');
    expect((await sh(['ls', '/'])).out.split('\n')).toEqual(expect.arrayContaining(['etc', 'var', 'tmp']));
  });

  it('reports missing files the way busybox does', async () => {
    expect(await sh(['cat', '/nope'])).toMatchObject({ status: 1, err: "cat: can't open '/nope': No such file or directory\n" });
    expect(await sh(['ls', '/nope'])).toMatchObject({ status: 1, err: 'ls: /nope: No such file or directory\n' });
  });

  it('changes directory for pwd and relative paths', async () => {
    expect((await script('pwd; cd /var/run/secrets/kubernetes.io; pwd; cat serviceaccount/namespace')).out).toBe(
      '/\n/var/run/secrets/kubernetes.io\ndefault',
    );
  });

  it('answers hostname, whoami, id and date', async () => {
    const { out } = await script('hostname; hostname -i; whoami; id; date; date +%Y-%m-%dT%H:%M:%S');
    const lines = out.split('\n');
    expect(lines.slice(0, 4)).toEqual(['web-0', '127.244.250.9', 'root', 'uid=0(root) gid=0(root) groups=0(root)']);
    expect(lines[4]).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}$/);
    expect(lines[5]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it('counts, cuts and hashes stdin', async () => {
    expect((await sh(['wc', '-c'], 'hello world\n')).out).toBe('12\n');
    expect((await sh(['head', '-c', '5'], 'hello world\n')).out).toBe('hello');
    const data = Buffer.alloc(300_000, 'x');
    const expected = createHash('sha256').update(data).digest('hex');
    expect((await sh(['sha256sum'], data)).out).toBe(`${expected}  -\n`);
  });

  it('sleeps for the given seconds', async () => {
    const started = Date.now();
    expect((await sh(['sleep', '0.1'])).status).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect((await sh(['sleep', 'soon'])).status).toBe(1);
  });

  it('exits with the given status and with true/false', async () => {
    expect((await script('echo before; exit 7; echo after'))).toMatchObject({ status: 7, out: 'before\n' });
    expect((await sh(['true'])).status).toBe(0);
    expect((await sh(['false'])).status).toBe(1);
  });

  it('says "not found" with status 127 for an unknown command', async () => {
    expect(await sh(['foo', 'bar'])).toMatchObject({ status: 127, err: 'sh: foo: not found\n' });
    expect(await script('nosuch; echo status $?')).toMatchObject({ out: 'status 127\n', err: 'sh: nosuch: not found\n' });
  });

  it('never treats an absolute path outside the toy PATH as a command', async () => {
    expect((await sh(['/bin/echo', 'ok'])).out).toBe('ok\n');
    expect((await sh(['/usr/local/custom/rm', '-rf', '/'])).status).toBe(127);
    expect(isToyCommand('/tmp/evil')).toBe(false);
    expect(isToyCommand('sh')).toBe(true);
  });
});

describe('toy shell language', () => {
  it('sequences with ;, && and ||', async () => {
    expect((await script('false && echo no; true && echo yes; false || echo fallback')).out).toBe('yes\nfallback\n');
  });

  it('runs sh -c recursively with its own positional parameters', async () => {
    expect((await script(`sh -c 'echo $0 $1; exit 4'; echo "inner exited $?"`)).out).toBe('sh\ninner exited 4\n');
    expect((await sh(['sh', '-c', 'echo $0 $1 $#', 'name', 'first'])).out).toBe('name first 1\n');
  });

  it('pipes between commands, and yes stops when its reader leaves', async () => {
    expect((await script('echo abc | wc -c')).out).toBe('4\n');
    expect((await script('yes | head -c 7; echo; yes hi | head -n 2')).out).toBe('y\ny\ny\ny\nhi\nhi\n');
  });

  it('expands variables, defaults, command substitution and arithmetic', async () => {
    const result = await script('X="a  b"; echo $X "$X" ${UNSET:-dflt} $(echo sub) $((2 + 3 * 4)) $((7 / 2)) "$GREETING"');
    expect(result.out).toBe('a b a  b dflt sub 14 3 hello\n');
  });

  it('runs the Kubernetes counter example loop', async () => {
    const { out } = await script('i=0; while [ $i -lt 3 ]; do echo "$i: $(date +%Y)"; i=$((i+1)); done');
    expect(out).toMatch(/^0: \d{4}\n1: \d{4}\n2: \d{4}\n$/);
  });

  it('supports if/elif/else, until and for', async () => {
    const { out } = await script(
      'if false; then echo 1; elif [ a = a ]; then echo 2; else echo 3; fi; n=0; until [ $n -ge 2 ]; do n=$((n+1)); done; echo $n; for w in x "y z"; do echo "<$w>"; done',
    );
    expect(out).toBe('2\n2\n<x>\n<y z>\n');
  });

  it('reports syntax errors with status 2 and unsupported redirections plainly', async () => {
    expect(await script('echo "open')).toMatchObject({ status: 2, err: 'sh: syntax error: unterminated quoted string\n' });
    expect((await script('echo x > /tmp/f')).err).toMatch(/redirection ">" is not supported/);
    expect(await script('echo $((1/0))')).toMatchObject({ status: 2, err: 'sh: divide by zero\n' });
  });
});

describe('interactive toy shell', () => {
  it('exits 0 at once when it has no stdin', async () => {
    expect(await sh(['sh'])).toEqual({ status: 0, out: '', err: '' });
  });

  it('reads commands line by line without a prompt when stdin is not a tty', async () => {
    const result = await sh(['sh'], 'echo one\nread LINE\nfrom stdin\necho "got $LINE"\nexit 3\necho never\n');
    expect(result).toMatchObject({ status: 3, out: 'one\ngot from stdin\n' });
  });

  it('continues a command over several lines', async () => {
    expect((await sh(['sh'], 'for i in 1 2\ndo echo $i\ndone\n')).out).toBe('1\n2\n');
  });

  it('prompts, echoes keystrokes and translates newlines on a tty', async () => {
    const result = await sh(['sh'], 'echo hi\rexit 5\r', { tty: true });
    expect(result.status).toBe(5);
    expect(result.out).toContain('/ # ');
    expect(result.out).toContain('echo hi\r\n');
    expect(result.out).toContain('hi\r\n');
  });

  it('interrupts the running command on Ctrl-C and keeps the shell', async () => {
    const stdin = new PassThrough();
    const stdout = collector();
    const running = runShellProcess(config, ['sh'], { stdin, stdout: stdout.stream, tty: true, onlcr: true });
    stdin.write('sleep 60\r');
    await new Promise((resolve) => setTimeout(resolve, 100));
    stdin.write('\x03');
    stdin.write('echo status $?\r');
    stdin.end('\x04');
    expect(await running).toBe(0); // the status of the last command, `echo`
    expect(stdout.text()).toContain('^C\r\n');
    expect(stdout.text()).toContain('status 130\r\n');
  });

  it('serves exec-style argv directly: echo, cat and sha256sum of stdin', async () => {
    expect((await sh(['echo', 'hi'])).out).toBe('hi\n');
    expect((await sh(['cat'], 'piped')).out).toBe('piped');
  });
});
