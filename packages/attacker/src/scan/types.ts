// The scanner's vocabulary: what one probe found, what one kubelet exposed, and how the scan authenticated.
import type { AttackId, AttackOutcome } from '../attacks.ts';

/** A probe's verdict: the kubelet answered it (`exposed`), refused who we are (`unauthenticated`, 401) or what
 * we asked (`denied`, 403), does not serve the path (`not-served`), or something else went wrong (`error`). */
export type ProbeOutcome = 'exposed' | 'denied' | 'unauthenticated' | 'error' | 'not-served';

/** Every probe, in report order: the HTTPS API first, then the read-only port. */
export const PROBES = [
  'healthz',
  'pods',
  'runningpods',
  'configz',
  'metrics',
  'container-logs',
  'run',
  'exec',
  'attach',
  'port-forward',
  'readonly-healthz',
  'readonly-pods',
  'readonly-stats-summary',
  'readonly-spec',
] as const;

/** One probe's name. */
export type ProbeName = (typeof PROBES)[number];

/** What one probe sent and what came back. */
export interface ProbeResult {
  probe: ProbeName;
  scheme: 'https' | 'http';
  port: number;
  /** GET for the WebSocket probes (exec, attach, port-forward), as a WebSocket client sends them. */
  method: 'GET' | 'POST';
  /** Path and query as sent. */
  path: string;
  /** The HTTP status (101 for an accepted upgrade); null when nothing answered. */
  status: number | null;
  outcome: ProbeOutcome;
  /** A short, single-line piece of proof: first bytes of the body, pod names, command output, echoed bytes. */
  evidence: string;
  /** WebSocket probes: the subprotocol the kubelet chose. */
  subprotocol?: string;
}

/** Credentials to present (all optional: without them the scan is anonymous). */
export interface ScanCredentials {
  /** A bearer token (a stolen ServiceAccount token, a user's token). */
  token?: string;
  /** A client certificate and its key (PEM). */
  clientCertificate?: string;
  clientKey?: string;
}

/** Who the scan was as far as the kubelet is concerned. */
export type ScanIdentity = 'anonymous' | 'bearer-token' | 'client-certificate';

/** The kubelet's serving certificate as seen without verifying it. */
export interface ServingCertificateInfo {
  /** Subject and issuer of the leaf, as Node prints distinguished names (`CN=node-1@1700000000`). */
  subject: string;
  issuer: string;
  /**
   * Nothing a client could already trust vouches for it: the leaf signs itself, or the chain the kubelet sent
   * ends in a root it generated next to the leaf (client-go's `<host>-ca@<unix>`, what a kubelet without
   * --tls-cert-file serves).
   */
  selfSigned: boolean;
  /** Subjects of every certificate the kubelet sent, leaf first. */
  chain: string[];
  dnsNames: string[];
  ipAddresses: string[];
  notAfter: string;
  fingerprint256: string;
}

/** The TLS handshake with the kubelet port. */
export type TlsObservation = { kind: 'ok'; certificate: ServingCertificateInfo } | { kind: 'failed'; error: string };

/** The container the command probes (logs, run, exec, attach) aimed at, and where its name came from. */
export interface ContainerTarget {
  namespace: string;
  pod: string;
  container: string;
  /** `pods`: read from the kubelet's /pods; `options`: given; `placeholder`: a made-up name, so a kubelet
   * that checks credentials first still answers 401/403. */
  source: 'pods' | 'options' | 'placeholder';
}

/** The pod and port the port-forward probe aimed at. */
export interface PortForwardTarget {
  namespace: string;
  pod: string;
  port: number;
  source: ContainerTarget['source'];
}

/** The three kubelet attacks of the catalogue a scan measures. */
export type KubeletAttackId = Extract<AttackId, 'kubelet-anonymous-read' | 'kubelet-anonymous-exec' | 'kubelet-readonly-read'>;

/** Everything one scan learned about one kubelet. */
export interface ScanReport {
  /** `host:port` of the HTTPS API. */
  target: string;
  host: string;
  port: number;
  /** The read-only port probed; null when none was (`readOnlyPort: 0`). */
  readOnlyPort: number | null;
  identity: ScanIdentity;
  startedAt: string;
  durationMs: number;
  tls: TlsObservation;
  /** `namespace/name` of every pod a readable /pods listed (either port). */
  pods: string[];
  containerTarget: ContainerTarget;
  portForwardTarget: PortForwardTarget;
  probes: ProbeResult[];
  /**
   * The catalogue's kubelet attacks as this scan measured them. With credentials, `kubelet-anonymous-*` say what
   * the credential opens, not what an anonymous caller gets (see `identity`).
   */
  attacks: Record<KubeletAttackId, AttackOutcome>;
}
