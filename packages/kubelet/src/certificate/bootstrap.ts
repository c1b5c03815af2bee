// TLS bootstrapping (pkg/kubelet/certificate/bootstrap): turn a bootstrap token into the kubelet's own client
// certificate. Either wait for it before starting (LoadClientCert, rotation off) or write the kubeconfig
// that will point at it and let the certificate manager fetch it in the background (LoadClientConfig).
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { ClientConfig } from '@hubspoke/client';
import { clientConfigFromKubeconfig, createClient, sleep } from '@hubspoke/client';
import type { ApiClient } from '@hubspoke/client';
import { buildKubeconfig, kubeconfigToYaml, splitCertificateBundle } from '@hubspoke/pki';
import type { Logger } from 'pino';
import { parse } from 'yaml';
import { makeCertificateRequest } from './certificate-request.ts';
import type { CertificateTemplate } from './certificate-request.ts';
import { openCertificateStore } from './certificate-store.ts';
import { digestedCsrName } from './csr-name.ts';
import { isPrivateKeyPem, keyAlgorithm, loadOrGenerateKeyFile, parsePrivateKey, publicKeyDer } from './private-key.ts';
import { KUBE_APISERVER_CLIENT_KUBELET_SIGNER } from './signers.ts';
import type { KeyUsage } from './signers.ts';
import { requestCertificate, waitForCertificate } from './signing-request.ts';

/** The files bootstrapping reads and writes. */
export interface BootstrapOptions {
  /** `--kubeconfig`: where the bootstrapped kubeconfig is (or will be). */
  kubeconfigPath: string;
  /** `--bootstrap-kubeconfig`: a path, or YAML text. */
  bootstrapKubeconfig: string;
  /** `--cert-dir`. */
  certDir: string;
  nodeName: string;
  logger: Logger;
  userAgent?: string;
  /** Ends the wait for the certificate. */
  signal?: AbortSignal;
  /** How long the CSR may stay unanswered (the kubelet: one hour). */
  waitTimeoutMs?: number;
  /** How long to wait for the apiserver's /healthz first (the kubelet: one minute). */
  serverWaitMs?: number;
}

/** How the kubelet got its client identity. */
export type BootstrapOutcome = 'kubeconfig-valid' | 'bootstrapped';

const TMP_PRIVATE_KEY_FILE = 'kubelet-client.key.tmp';

/** The subject every kubelet client certificate carries. */
export function nodeClientTemplate(nodeName: string): CertificateTemplate {
  return { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'] };
}

/**
 * LoadClientCert: keeps a kubeconfig whose client certificate is still valid; otherwise requests a certificate
 * with the bootstrap credentials as `node-csr-<digest>`, waits until it is issued (rejecting with the reason
 * when it is denied or fails), stores it in the cert dir and writes the kubeconfig pointing at it.
 */
export async function loadClientCert(opts: BootstrapOptions): Promise<BootstrapOutcome> {
  if (await isClientConfigStillValid(opts.kubeconfigPath, opts.logger)) {
    opts.logger.info({ path: opts.kubeconfigPath }, 'Kubeconfig exists and is valid, skipping bootstrap');
    return 'kubeconfig-valid';
  }
  opts.logger.info({}, 'Using bootstrap kubeconfig to generate TLS client cert, key and kubeconfig file');
  const bootstrapConfig = await loadBootstrapConfig(opts);
  const store = await openCertificateStore({ pairNamePrefix: 'kubelet-client', certDir: opts.certDir });
  // Reuse the last key (even with an expired certificate), or the one a failed attempt left behind.
  let keyPem = await store.current().then(
    (pair) => pair?.keyPem,
    () => undefined,
  );
  const tmpKeyPath = path.join(opts.certDir, TMP_PRIVATE_KEY_FILE);
  if (!isPrivateKeyPem(keyPem)) keyPem = await loadOrGenerateKeyFile(tmpKeyPath);

  const client = createClient(bootstrapConfig);
  try {
    await waitForServer(client, opts);
    const certPem = await requestNodeCertificate(client, keyPem, opts);
    await store.update(certPem, keyPem);
  } finally {
    client.close();
  }
  await rm(tmpKeyPath, { force: true });
  await writeKubeconfigFromBootstrapping(opts, store.currentPath);
  return 'bootstrapped';
}

/** The two client configs of the rotation path: who asks for certificates, and who the kubelet is. */
export interface RotationClientConfigs {
  /** Credentials for CSRs while the kubelet has no certificate of its own. */
  certConfig: ClientConfig;
  /** The kubelet's connection; its certificate comes from the certificate manager. */
  userConfig: ClientConfig;
}

/**
 * LoadClientConfig: a valid kubeconfig is used for both; otherwise the kubeconfig is (re)written to point at
 * the cert dir's `kubelet-client-current.pem`, and certificates are requested with the bootstrap credentials.
 */
export async function loadClientConfig(opts: BootstrapOptions): Promise<RotationClientConfigs> {
  if (await isClientConfigStillValid(opts.kubeconfigPath, opts.logger)) {
    const config = await clientConfigFromKubeconfig(opts.kubeconfigPath, { userAgent: opts.userAgent });
    opts.logger.info({}, 'Current kubeconfig file contents are still valid, no bootstrap necessary');
    return { certConfig: config, userConfig: config };
  }
  const certConfig = await loadBootstrapConfig(opts);
  const store = await openCertificateStore({ pairNamePrefix: 'kubelet-client', certDir: opts.certDir });
  await writeKubeconfigFromBootstrapping(opts, store.currentPath);
  const { server, caCert, insecureSkipTLSVerify, tlsServerName, userAgent } = certConfig;
  opts.logger.info({}, 'Use the bootstrap credentials to request a cert, and set kubeconfig to point to the certificate dir');
  return { certConfig, userConfig: { server, caCert, insecureSkipTLSVerify, tlsServerName, userAgent } };
}

/** Whether the kubeconfig exists, loads, and has client certificates none of which has expired. */
export async function isClientConfigStillValid(kubeconfigPath: string, logger: Logger): Promise<boolean> {
  if (!(await stat(kubeconfigPath).then(() => true, () => false))) return false;
  let config: ClientConfig;
  try {
    config = await clientConfigFromKubeconfig(kubeconfigPath);
  } catch (err) {
    logger.warn({ err, path: kubeconfigPath }, 'Unable to read existing bootstrap client config');
    return false;
  }
  const certificates = splitCertificateBundle(config.clientCert ?? '');
  if (certificates.length === 0) {
    logger.warn({ path: kubeconfigPath }, 'Unable to read TLS certificates from existing bootstrap client config');
    return false;
  }
  for (const pem of certificates) {
    const notAfter = new Date(new X509Certificate(pem).validTo);
    if (Date.now() > notAfter.getTime()) {
      logger.warn({ path: kubeconfigPath, notAfter: notAfter.toISOString() }, 'Part of the existing bootstrap client certificate is expired');
      return false;
    }
  }
  return true;
}

async function requestNodeCertificate(client: ApiClient, keyPem: string, opts: BootstrapOptions): Promise<string> {
  const key = parsePrivateKey(keyPem);
  const template = nodeClientTemplate(opts.nodeName);
  const csrPem = await makeCertificateRequest(key, template);
  // bootstrap.go's own list (not the certificate manager's): key encipherment is appended, for RSA only.
  const usages: KeyUsage[] = ['digital signature', 'client auth', ...(keyAlgorithm(key) === 'rsa' ? (['key encipherment'] as const) : [])];
  const name = digestedCsrName(publicKeyDer(key), template, usages);
  const submitted = await requestCertificate(client, { csrPem, name, signerName: KUBE_APISERVER_CLIENT_KUBELET_SIGNER, usages });
  opts.logger.info({ csr: submitted.name }, 'Waiting for client certificate to be issued');
  return waitForCertificate(client, submitted, {
    timeoutMs: opts.waitTimeoutMs ?? 3_600_000,
    signal: opts.signal,
    onRetry: (err) => opts.logger.debug({ err, csr: submitted.name }, 'Watching the certificate signing request failed; retrying'),
  });
}

// waitForServer: poll /healthz for up to a minute; a server that stays down is the request's problem to report.
async function waitForServer(client: ApiClient, opts: BootstrapOptions): Promise<void> {
  const deadline = Date.now() + (opts.serverWaitMs ?? 60_000);
  while (!opts.signal?.aborted) {
    try {
      const res = await client.raw('GET', '/healthz', { signal: opts.signal });
      if (res.status === 200) return;
      opts.logger.info({ status: res.status }, 'Failed to connect to apiserver');
    } catch (err) {
      opts.logger.info({ err }, 'Failed to connect to apiserver');
    }
    if (Date.now() >= deadline) {
      opts.logger.info({}, 'Error waiting for apiserver to come up');
      return;
    }
    await sleep(2_000 * (1 + 0.2 * Math.random()), opts.signal);
  }
}

async function loadBootstrapConfig(opts: BootstrapOptions): Promise<ClientConfig> {
  try {
    return await clientConfigFromKubeconfig(opts.bootstrapKubeconfig, { userAgent: opts.userAgent });
  } catch (err) {
    throw new Error(`unable to load bootstrap kubeconfig: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The kubeconfig the kubelet writes: the bootstrap kubeconfig's server and CA (a CA file stays a file
 * reference), user `default-auth` whose certificate and key are both the cert dir's current.pem.
 */
async function writeKubeconfigFromBootstrapping(opts: BootstrapOptions, pemPath: string): Promise<void> {
  const bootstrap = await clientConfigFromKubeconfig(opts.bootstrapKubeconfig);
  const caFile = await bootstrapCAFile(opts.bootstrapKubeconfig);
  const kubeconfig = buildKubeconfig({
    clusterName: 'default-cluster',
    server: bootstrap.server,
    ...(caFile ? { caFile } : { caCert: bootstrap.caCert }),
    insecureSkipTLSVerify: bootstrap.insecureSkipTLSVerify,
    userName: 'default-auth',
    clientCertFile: pemPath,
    clientKeyFile: pemPath,
    namespace: 'default',
    contextName: 'default-context',
  });
  await writeFile(opts.kubeconfigPath, kubeconfigToYaml(kubeconfig), { mode: 0o600 });
}

// The current context's `certificate-authority` path, absolute against the file's folder as clientcmd makes it.
async function bootstrapCAFile(source: string): Promise<string | undefined> {
  const isText = source.includes('\n');
  const doc = parse(isText ? source : await readFile(source, 'utf8')) as Record<string, unknown> | null;
  const named = (list: unknown, name: unknown, key: string) =>
    (Array.isArray(list) ? list.find((e) => e?.name === name)?.[key] : undefined) as Record<string, unknown> | undefined;
  const context = named(doc?.contexts, doc?.['current-context'], 'context');
  const cluster = named(doc?.clusters, context?.cluster, 'cluster');
  const file = cluster?.['certificate-authority'];
  if (typeof file !== 'string' || file === '' || cluster?.['certificate-authority-data']) return undefined;
  return path.resolve(isText ? process.cwd() : path.dirname(path.resolve(source)), file);
}
