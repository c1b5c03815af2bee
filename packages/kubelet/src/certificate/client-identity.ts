// Who the kubelet is to the apiserver (cmd/kubelet's buildKubeletClientConfig): the kubeconfig as given;
// with --bootstrap-kubeconfig, a certificate bootstrapped before start; with --rotate-certificates, a
// certificate manager that bootstraps in the background if needed and then keeps the certificate fresh,
// swapping the API client's credentials each time.
import type { ApiClient, ClientConfig } from '@hubspoke/client';
import { clientConfigFromKubeconfig, createClient } from '@hubspoke/client';
import { splitCertificateBundle } from '@hubspoke/pki';
import type { Logger } from 'pino';
import type { KubeletConfig } from '../config.ts';
import { KubeletConfigError } from '../config.ts';
import { loadClientCert, loadClientConfig, nodeClientTemplate } from './bootstrap.ts';
import type { BootstrapOptions } from './bootstrap.ts';
import { createCertificateManager } from './certificate-manager.ts';
import type { RotationTiming } from './certificate-manager.ts';
import { openCertificateStore } from './certificate-store.ts';
import { createRotatingClient } from './rotating-client.ts';
import { KUBE_APISERVER_CLIENT_KUBELET_SIGNER, kubeletClientUsages } from './signers.ts';

/** The kubelet's API client and the certificate it authenticates with. */
export interface ClientIdentity {
  /** Undefined in standalone mode (no kubeconfig). */
  readonly client: ApiClient | undefined;
  /** The client certificate (PEM) new connections present, when there is one. */
  certificatePem(): string | undefined;
  /** Stops rotation and closes the clients made here. */
  stop(): Promise<void>;
}

/** What setUpClientIdentity needs besides the config. */
export interface ClientIdentityOptions {
  logger: Logger;
  userAgent: string;
  /** Rotation timings (tests shorten the back-off). */
  rotationTiming?: Partial<RotationTiming>;
}

/**
 * The client for `config`. Throws KubeletConfigError for an unusable combination, and (rotation off) the
 * bootstrap's error — e.g. `cannot watch on the certificate signing request: certificate signing request is
 * denied, reason: …, message: …` — when the bootstrap CSR is not granted.
 */
export async function setUpClientIdentity(config: KubeletConfig, opts: ClientIdentityOptions): Promise<ClientIdentity> {
  const { kubeconfig, bootstrapKubeconfig } = config;
  if (bootstrapKubeconfig && (typeof kubeconfig !== 'string' || kubeconfig.includes('\n'))) {
    throw new KubeletConfigError(['--bootstrap-kubeconfig needs --kubeconfig: the path where the kubelet writes the kubeconfig it bootstraps']);
  }
  if (!kubeconfig) return { client: undefined, certificatePem: () => undefined, stop: async () => {} };
  const bootstrap: BootstrapOptions | undefined = bootstrapKubeconfig
    ? { kubeconfigPath: kubeconfig as string, bootstrapKubeconfig, certDir: config.certDir, nodeName: config.nodeName, logger: opts.logger, userAgent: opts.userAgent }
    : undefined;
  const resolve = async (): Promise<ClientConfig> =>
    typeof kubeconfig === 'string' ? clientConfigFromKubeconfig(kubeconfig, { userAgent: opts.userAgent }) : { userAgent: opts.userAgent, ...kubeconfig };

  if (!config.rotateCertificates) {
    if (bootstrap) await loadClientCert(bootstrap);
    const clientConfig = await resolve();
    const client = createClient(clientConfig);
    // A bootstrapped kubeconfig names current.pem as both certificate and key: hand out only the certificates.
    const certificatePem = clientConfig.clientCert ? splitCertificateBundle(clientConfig.clientCert).join('') || undefined : undefined;
    return { client, certificatePem: () => certificatePem, stop: async () => client.close() };
  }

  opts.logger.info({}, 'Client rotation is on, will bootstrap in background');
  const { certConfig, userConfig } = bootstrap ? await loadClientConfig(bootstrap) : await resolve().then((c) => ({ certConfig: c, userConfig: c }));
  const store = await openCertificateStore({ pairNamePrefix: 'kubelet-client', certDir: config.certDir });
  let certClient: ApiClient | undefined;
  const manager = await createCertificateManager({
    store,
    signerName: KUBE_APISERVER_CLIENT_KUBELET_SIGNER,
    template: () => nodeClientTemplate(config.nodeName),
    usages: kubeletClientUsages,
    // With a certificate of our own the request is the node's (auto-approved as selfnodeclient); without one,
    // it goes out with the bootstrap credentials.
    clientFor: (current) => (current ? client : (certClient ??= createClient(certConfig))),
    bootstrapPair: userConfig.clientCert && userConfig.clientKey ? { certPem: userConfig.clientCert, keyPem: userConfig.clientKey } : undefined,
    logger: opts.logger,
    timing: opts.rotationTiming,
  });
  const initial = manager.current();
  const client = createRotatingClient({ ...userConfig, clientCert: initial?.certPem, clientKey: initial?.keyPem });
  manager.onUpdate((pair) => {
    opts.logger.info({ expiration: pair.notAfter.toISOString() }, 'Certificate rotation detected, shutting down client connections to start using new credentials');
    client.setClientCertificate(pair);
    // The bootstrap credentials are done with once the kubelet has its own certificate.
    certClient?.close();
    certClient = undefined;
  });
  manager.start();
  return {
    client,
    certificatePem: () => manager.current()?.certPem,
    stop: async () => {
      // Closing first ends a request in flight, so the manager's loop sees the stop at once.
      client.close();
      certClient?.close();
      await manager.stop();
    },
  };
}
