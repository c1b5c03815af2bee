// From probes to the attack catalogue (attacks.ts): which of the three kubelet attacks this scan carried out.
// Each is judged on the catalogue's own success sentence; exec counts a command's output over the WebSocket
// exec as well as /run, since either gives the caller a shell's worth of access.
import type { AttackOutcome } from '../attacks.ts';
import type { KubeletAttackId, ProbeName, ProbeResult } from './types.ts';

/** The probes whose exposure makes each attack succeed. */
export const ATTACK_PROBES: Readonly<Record<KubeletAttackId, readonly ProbeName[]>> = {
  'kubelet-anonymous-read': ['pods'],
  'kubelet-anonymous-exec': ['run', 'exec'],
  'kubelet-readonly-read': ['readonly-pods'],
};

/** `succeeds` for an attack when one of its probes was exposed, else `blocked`. */
export function summarizeAttacks(probes: readonly ProbeResult[]): Record<KubeletAttackId, AttackOutcome> {
  const exposed = new Set(probes.filter((p) => p.outcome === 'exposed').map((p) => p.probe));
  const outcome = (id: KubeletAttackId): AttackOutcome => (ATTACK_PROBES[id].some((p) => exposed.has(p)) ? 'succeeds' : 'blocked');
  return {
    'kubelet-anonymous-read': outcome('kubelet-anonymous-read'),
    'kubelet-anonymous-exec': outcome('kubelet-anonymous-exec'),
    'kubelet-readonly-read': outcome('kubelet-readonly-read'),
  };
}
