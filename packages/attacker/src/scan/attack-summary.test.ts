import { describe, expect, it } from 'vitest';
import { summarizeAttacks } from './attack-summary.ts';
import type { ProbeName, ProbeOutcome, ProbeResult } from './types.ts';

function result(probe: ProbeName, outcome: ProbeOutcome): ProbeResult {
  return { probe, scheme: 'https', port: 10250, method: 'GET', path: '/', status: null, outcome, evidence: '' };
}

describe('summarizeAttacks', () => {
  it('says blocked for every attack when nothing was exposed', () => {
    expect(summarizeAttacks([result('pods', 'unauthenticated'), result('run', 'denied'), result('readonly-pods', 'error')])).toEqual({
      'kubelet-anonymous-read': 'blocked',
      'kubelet-anonymous-exec': 'blocked',
      'kubelet-readonly-read': 'blocked',
    });
  });

  it('counts a WebSocket exec as command execution even when /run is not served', () => {
    const attacks = summarizeAttacks([result('pods', 'exposed'), result('run', 'not-served'), result('exec', 'exposed')]);
    expect(attacks['kubelet-anonymous-read']).toBe('succeeds');
    expect(attacks['kubelet-anonymous-exec']).toBe('succeeds');
    expect(attacks['kubelet-readonly-read']).toBe('blocked');
  });

  it('does not take /healthz for a read of pods', () => {
    expect(summarizeAttacks([result('healthz', 'exposed'), result('readonly-healthz', 'exposed')])['kubelet-anonymous-read']).toBe('blocked');
  });
});
