import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/kubelet.js', import.meta.url));

function runKubelet(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 50_000 }, (err, stdout, stderr) => {
      // execFile reports the exit status as `code` on the error.
      const code: unknown = err ? (err as unknown as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

// Each spawn pays for loading TypeScript; run them side by side.
describe.concurrent('kubelet binary', { timeout: 60_000 }, () => {
  it('exits 1 with pflag wording on an unknown flag', async () => {
    const { code, stderr } = await runKubelet(['--foo']);
    expect(code).toBe(1);
    expect(stderr).toBe('Error: failed to parse kubelet flag: unknown flag: --foo\n');
  });

  it('prints help listing the flags and exits 0', async () => {
    const { code, stdout } = await runKubelet(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--hostname-override');
    expect(stdout).toContain('--read-only-port');
  });

  it('exits 1 with the validation problems of a bad configuration', async () => {
    const { code, stderr } = await runKubelet(['--node-ip=nope', '--hostname-override=n1']);
    expect(code).toBe(1);
    expect(stderr).toContain('invalid configuration: node IP (--node-ip) "nope" is not a valid IP address');
  });
});
