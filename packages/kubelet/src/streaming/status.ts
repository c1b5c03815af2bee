// The statuses that end an exec or attach session, worded as the kubelet's remotecommand server words them
// (pkg/kubelet/cri/streaming/remotecommand), and their two wire forms: v4+ Status JSON, v1 plain text.
import type { StreamStatus } from './types.ts';

/** The command ran and exited 0 (or the attached container ended). */
export function successStatus(): StreamStatus {
  return { metadata: {}, status: 'Success' };
}

/**
 * The command exited non-zero. The message is containerd's exec error inside the kubelet's wrapper, e.g.
 * `command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3`.
 */
export function exitCodeStatus(command: readonly string[], exitCode: number): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** apierrors.NewInternalError: anything else that went wrong, e.g. `error executing command in container: …`. */
export function internalErrorStatus(message: string): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

/** The v4/v5 error-channel payload: the Status as Go marshals it (field order, no kind/apiVersion). */
export function statusJson(status: StreamStatus): string {
  const ordered: Record<string, unknown> = { metadata: {}, status: status.status };
  if (status.message) ordered.message = status.message;
  if (status.reason) ordered.reason = status.reason;
  if (status.details) {
    ordered.details = {
      causes: status.details.causes?.map((c) => ({
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.message ? { message: c.message } : {}),
      })),
    };
  }
  if (status.code) ordered.code = status.code;
  return JSON.stringify(ordered);
}

/** The v1 (`channel.k8s.io`) error-channel payload: nothing on success, the message text on failure. */
export function statusText(status: StreamStatus): string | undefined {
  return status.status === 'Success' ? undefined : (status.message ?? '');
}
