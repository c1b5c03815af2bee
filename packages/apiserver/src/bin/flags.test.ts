import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addClusterSigningFlags, parseDuration } from './flags.ts';

const parse = (...args: string[]) => {
  const program = addClusterSigningFlags(new Command('kube-apiserver').exitOverride().configureOutput({ writeErr: () => {} }));
  program.parse(args, { from: 'user' });
  return program.opts();
};

describe('cluster signing flags', () => {
  it('parses kube-controller-manager\'s signing flags, with the duration in milliseconds', () => {
    expect(
      parse('--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt', '--cluster-signing-key-file', '/etc/kubernetes/pki/ca.key', '--cluster-signing-duration=720h0m0s'),
    ).toEqual({
      clusterSigningCertFile: '/etc/kubernetes/pki/ca.crt',
      clusterSigningKeyFile: '/etc/kubernetes/pki/ca.key',
      clusterSigningDuration: 720 * 3_600_000,
    });
  });

  it('defaults the signing duration to 8760h0m0s and says so in the help', () => {
    expect(parse()).toEqual({ clusterSigningDuration: 8760 * 3_600_000 });
    const help = addClusterSigningFlags(new Command('kube-apiserver')).helpInformation();
    expect(help).toContain('(default: 8760h0m0s)');
    expect(help).toContain('kube-controller-manager flag (this apiserver runs the built-in controllers)');
  });

  it('rejects a duration Go would not parse', () => {
    expect(() => parse('--cluster-signing-duration=1y')).toThrow('time: invalid duration "1y"');
  });
});

describe('parseDuration', () => {
  it('reads Go durations with mixed units', () => {
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('5s')).toBe(5_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('0')).toBe(0);
  });
});
