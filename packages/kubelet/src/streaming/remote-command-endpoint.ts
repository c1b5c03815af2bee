// `/exec/NS/P/C` and `/attach/NS/P/C`: checks in the kubelet's order (query → pod → running container),
// refusing before any upgrade, then hands the upgraded connection to exec or attach. Without an upgrade
// the answer is 400 `Upgrade request required`.
import { writeRawResponse } from '../server/raw-response.ts';
import type { ContainerAccess } from '../server/host.ts';
import type { RouteContext, UpgradeContext } from '../server/routes.ts';
import { runAttach } from './attach.ts';
import { runExec } from './exec.ts';
import { DEFAULT_STREAMING_IDLE_TIMEOUT_MS } from './idle-timeout.ts';
import { parseRemoteCommandQuery } from './remote-command-options.ts';
import { upgradeRequired, writeTextResponse } from './text-response.ts';
import { acceptRemoteCommand } from './transport.ts';
import type { RemoteCommandOptions } from './types.ts';

/** Which remote command an endpoint runs. */
export type RemoteCommandKind = 'exec' | 'attach';

type Prepared =
  | { kind: 'refused'; status: number; text: string }
  | { kind: 'ready'; access: ContainerAccess; options: RemoteCommandOptions; command: string[] };

/** The route handler for a request that did not ask for an upgrade. */
export function remoteCommandHandler(kind: RemoteCommandKind) {
  return (ctx: RouteContext): void => {
    const prepared = prepare(kind, ctx);
    if (prepared.kind === 'refused') return writeTextResponse(ctx.res, prepared.status, prepared.text);
    upgradeRequired(ctx.res);
  };
}

/** The route's upgrade handler: accepts the session on its transport and runs exec or attach over it. */
export function remoteCommandUpgrade(kind: RemoteCommandKind) {
  return async (ctx: UpgradeContext): Promise<void> => {
    const prepared = prepare(kind, ctx);
    if (prepared.kind === 'refused') return writeRawResponse(ctx.socket, prepared.status, prepared.text);
    const session = await acceptRemoteCommand(ctx, prepared.options);
    if (!session) return;
    const { access, options } = prepared;
    const idleTimeoutMs = ctx.host.streamingConnectionIdleTimeoutMs ?? DEFAULT_STREAMING_IDLE_TIMEOUT_MS;
    // The container may have stopped (or restarted) during the handshake: use the instance running now.
    const { namespace, pod, container } = ctx.params;
    const handle = ctx.host.container(namespace, pod, container)?.handle;
    if (kind === 'exec') {
      await runExec({ session, handle, container: access.spec.name, command: prepared.command, tty: options.tty, idleTimeoutMs });
    } else {
      await runAttach({ session, handle, spec: access.spec, idleTimeoutMs });
    }
  };
}

function prepare(kind: RemoteCommandKind, { params, query, host }: Pick<RouteContext, 'params' | 'query' | 'host'>): Prepared {
  const parsed = parseRemoteCommandQuery(query);
  if (parsed.kind === 'invalid') return { kind: 'refused', status: 400, text: parsed.message };
  const { namespace, pod, container } = params;
  if (!host.pod(namespace, pod)) return { kind: 'refused', status: 404, text: 'pod does not exist' };
  const access = host.container(namespace, pod, container);
  // The kubelet only finds running containers (streaming.WriteError of an untyped error: 500).
  if (!access?.handle) return { kind: 'refused', status: 500, text: `container not found ("${container}")` };
  let options = parsed.options;
  if (kind === 'attach') {
    // A process's terminal cannot change after it started: attach takes tty from the container spec.
    const tty = access.spec.tty ?? false;
    options = { ...options, tty, stderr: options.stderr && !tty };
  }
  return { kind: 'ready', access, options, command: parsed.command };
}

