// The mitm command line as compose gives it (parseMitmArgs is what the bin runs, without running anything).
import { describe, expect, it } from 'vitest';
import { parseMitmArgs } from '../bin/mitm-command.ts';

describe('parseMitmArgs', () => {
  it('reads the router attacker of docker-compose.yml: route interception, captures address, victim', () => {
    const parsed = parseMitmArgs(['--upstream=172.28.1.11:10250', '--intercept-route', '--source-address=172.28.1.2', '--victim=node-1', '--output=/captures/node-1.jsonl', '--captures-address=0.0.0.0:7071']);
    expect(parsed).toEqual({
      kind: 'run',
      flags: {
        upstream: { host: '172.28.1.11', port: 10250 },
        interceptRoute: true,
        sourceAddress: '172.28.1.2',
        victim: 'node-1',
        output: '/captures/node-1.jsonl',
        capturesAddress: { host: '0.0.0.0', port: 7071 },
        logLevel: 'warn',
      },
    });
  });

  it('wants --listen unless it intercepts routes, and a source address when it does', () => {
    expect(parseMitmArgs(['--upstream=127.0.0.1:10250'])).toMatchObject({ kind: 'error', message: expect.stringContaining('--listen') });
    expect(parseMitmArgs(['--upstream=10.0.0.1:10250', '--intercept-route'])).toMatchObject({ kind: 'error', message: expect.stringContaining('--source-address') });
    expect(parseMitmArgs(['--upstream=10.0.0.1:10250', '--intercept-route', '--source-address=10.0.0.2', '--listen=0.0.0.0:443'])).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('--upstream port'),
    });
    expect(parseMitmArgs(['--listen=127.0.0.1:1', '--upstream=127.0.0.1:2', '--tls-cert-file=x'])).toMatchObject({ kind: 'error', message: expect.stringContaining('go together') });
  });

  it('refuses bad values and unknown flags, and answers --help', () => {
    expect(parseMitmArgs(['--listen=127.0.0.1:1', '--upstream=127.0.0.1:2', '--captures-address=7071'])).toMatchObject({ kind: 'error', message: expect.stringContaining('host:port') });
    expect(parseMitmArgs(['--listen=127.0.0.1:1', '--upstream=127.0.0.1:2', '--tproxy'])).toMatchObject({ kind: 'error', message: expect.stringContaining('--tproxy') });
    const help = parseMitmArgs(['--help']);
    expect(help.kind).toBe('help');
    expect((help as { text: string }).text).toMatch(/--intercept-route[\s\S]*--captures-address <host:port>[\s\S]*--victim <node>/);
  });
});
