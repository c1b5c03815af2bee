// What each attack of the catalogue (@hubspoke/attacker) will do against a configuration, reasoned from the
// same rules the running system follows, so that the flag matrix can hold prediction and measurement to each
// other. Anonymous kubelet access depends on both sides: a Webhook kubelet asks the apiserver about
// system:anonymous, and the apiserver's authorizers answer in --authorization-mode order (AlwaysAllow allows,
// AlwaysDeny denies, Node and RBAC have no opinion about system:anonymous under the default RBAC policy).
import { ATTACKS, type AttackId, type AttackOutcome } from '@hubspoke/attacker';
import type { ApiserverFacts, AuditedConfiguration, KubeletFacts } from './configuration.ts';

/** One attack's predicted outcome, on one node when it depends on the node's kubelet. */
export interface Prediction {
  attack: AttackId;
  node?: string;
  outcome: AttackOutcome;
  /** The control ids (`4.2.1`) and facts (`egress=direct`) that decide it. */
  because: string[];
  /** One sentence for people. */
  reason: string;
}

// A decision with what decided it.
interface Decided {
  yes: boolean;
  because: string[];
  reason: string;
}

/** The attacks that depend on a kubelet's own settings are predicted per node; the rest once. */
export const PER_NODE_ATTACKS: ReadonlySet<AttackId> = new Set(['kubelet-anonymous-read', 'kubelet-anonymous-exec', 'kubelet-readonly-read', 'mitm-read-output']);

/** Every attack of the catalogue, in its order, per node where that matters. */
export function predictAttacks(config: AuditedConfiguration): Prediction[] {
  const { apiserver } = config;
  return ATTACKS.flatMap(({ id }) =>
    PER_NODE_ATTACKS.has(id)
      ? config.kubelets.map((k) => prediction(id, decide(id, apiserver, k), k.node))
      : [prediction(id, decide(id, apiserver))],
  );
}

function prediction(attack: AttackId, d: Decided, node?: string): Prediction {
  return { attack, ...(node === undefined ? {} : { node }), outcome: d.yes ? 'succeeds' : 'blocked', because: d.because, reason: d.reason };
}

function decide(attack: AttackId, api: ApiserverFacts, kubelet?: KubeletFacts): Decided {
  switch (attack) {
    case 'kubelet-anonymous-read':
    case 'kubelet-anonymous-exec':
      return kubeletServesAnonymous(api, kubelet!);
    case 'kubelet-readonly-read':
      return kubelet!.readOnlyPort.value !== 0
        ? { yes: true, because: ['4.2.4'], reason: `${kubelet!.node}'s kubelet serves its read-only port ${kubelet!.readOnlyPort.value}, which has no authentication at all.` }
        : { yes: false, because: ['4.2.4'], reason: `${kubelet!.node}'s kubelet has its read-only port off.` };
    case 'mitm-observe':
      return mitmObserves(api);
    case 'mitm-read-output':
      return mitmReadsOutput(api, kubelet!);
    case 'proxy-sniff':
      return api.egress.value === 'direct'
        ? { yes: true, because: ['egress=direct'], reason: 'The apiserver dials pods directly and pods/<name>/proxy is plain HTTP, so the request and the answer cross the network readable (C11).' }
        : { yes: false, because: [`egress=${api.egress.value}`], reason: `Proxied pod traffic travels inside the ${tunnel(api)}, which the observer cannot read.` };
    case 'proxy-impersonate':
      return api.egress.value === 'direct'
        ? { yes: true, because: ['egress=direct'], reason: 'With the https: prefix the apiserver dials the pod directly and does not verify its certificate (C12), so it accepts the impersonator\'s answer.' }
        : { yes: false, because: [`egress=${api.egress.value}`], reason: `The apiserver reaches the pod through the ${tunnel(api)}; an impersonator on the network is never dialled.` };
  }
}

/** Whether a kubelet serves a request that carries no credentials at all. */
function kubeletServesAnonymous(api: ApiserverFacts, k: KubeletFacts): Decided {
  if (!k.anonymousAuth.value) {
    return { yes: false, because: ['4.2.1'], reason: `${k.node}'s kubelet refuses requests without credentials (401).` };
  }
  if (k.authorizationMode.value === 'AlwaysAllow') {
    return { yes: true, because: ['4.2.1', '4.2.2'], reason: `${k.node}'s kubelet takes requests without credentials as system:anonymous and its AlwaysAllow authorizer lets them do anything.` };
  }
  const verdict = apiserverVerdictOnAnonymous(api.authorizationModes.value);
  const modes = api.authorizationModes.value.join(',');
  return verdict === 'allow'
    ? { yes: true, because: ['4.2.1', '4.2.2', '1.2.6'], reason: `${k.node}'s kubelet asks the apiserver about system:anonymous, and the apiserver's ${modes} authorization allows it (AlwaysAllow answers first).` }
    : {
        yes: false,
        because: ['4.2.1', '4.2.2', '1.2.6'],
        reason: `${k.node}'s kubelet asks the apiserver about system:anonymous, and the apiserver's ${modes} authorization ${verdict === 'deny' ? 'denies it (AlwaysDeny answers first)' : 'gives it nothing'} (403).`,
      };
}

/** The apiserver's answer to a SubjectAccessReview for system:anonymous on nodes/proxy. */
function apiserverVerdictOnAnonymous(modes: readonly string[]): 'allow' | 'deny' | 'no-opinion' {
  for (const mode of modes) {
    if (mode === 'AlwaysAllow') return 'allow';
    if (mode === 'AlwaysDeny') return 'deny';
  }
  return 'no-opinion';
}

function mitmObserves(api: ApiserverFacts): Decided {
  const because = ['1.2.5', `egress=${api.egress.value}`];
  if (api.egress.value !== 'direct') {
    const ssh = api.egress.value === 'ssh' && !api.sshKnownHosts.value ? ' (but node host keys are not checked: see egress.ssh-known-hosts)' : '';
    return { yes: false, because, reason: `The apiserver reaches kubelets through the ${tunnel(api)}, so an attacker on the path sees only the tunnel${ssh}.` };
  }
  if (api.kubeletCertificateAuthority.value) {
    return { yes: false, because, reason: 'The apiserver verifies kubelet serving certificates against --kubelet-certificate-authority and refuses the attacker\'s.' };
  }
  return { yes: true, because, reason: 'The apiserver dials kubelets directly and does not verify their serving certificates, so it completes TLS with the attacker\'s (C9).' };
}

function mitmReadsOutput(api: ApiserverFacts, k: KubeletFacts): Decided {
  const observe = mitmObserves(api);
  if (!observe.yes) return { yes: false, because: observe.because, reason: `There is no man in the middle to relay: ${lowerFirst(observe.reason)}` };
  const serves = kubeletServesAnonymous(api, k);
  const because = [...observe.because, ...serves.because];
  return serves.yes
    ? { yes: true, because, reason: `The attacker reads the apiserver's requests and relays them with its own anonymous connection, which ${k.node}'s kubelet serves, so log text and command output reach it in plaintext.` }
    : { yes: false, because, reason: `The attacker reads the apiserver's requests but cannot present the apiserver's client certificate, and ${lowerFirst(serves.reason)}` };
}

function tunnel(api: ApiserverFacts): string {
  return api.egress.value === 'ssh' ? 'SSH tunnel to the node' : 'Konnectivity tunnel (the agent\'s TLS connection from the node)';
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}
