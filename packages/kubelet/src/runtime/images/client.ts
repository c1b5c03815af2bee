// hubspoke/client: a pod that talks to the apiserver the way in-cluster clients do: the projected
// ServiceAccount token and CA, and the `kubernetes` Service from KUBERNETES_SERVICE_HOST/PORT.
import { request } from 'node:https';
import { intFromEnv, type ProgramContext, type ToyImage } from '../program.ts';

/** Where Kubernetes projects the ServiceAccount volume. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

interface ApiResponse {
  status: number;
  statusText: string;
  body: unknown;
}

type Attempt = { kind: 'ok'; line: string } | { kind: 'error'; line: string };

/**
 * Every INTERVAL_MS (default 5000): asks who it is (SelfSubjectReview) and lists the pods of its namespace
 * over HTTPS, verifying the apiserver with the projected ca.crt. Logs `listed N pods as <user>` on stdout or
 * `error: …` on stderr (e.g. `error: 403 Forbidden: <message>`), and keeps going.
 */
export const clientImage: ToyImage = {
  name: 'hubspoke/client',
  description: 'in-cluster API client using the ServiceAccount token and the kubernetes Service',
  sigterm: 'handle',
  async run(ctx) {
    const interval = intFromEnv(ctx.env, 'INTERVAL_MS', 5000);
    do {
      const attempt = await listPods(ctx).catch((err: Error): Attempt => ({ kind: 'error', line: `error: ${err.message}` }));
      await ctx.print(`${attempt.line}\n`, attempt.kind === 'ok' ? 'stdout' : 'stderr');
    } while (await ctx.sleep(interval));
    return 0;
  },
};

async function listPods(ctx: ProgramContext): Promise<Attempt> {
  const host = ctx.env.KUBERNETES_SERVICE_HOST;
  const port = ctx.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return { kind: 'error', line: 'error: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set' };
  const file = (name: string) => ctx.files.get(`${SERVICE_ACCOUNT_DIR}/${name}`)?.toString().trim();
  const token = file('token');
  const ca = file('ca.crt');
  if (!token) return { kind: 'error', line: `error: no service account token at ${SERVICE_ACCOUNT_DIR}/token` };
  if (!ca) return { kind: 'error', line: `error: no CA bundle at ${SERVICE_ACCOUNT_DIR}/ca.crt` };
  const namespace = file('namespace') || ctx.pod.namespace;
  const call = (method: string, path: string, body?: unknown) => callApi(ctx, { host, port: Number(port), token, ca, method, path, body });

  const review = await call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
  });
  const user = review.status < 300 ? (field(review.body, 'status', 'userInfo', 'username') ?? '<unknown>') : '<unknown>';
  const list = await call('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`);
  if (list.status >= 300) {
    const message = field(list.body, 'message') ?? '';
    return { kind: 'error', line: `error: ${list.status} ${list.statusText}${message ? `: ${message}` : ''}` };
  }
  const items = (list.body as { items?: unknown[] } | undefined)?.items ?? [];
  return { kind: 'ok', line: `listed ${items.length} pods as ${user}` };
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === 'localhost';
}

function field(body: unknown, ...path: string[]): string | undefined {
  let value: unknown = body;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function callApi(
  ctx: ProgramContext,
  opts: { host: string; port: number; token: string; ca: string; method: string; path: string; body?: unknown },
): Promise<ApiResponse> {
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: opts.host,
        port: opts.port,
        method: opts.method,
        path: opts.path,
        ca: opts.ca,
        // Connections leave from the pod's own address, as from its network namespace; a loopback pod IP
        // cannot reach a non-loopback apiserver, so then the host picks the source.
        localAddress: isLoopback(ctx.pod.ip) && !isLoopback(opts.host) ? undefined : ctx.pod.ip,
        signal: ctx.signal,
        timeout: 10_000,
        agent: false,
        headers: {
          Authorization: `Bearer ${opts.token}`,
          Accept: 'application/json',
          'User-Agent': 'hubspoke-client/0.1',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = { message: text.trim() };
          }
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body });
        });
        res.on('error', reject);
      },
    );
    req.on('socket', (socket) => ctx.track(socket));
    req.on('timeout', () => req.destroy(new Error(`request to ${opts.host}:${opts.port} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}
