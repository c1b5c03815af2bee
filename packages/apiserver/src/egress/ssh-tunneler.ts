// SSH tunnels (`--ssh-user`, `--ssh-keyfile`; deprecated in Kubernetes 1.9, removed in 1.22, document claims C13
// and C14): one SSH connection per node, and every connection the apiserver makes to that node — its kubelet,
// its pods, services' endpoints on it — is a direct-tcpip channel inside it. A dropped connection (the node or
// its sshd restarted) is noticed and replaced on the next dial.
//
// Host keys: Kubernetes' tunneler (pkg/ssh/ssh.go) set `HostKeyCallback: ssh.InsecureIgnoreHostKey()`, so it
// accepted whatever key a node presented. That is the default here too, and its consequence is the same: the
// tunnel is encrypted but the node is not authenticated, so anyone who can answer on a node's address and port
// can impersonate the node and read the kubelet traffic. hubspoke's `--ssh-known-hosts-file` adds the check.
import { Client, type ClientChannel } from 'ssh2';
import type { Logger } from 'pino';
import { DialError, goDialMessage, joinHostPort, type Dialer, type Endpoint } from '../kubelet/dialer.ts';
import type { HostKeyCheck } from './known-hosts.ts';

/** How to reach the nodes' sshd. */
export interface SshTunnelerOptions {
  /** `--ssh-user`. */
  user: string;
  /** `--ssh-keyfile` contents (OpenSSH or PEM private key). */
  privateKey: string;
  /** hubspoke's `--ssh-port` (default 22), for single-host labs where every node's sshd shares one address. */
  port?: number;
  /** `--ssh-known-hosts-file`, parsed; absent = any host key is accepted, as Kubernetes did. */
  hostKeys?: HostKeyCheck;
  /** The node address whose tunnel carries traffic for `host` (a node address, or a pod IP on that node). */
  nodeForAddress?: (host: string) => string | undefined;
  logger?: Logger;
}

/** The tunnels: a Dialer over them, and their teardown. */
export interface SshTunneler {
  dialer: Dialer;
  /** Close every SSH connection. */
  close(): void;
}

// ssh2's words for "this connection is already gone"; the dial is retried once on a fresh connection.
const STALE = /Not connected|No response from server|Channel open failure: .*closed/i;

/** Build the tunneler; SSH connections open lazily, on the first dial to each node. */
export function createSshTunneler(options: SshTunnelerOptions): SshTunneler {
  const port = options.port ?? 22;
  const tunnels = new Map<string, Promise<Client>>();
  const live = new Set<Client>();

  const open = (node: string, timeoutMs: number): Promise<Client> => {
    const existing = tunnels.get(node);
    if (existing) return existing;
    const pending = new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let verdict: ReturnType<HostKeyCheck>['kind'] = 'ok';
      const forget = (): void => {
        live.delete(client);
        if (tunnels.get(node) === pending) tunnels.delete(node);
      };
      client.once('ready', () => {
        live.add(client);
        options.logger?.info({ node, port }, 'ssh tunnel open');
        resolve(client);
      });
      // Stays attached after `ready`: a later failure only ends this tunnel, and the next dial opens another.
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        forget();
        reject(new DialError(sshErrorMessage({ host: node, port }, err, verdict)));
      });
      client.on('close', () => {
        forget();
        options.logger?.info({ node, port }, 'ssh tunnel closed');
        reject(new DialError('ssh: handshake failed: EOF'));
      });
      client.connect({
        host: node,
        port,
        username: options.user,
        privateKey: options.privateKey,
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => {
          if (!options.hostKeys) return true;
          verdict = options.hostKeys(node, port, key).kind;
          return verdict === 'ok';
        },
      });
    });
    tunnels.set(node, pending);
    pending.catch(() => {}); // the dial that asked sees the rejection; others retry with a new connection
    return pending;
  };

  const dialer: Dialer = async (endpoint, timeoutMs) => {
    const node = options.nodeForAddress ? options.nodeForAddress(endpoint.host) : endpoint.host;
    if (!node) throw new DialError(`dial tcp ${joinHostPort(endpoint)}: no SSH tunnel: the address is neither a node's nor a pod's on a node`);
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const client = await withTimeout(open(node, timeoutMs), deadline, `dial tcp ${joinHostPort({ host: node, port })}: i/o timeout`);
      try {
        // A channel that opens after the deadline is closed, not leaked.
        return await withTimeout(forward(client, endpoint), deadline, `dial tcp ${joinHostPort(endpoint)}: i/o timeout`, (late) => late.destroy());
      } catch (err) {
        if (attempt > 1 || !(err instanceof StaleTunnel)) throw err;
        live.delete(client);
        if (tunnels.get(node)) tunnels.delete(node);
        client.end();
      }
    }
  };

  return {
    dialer,
    close() {
      for (const client of live) client.end();
      live.clear();
      for (const pending of tunnels.values()) pending.then((c) => c.end(), () => {});
      tunnels.clear();
    },
  };
}

class StaleTunnel extends DialError {}

// Go's ssh client dials from 0.0.0.0:0; the source address means nothing to the node.
function forward(client: Client, endpoint: Endpoint): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.forwardOut('0.0.0.0', 0, endpoint.host, endpoint.port, (err, channel) => {
        if (!err) return resolve(channel);
        if (STALE.test(err.message)) return reject(new StaleTunnel(err.message));
        const reason = /Channel open failure: (.*)$/.exec(err.message)?.[1];
        reject(new DialError(reason ? `ssh: rejected: connect failed (${reason})` : `ssh: ${err.message}`));
      });
    } catch (err) {
      reject(new StaleTunnel((err as Error).message));
    }
  });
}

function withTimeout<T>(promise: Promise<T>, deadline: number, message: string, onLate?: (value: T) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new DialError(message));
    }, Math.max(1, deadline - Date.now()));
    promise.then(
      (v) => {
        clearTimeout(timer);
        if (expired) onLate?.(v);
        else resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Go's x/crypto/ssh and net wording for a failed tunnel. */
function sshErrorMessage(sshd: Endpoint, err: Error & { level?: string; code?: string }, verdict: string): string {
  if (verdict === 'mismatch') return 'ssh: handshake failed: knownhosts: key mismatch';
  if (verdict === 'unknown') return 'ssh: handshake failed: knownhosts: key is unknown';
  if (err.level === 'client-socket' && err.code) return goDialMessage(sshd, err);
  if (err.level === 'client-timeout') return `dial tcp ${joinHostPort(sshd)}: i/o timeout`;
  if (err.level === 'client-authentication') return 'ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain';
  return `ssh: handshake failed: ${err.message}`;
}
