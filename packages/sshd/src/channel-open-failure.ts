// Refusing a channel open with a reason text. ssh2's reject() sends an empty description and picks the code
// itself; OpenSSH clients print the text ("open failed: connect failed: Connection refused"), so this wraps
// the one protocol call reject() makes to fill both in. Falls back to the plain reject() if ssh2's
// internals ever change shape.
import type { Connection, RejectConnection } from 'ssh2';

/** RFC 4254 §5.1 reason codes. */
export const OpenFailure = {
  administrativelyProhibited: 1,
  connectFailed: 2,
  unknownChannelType: 3,
  resourceShortage: 4,
} as const;

/** A reason code and the text the client sees. */
export interface OpenFailureReason {
  code: (typeof OpenFailure)[keyof typeof OpenFailure];
  text: string;
}

interface ProtocolLike {
  channelOpenFail(remote: number, reason: number, desc?: string): void;
}

/** Calls `reject` so that the CHANNEL_OPEN_FAILURE it sends carries `reason`. */
export function rejectChannel(conn: Connection, reject: RejectConnection, reason: OpenFailureReason): void {
  const proto = (conn as unknown as { _protocol?: ProtocolLike })._protocol;
  if (!proto || typeof proto.channelOpenFail !== 'function') {
    reject();
    return;
  }
  const original = proto.channelOpenFail;
  proto.channelOpenFail = (remote: number) => original.call(proto, remote, reason.code, reason.text);
  try {
    reject();
  } finally {
    proto.channelOpenFail = original;
  }
}
