// The agent's local dial for a DIAL_REQ, with Go's wording for failures (what kubectl users see through the apiserver).
import { connect, isIP, type Socket } from 'node:net';

/** The outcome of a local dial. */
export type LocalDialResult = { kind: 'connected'; socket: Socket } | { kind: 'failed'; error: string };

/** A dial in progress, which the server may abandon. */
export interface LocalDial {
  result: Promise<LocalDialResult>;
  cancel(): void;
}

/** Dials host:port over TCP; a failure reads like Go's net.Dial error (`dial tcp 1.2.3.4:10250: connect: connection refused`). */
export function dialLocal(target: { host: string; port: number; timeoutMs: number }): LocalDial {
  const address = isIP(target.host) === 6 ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  const socket = connect({ host: target.host, port: target.port });
  let cancel = () => {};
  const result = new Promise<LocalDialResult>((resolve) => {
    const fail = (error: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ kind: 'failed', error });
    };
    const timer = setTimeout(() => fail(`dial tcp ${address}: i/o timeout`), target.timeoutMs);
    const onError = (error: NodeJS.ErrnoException) => fail(`dial tcp ${address}: ${goReason(error, target.host)}`);
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve({ kind: 'connected', socket });
    });
    cancel = () => fail('dial cancelled');
  });
  return { result, cancel: () => cancel() };
}

function goReason(error: NodeJS.ErrnoException, host: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connect: connection refused';
    case 'EHOSTUNREACH':
      return 'connect: no route to host';
    case 'ENETUNREACH':
      return 'connect: network is unreachable';
    case 'ETIMEDOUT':
      return 'i/o timeout';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `lookup ${host}: no such host`;
    default:
      return error.message;
  }
}
