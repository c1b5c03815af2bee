// The kubelet's serving certificate: the configured one, or — as Kubernetes does when --tls-cert-file is
// unset — a self-signed `<node>@<unix>` certificate kept in the cert dir as kubelet.crt / kubelet.key.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import type { KubeletConfig } from './config.ts';

/** A serving certificate chain and key (PEM), and where they came from. */
export interface ServingCert {
  cert: string;
  key: string;
  source: 'config' | 'file' | 'cert-dir' | 'self-signed';
}

/** Loads or makes the serving certificate for `config`. */
export async function loadServingCert(config: KubeletConfig): Promise<ServingCert> {
  if (config.tlsCert && config.tlsPrivateKey) return { cert: config.tlsCert, key: config.tlsPrivateKey, source: 'config' };
  if (config.tlsCertFile && config.tlsPrivateKeyFile) {
    const [cert, key] = await Promise.all([readFile(config.tlsCertFile, 'utf8'), readFile(config.tlsPrivateKeyFile, 'utf8')]);
    return { cert, key, source: 'file' };
  }
  const certFile = path.join(config.certDir, 'kubelet.crt');
  const keyFile = path.join(config.certDir, 'kubelet.key');
  try {
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    return { cert, key, source: 'cert-dir' };
  } catch {
    // Nothing usable yet: make one, as the kubelet does on first start.
  }
  const made = await createSelfSignedServingCert({ host: config.nodeName, ipAddresses: [config.nodeIP] });
  await mkdir(config.certDir, { recursive: true, mode: 0o700 });
  await writeFile(certFile, made.cert, { mode: 0o644 });
  await writeFile(keyFile, made.key, { mode: 0o600 });
  return { cert: made.cert, key: made.key, source: 'self-signed' };
}
