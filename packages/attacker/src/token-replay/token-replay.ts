// `token-replay`: a ServiceAccount token read out of a pod (its projected
// /var/run/secrets/kubernetes.io/serviceaccount/token) presented to the apiserver by someone else. The token is
// bound to its pod: while the pod exists the apiserver accepts it from anywhere (who holds it is who it is);
// once the pod is deleted, the same still-unexpired token is refused with 401 Unauthorized. The replay asks
// the apiserver who the token is (a SelfSubjectReview, which every authenticated user may create), so the
// answer names the identity the attacker borrowed.
import https from 'node:https';

/** Where and what to replay. */
export interface TokenReplayOptions {
  /** The apiserver, `https://host:port`. */
  server: string;
  token: string;
  /** The cluster CA (PEM); absent = the apiserver's certificate is not verified (an attacker's habit). */
  caCert?: string;
  timeoutMs?: number;
}

/** Who the apiserver took the token for. */
export interface ReplayedIdentity {
  username: string;
  uid?: string;
  groups: string[];
  /** `authentication.kubernetes.io/pod-name` and friends: the pod the token is bound to. */
  extra: Record<string, string[]>;
}

/** The replay's outcome, with the apiserver's status code and text. */
export type TokenReplayResult =
  | { outcome: 'accepted'; status: number; user: ReplayedIdentity }
  | { outcome: 'rejected'; status: 401; text: string }
  | { outcome: 'refused'; status: number; text: string }
  | { outcome: 'error'; error: string };

const REVIEW_PATH = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const DEFAULT_TIMEOUT_MS = 10_000;

/** Present `token` to the apiserver; never rejects. */
export async function replayToken(options: TokenReplayOptions): Promise<TokenReplayResult> {
  const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  const answer = await post(options, body);
  if (answer.kind === 'failed') return { outcome: 'error', error: answer.error };
  const parsed = parseJson(answer.body);
  if (answer.status === 201 || answer.status === 200) {
    const info = (parsed?.status as { userInfo?: Partial<ReplayedIdentity> } | undefined)?.userInfo ?? {};
    return {
      outcome: 'accepted',
      status: answer.status,
      user: { username: info.username ?? '', ...(info.uid ? { uid: info.uid } : {}), groups: info.groups ?? [], extra: info.extra ?? {} },
    };
  }
  const text = typeof parsed?.message === 'string' ? parsed.message : answer.body.trim();
  if (answer.status === 401) return { outcome: 'rejected', status: 401, text };
  return { outcome: 'refused', status: answer.status, text };
}

/** One line for people: the outcome, the status and who or why. */
export function formatReplay(result: TokenReplayResult): string {
  switch (result.outcome) {
    case 'accepted':
      return `accepted (${result.status}): the token is ${result.user.username}${boundPod(result.user)}`;
    case 'rejected':
    case 'refused':
      return `${result.outcome} (${result.status}): ${result.text}`;
    case 'error':
      return `error: ${result.error}`;
  }
}

function boundPod(user: ReplayedIdentity): string {
  const pod = user.extra['authentication.kubernetes.io/pod-name']?.[0];
  return pod ? `, bound to pod ${pod}` : '';
}

type Answer = { kind: 'answered'; status: number; body: string } | { kind: 'failed'; error: string };

function post(options: TokenReplayOptions, body: string): Promise<Answer> {
  return new Promise((resolve) => {
    const url = new URL(REVIEW_PATH, options.server);
    const req = https.request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', accept: 'application/json' },
        ...(options.caCert ? { ca: options.caCert } : { rejectUnauthorized: false }),
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ kind: 'answered', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => resolve({ kind: 'failed', error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)));
    req.on('error', (err) => resolve({ kind: 'failed', error: err.message }));
    req.end(body);
  });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
