// The apiserver's client side of apiserver → kubelet: TLS to the kubelet's port with the apiserver's kubelet
// client certificate. With --kubelet-certificate-authority the kubelet's serving certificate is verified
// against it and the address dialed; without it nothing is verified at all — Kubernetes' default, and the
// man-in-the-middle exposure the document warns about.
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { DialError, directDialer, type Dialer, type Endpoint } from './dialer.ts';
import { verifyServingCertificate } from './serving-cert-verification.ts';

/** The `--kubelet-*` flags, as contents rather than file names. */
export interface KubeletClientConfig {
  /** `--kubelet-client-certificate` / `--kubelet-client-key` (PEM): presented to every kubelet. */
  clientCert?: string;
  clientKey?: string;
  /** `--kubelet-certificate-authority` (PEM); absent = kubelets are not verified. */
  certificateAuthority?: string;
  /**
   * KubeletCertCNValidation (KEP-4872): with a certificate authority, a kubelet's certificate must also carry
   * the CN `system:node:<nodeName>` of the node dialled. Without one nothing is verified, so neither is this.
   */
  validateNodeName?: boolean;
  /** `--kubelet-timeout`: budget for TCP connect plus TLS handshake, in ms. */
  timeoutMs: number;
  /** How TCP connections are made (default: directly). */
  dialer?: Dialer;
  logger?: Logger;
  now?: () => Date;
}

/** Opens connections to kubelets. */
export interface KubeletClient {
  /**
   * A TLS connection to the kubelet at `endpoint`, verified as configured; rejects with a Go-worded DialError.
   * `nodeName` (from resolveKubelet) names the node dialled; KubeletCertCNValidation refuses an endpoint without it.
   */
  connect(endpoint: Endpoint & { nodeName?: string }): Promise<TLSSocket>;
  /** Whether serving certificates are verified (`--kubelet-certificate-authority` set). */
  readonly verifies: boolean;
}

/** Build the kubelet client; warns once when kubelets will not be verified. */
export function createKubeletClient(config: KubeletClientConfig): KubeletClient {
  const dialer = config.dialer ?? directDialer;
  const ca = config.certificateAuthority;
  if (!ca) {
    config.logger?.warn(
      'no --kubelet-certificate-authority: kubelet serving certificates are NOT verified (the Kubernetes default; open to a man in the middle)',
    );
  }
  return {
    verifies: Boolean(ca),
    async connect(endpoint) {
      const deadline = Date.now() + config.timeoutMs;
      const tcp = await dialer(endpoint, config.timeoutMs);
      const socket = await handshake(tcp, endpoint, config, Math.max(1, deadline - Date.now()));
      if (!ca) return socket;
      const verdict = verifyServingCertificate({
        chain: peerChain(socket),
        host: endpoint.host,
        roots: [ca],
        nodeErrorCode: socket.authorized ? undefined : String(socket.authorizationError ?? ''),
        // Fail closed: a caller that cannot say which node it dials gets no certificate accepted.
        nodeName: config.validateNodeName ? (endpoint.nodeName ?? '') : undefined,
        now: config.now?.(),
      });
      if (verdict.ok) return socket;
      socket.destroy();
      if (verdict.check === 'node-name') {
        config.logger?.warn({ host: endpoint.host, node: endpoint.nodeName, reason: verdict.reason }, 'kubelet serving certificate does not belong to the node dialled');
        throw new DialError(verdict.reason);
      }
      throw new DialError(`tls: failed to verify certificate: ${verdict.reason}`);
    },
  };
}

// Verification happens after the handshake (never inside it) so failures can be worded as Go words them;
// nothing is written on the connection before it passes.
function handshake(tcp: import('node:stream').Duplex, endpoint: Endpoint, config: KubeletClientConfig, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      socket: tcp,
      // RFC 6066 forbids IP addresses in SNI; Go sends none for them either.
      servername: isIP(endpoint.host) ? undefined : endpoint.host,
      cert: config.clientCert,
      key: config.clientKey,
      ca: config.certificateAuthority,
      rejectUnauthorized: false,
      // The name is checked with Go's rules in serving-cert-verification.ts; Node's verdict covers the chain only.
      checkServerIdentity: () => undefined,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => fail(new DialError('net/http: TLS handshake timeout')), timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      tcp.destroy();
      reject(err);
    };
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      socket.on('error', () => {}); // later errors surface to the stream's reader as close events
      resolve(socket);
    });
    const onError = (err: NodeJS.ErrnoException): void => fail(new DialError(goHandshakeMessage(err)));
    socket.once('error', onError);
  });
}

const ALERTS: Record<string, string> = {
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'remote error: tls: certificate required',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'remote error: tls: bad certificate',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'remote error: tls: unknown certificate authority',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'remote error: tls: expired certificate',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'remote error: tls: handshake failure',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls: first record does not look like a TLS handshake',
  ECONNRESET: 'read: connection reset by peer',
};

function goHandshakeMessage(err: NodeJS.ErrnoException): string {
  return ALERTS[err.code ?? ''] ?? (err.message.includes('socket disconnected') ? 'EOF' : 'remote error: tls: handshake failure');
}

function peerChain(socket: TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  let cert = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return chain;
}
