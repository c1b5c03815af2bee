import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardLab, parseDashboardArgs, type DashboardLabFlags } from './dashboard-command.ts';

let dir: string;
let compose: DashboardLabFlags;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dashboard-command-'));
  compose = {
    dir: '.hubspoke',
    composeFile: join(dir, 'docker-compose.yml'),
    composeEnvFile: join(dir, '.env'),
    certsDir: join(dir, 'certs'),
    kubeconfig: join(dir, 'certs/admin.conf'),
    server: 'https://172.28.0.10:443',
    attackerUrl: 'http://172.28.0.2:7071',
  };
  await writeFile(compose.composeFile!, 'services: {}\n');
  await writeFile(compose.composeEnvFile!, '');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('dashboardLab', () => {
  it('shows the lab in --dir by default', async () => {
    expect(await dashboardLab({ dir: '.hubspoke' }, false)).toEqual({ kind: 'dir', dir: resolve('.hubspoke'), description: `the lab in ${resolve('.hubspoke')}` });
  });

  it('shows a compose lab with --compose-file and its companions', async () => {
    const lab = await dashboardLab(compose, false);
    expect(lab).toMatchObject({ kind: 'compose', description: `the docker-compose lab of ${compose.composeFile}` });
    if (lab.kind === 'compose') lab.source.close();
  });

  it('refuses flags that do not fit together, saying which', async () => {
    await expect(dashboardLab(compose, true)).rejects.toThrow('--dir and --compose-file cannot be used together');
    await expect(dashboardLab({ ...compose, certsDir: undefined, kubeconfig: undefined }, false)).rejects.toThrow(
      'a compose lab needs --compose-file, --compose-env-file, --certs-dir, --kubeconfig: missing --certs-dir, --kubeconfig',
    );
    await expect(dashboardLab({ dir: '.hubspoke', server: 'https://172.28.0.10:443' }, false)).rejects.toThrow('--server is for a compose lab: add --compose-file');
    await expect(dashboardLab({ ...compose, composeEnvFile: join(dir, 'nope.env') }, false)).rejects.toThrow(`--compose-env-file ${join(dir, 'nope.env')}: no such file`);
    await expect(dashboardLab({ ...compose, attackerUrl: '172.28.0.2:7071' }, false)).rejects.toThrow('--attacker-url "172.28.0.2:7071" is not a URL');
  });
});

describe('parseDashboardArgs', () => {
  it('parses the compose service\'s command line as the bin does, opening nothing', () => {
    const parsed = parseDashboardArgs(['--compose-file=/hubspoke/docker-compose.yml', '--compose-env-file=/hubspoke/.env', '--certs-dir=/certs', '--kubeconfig=/certs/admin.conf', '--port=7070', '--address=0.0.0.0']);
    expect(parsed).toMatchObject({ kind: 'run', dirGiven: false, flags: { composeFile: '/hubspoke/docker-compose.yml', composeEnvFile: '/hubspoke/.env', port: 7070, address: '0.0.0.0' } });
    expect(parseDashboardArgs([])).toMatchObject({ kind: 'run', flags: { dir: '.hubspoke', port: 7070, address: '127.0.0.1' } });
  });

  it('refuses unknown flags, bad ports and flags that do not fit together', () => {
    expect(parseDashboardArgs(['--env-file=.env'])).toMatchObject({ kind: 'error', message: expect.stringContaining("unknown option '--env-file=.env'") });
    expect(parseDashboardArgs(['--port=http'])).toMatchObject({ kind: 'error', message: expect.stringContaining('http is not a port') });
    expect(parseDashboardArgs(['--dir=x', '--compose-file=y', '--compose-env-file=z', '--certs-dir=c', '--kubeconfig=k'])).toEqual({
      kind: 'error',
      message: 'error: --dir and --compose-file cannot be used together: --dir follows the lab `hubspoke up` runs, --compose-file a docker-compose lab',
    });
    expect(parseDashboardArgs(['--help'])).toMatchObject({ kind: 'help', text: expect.stringContaining('--compose-env-file <file>') });
  });
});
