// hubspoke/https-server: the HTTP server's routes over TLS with a self-signed certificate made at start,
// for `https:` proxy ids (encrypted, not authenticated) and MITM demos.
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import { generate } from 'selfsigned';
import { choosePort, type ProgramContext, type ToyImage } from '../program.ts';
import { podRequestHandler, serveUntilTerminated } from './http-server.ts';

/** A self-signed EC P-256 serving certificate for the pod's hostname and IP. */
export async function podServingCertificate(ctx: Pick<ProgramContext, 'pod'>): Promise<{ key: string; cert: string }> {
  const { pod } = ctx;
  const pems = await generate([{ name: 'commonName', value: pod.hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: pod.hostname }, { type: 7, ip: pod.ip }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Serves the HTTP routes over TLS on the first containerPort, PORT, or 8443. */
export const httpsServerImage: ToyImage = {
  name: 'hubspoke/https-server',
  description: 'HTTPS server with a self-signed certificate (port 8443 unless containerPort/PORT say otherwise)',
  sigterm: 'handle',
  async run(ctx) {
    const tls = await podServingCertificate(ctx);
    const flavor = { name: 'hubspoke/https-server', product: 'https-server', defaultPort: 8443 };
    const server = createServer(tls, podRequestHandler(ctx, flavor));
    const fingerprint = new X509Certificate(tls.cert).fingerprint256;
    return serveUntilTerminated(ctx, server, {
      product: flavor.product,
      scheme: 'https',
      port: choosePort(ctx, flavor.defaultPort),
      extra: ` (self-signed certificate, SHA-256 fingerprint ${fingerprint})`,
    });
  },
};
