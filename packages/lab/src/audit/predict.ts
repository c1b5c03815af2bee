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
export const PER_NODE_ATTACKS: ReadonlySet<AttackId> = new Set(['kubelet-anonymous-read', 'kubelet-anonymous-exec', 'kubelet-readonly-read', 'mitm-read-output', 'nodes-proxy-exec']);

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
    case 'nodes-proxy-exec':
      return getNodesProxyExecs(api, kubelet!);
    case 'rogue-node':
      return rogueAnswers(api);
    case 'upgrade-redirect':
      return redirectFollowed(api);
    case 'token-replay':
      return { yes: false, because: ['bound-token'], reason: byDesign('token-replay') };
  }
}

/** A token bound only to `get nodes/proxy` (a monitoring agent's), on the kubelet's port. */
function getNodesProxyExecs(api: ApiserverFacts, k: KubeletFacts): Decided {
  const gate = k.websocketUpgradeCreatePermission.value;
  const verb = gate ? 'create' : 'get';
  const because = ['4.2.1', '4.2.2', `KubeletWebsocketUpgradeCreatePermission=${gate}`];
  const subject: Subject | undefined = k.authenticationTokenWebhook.value ? 'token-holder' : k.anonymousAuth.value ? 'anonymous' : undefined;
  if (!subject) return { yes: false, because, reason: `${k.node}'s kubelet checks no bearer tokens and refuses requests without other credentials (401).` };
  const who = subject === 'token-holder' ? 'the token\'s ServiceAccount (a TokenReview)' : 'system:anonymous (it checks no bearer tokens)';
  const upgrade = gate ? 'with KubeletWebsocketUpgradeCreatePermission a WebSocket exec needs `create`' : 'a WebSocket exec starts as a GET, so it is authorized as `get`';
  if (k.authorizationMode.value === 'AlwaysAllow') {
    return { yes: true, because, reason: `${k.node}'s kubelet takes the request as ${who} and its AlwaysAllow authorizer allows it, whatever the verb.` };
  }
  const verdict = apiserverVerdict(api.authorizationModes.value, subject, verb);
  const modes = api.authorizationModes.value.join(',');
  const subjectName = subject === 'token-holder' ? 'the ServiceAccount' : 'system:anonymous';
  return verdict === 'allow'
    ? { yes: true, because: [...because, '1.2.6'], reason: `${k.node}'s kubelet takes the request as ${who}; ${upgrade}, and the apiserver's ${modes} authorization allows ${subjectName} to ${verb} nodes/proxy.` }
    : { yes: false, because: [...because, '1.2.6'], reason: `${k.node}'s kubelet takes the request as ${who}; ${upgrade}, which the apiserver's ${modes} authorization does not allow (403).` };
}

/** Whether the apiserver, dialling a node, completes TLS with a rogue node's cluster-signed certificate. */
function rogueAnswers(api: ApiserverFacts): Decided {
  const because = ['1.2.5', `egress=${api.egress.value}`];
  if (api.egress.value !== 'direct') return { yes: false, because, reason: `The apiserver reaches kubelets through the ${tunnel(api)}; a rogue answering on the node network is never dialled.` };
  if (!api.kubeletCertificateAuthority.value) {
    return { yes: true, because, reason: 'The apiserver does not verify kubelet serving certificates, so it takes any answer at the node\'s address, the rogue node\'s included.' };
  }
  const gate = api.kubeletCertCNValidation.value;
  const withGate = [...because, `KubeletCertCNValidation=${gate}`];
  return gate
    ? { yes: false, because: withGate, reason: 'KubeletCertCNValidation asks whose certificate it is: CN system:node:<rogue> is not the node dialled, so the apiserver hangs up.' }
    : { yes: true, because: withGate, reason: '--kubelet-certificate-authority checks the chain and the address, and the rogue\'s cluster-signed certificate lists the victim\'s address: nothing asks whose certificate it is.' };
}

function redirectFollowed(api: ApiserverFacts): Decided {
  const reached = rogueAnswers(api);
  const because = ['CVE-2020-8559', ...reached.because];
  return reached.yes
    ? { yes: false, because, reason: `The malicious kubelet is dialled and answers the exec upgrade with a redirect, but ${lowerFirst(byDesign('upgrade-redirect'))}` }
    : { yes: false, because, reason: `No malicious kubelet is dialled: ${lowerFirst(reached.reason)} (and since the CVE-2020-8559 fix a redirect would not be followed anyway).` };
}

function byDesign(attack: AttackId): string {
  return ATTACKS.find((a) => a.id === attack)!.blockedByDesign!;
}

/** Whom a kubelet takes the request for. */
type Subject = 'token-holder' | 'anonymous';

/**
 * The apiserver's answer to a kubelet's SubjectAccessReview on nodes/proxy, in --authorization-mode order: the
 * token holder is granted `get nodes/proxy` by RBAC (the attack's premise) and nothing else; system:anonymous
 * nothing; Node has no opinion on either.
 */
function apiserverVerdict(modes: readonly string[], subject: Subject, verb: 'get' | 'create'): 'allow' | 'deny' | 'no-opinion' {
  for (const mode of modes) {
    if (mode === 'AlwaysAllow') return 'allow';
    if (mode === 'AlwaysDeny') return 'deny';
    if (mode === 'RBAC' && subject === 'token-holder' && verb === 'get') return 'allow';
  }
  return 'no-opinion';
}

/** Whether a kubelet serves a request that carries no credentials at all. */
function kubeletServesAnonymous(api: ApiserverFacts, k: KubeletFacts): Decided {
  if (!k.anonymousAuth.value) {
    return { yes: false, because: ['4.2.1'], reason: `${k.node}'s kubelet refuses requests without credentials (401).` };
  }
  if (k.authorizationMode.value === 'AlwaysAllow') {
    return { yes: true, because: ['4.2.1', '4.2.2'], reason: `${k.node}'s kubelet takes requests without credentials as system:anonymous and its AlwaysAllow authorizer lets them do anything.` };
  }
  const verdict = apiserverVerdict(api.authorizationModes.value, 'anonymous', 'get');
  const modes = api.authorizationModes.value.join(',');
  return verdict === 'allow'
    ? { yes: true, because: ['4.2.1', '4.2.2', '1.2.6'], reason: `${k.node}'s kubelet asks the apiserver about system:anonymous, and the apiserver's ${modes} authorization allows it (AlwaysAllow answers first).` }
    : {
        yes: false,
        because: ['4.2.1', '4.2.2', '1.2.6'],
        reason: `${k.node}'s kubelet asks the apiserver about system:anonymous, and the apiserver's ${modes} authorization ${verdict === 'deny' ? 'denies it (AlwaysDeny answers first)' : 'gives it nothing'} (403).`,
      };
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
