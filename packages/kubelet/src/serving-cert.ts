// The kubelet's serving certificate. By default the configured one or — as Kubernetes does when
// --tls-cert-file is unset — a self-signed `<node>@<unix>` certificate kept in the cert dir as kubelet.crt /
// kubelet.key. With serverTLSBootstrap, one requested from the `kubernetes.io/kubelet-serving` signer and
// rotated like the client certificate; until it is issued there is none, and TLS handshakes fail.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import type { ApiClient } from '@hubspoke/client';
import { createSelfSignedServingCert } from '@hubspoke/pki';
import type { Logger } from 'pino';
import type { CertificateTemplate } from './certificate/certificate-request.ts';
import { createCertificateManager } from './certificate/certificate-manager.ts';
import type { RotationTiming } from './certificate/certificate-manager.ts';
import { openCertificateStore } from './certificate/certificate-store.ts';
import { KUBELET_SERVING_SIGNER, kubeletServingUsages } from './certificate/signers.ts';
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

/** A serving chain and key in PEM. */
export interface ServingPair {
  cert: string;
  key: string;
}

/** The serving certificate over the kubelet's life. */
export interface ServingCertificates {
  readonly source: ServingCert['source'] | 'bootstrap';
  /** The pair to present now; undefined while a bootstrapped certificate is pending (or has expired). */
  current(): ServingPair | undefined;
  /** Calls `listener` with each newly issued pair. */
  onChange(listener: (pair: ServingPair) => void): void;
  /** Starts requesting and rotating (bootstrap only; register onChange first). */
  start(): void;
  stop(): Promise<void>;
}

/** What startServingCertificates needs besides the config. */
export interface ServingCertificatesOptions {
  /** The kubelet's API client; without one a bootstrapped certificate can never be requested. */
  client: ApiClient | undefined;
  logger: Logger;
  rotationTiming?: Partial<RotationTiming>;
}

/** The static serving certificate, or (serverTLSBootstrap) a manager for a requested one. */
export async function startServingCertificates(config: KubeletConfig, opts: ServingCertificatesOptions): Promise<ServingCertificates> {
  if (!config.serverTLSBootstrap) {
    const serving = await loadServingCert(config);
    return { source: serving.source, current: () => serving, onChange: () => {}, start: () => {}, stop: async () => {} };
  }
  const store = await openCertificateStore({
    pairNamePrefix: 'kubelet-server',
    certDir: config.certDir,
    certFile: config.tlsCertFile,
    keyFile: config.tlsPrivateKeyFile,
  });
  const { client } = opts;
  const manager = await createCertificateManager({
    store,
    signerName: KUBELET_SERVING_SIGNER,
    template: () => servingTemplate(config),
    usages: kubeletServingUsages,
    clientFor: () => client!,
    logger: opts.logger,
    timing: opts.rotationTiming,
  });
  const toServing = (pair: { certPem: string; keyPem: string }): ServingPair => ({ cert: pair.certPem, key: pair.keyPem });
  return {
    source: 'bootstrap',
    current: () => {
      const pair = manager.current();
      return pair && toServing(pair);
    },
    onChange: (listener) => manager.onUpdate((pair) => listener(toServing(pair))),
    start: () => {
      if (client) return manager.start();
      opts.logger.warn({}, 'Certificate rotation is not enabled, no connection to the apiserver');
    },
    stop: () => manager.stop(),
  };
}

/**
 * What a serving CSR asks for: CN `system:node:<name>`, O `system:nodes`, the node's hostname as a DNS name
 * and its addresses as IPs — the advertised node IP and, when it is a specific address, the bind address.
 */
export function servingTemplate(config: KubeletConfig): CertificateTemplate {
  const hosts = [config.nodeName, config.nodeIP];
  if (config.address !== '0.0.0.0' && config.address !== '::') hosts.push(config.address);
  const dnsNames = [...new Set(hosts.filter((h) => isIP(h) === 0))].sort();
  const ipAddresses = [...new Set(hosts.filter((h) => isIP(h) !== 0))].sort();
  return { commonName: `system:node:${config.nodeName}`, organizations: ['system:nodes'], dnsNames, ipAddresses };
}
