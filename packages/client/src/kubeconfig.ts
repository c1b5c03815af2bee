// A client from a kubeconfig file, the way every Kubernetes component takes its apiserver connection.
import { loadKubeconfig } from '@hubspoke/pki';
import { createClient } from './client.ts';
import type { ApiClient } from './client.ts';
import type { ClientConfig } from './config.ts';

/** The ClientConfig of a kubeconfig's (current or named) context; `pathOrYaml` is a path or YAML text. */
export async function clientConfigFromKubeconfig(pathOrYaml: string, opts: KubeconfigClientOptions = {}): Promise<ClientConfig> {
  const resolved = await loadKubeconfig(pathOrYaml, { context: opts.context });
  return {
    server: resolved.server,
    caCert: resolved.caCert,
    clientCert: resolved.clientCert,
    clientKey: resolved.clientKey,
    token: resolved.token,
    insecureSkipTLSVerify: resolved.insecureSkipTLSVerify,
    tlsServerName: resolved.tlsServerName,
    userAgent: opts.userAgent,
  };
}

/** Options for clientFromKubeconfig. */
export interface KubeconfigClientOptions {
  /** The context to use instead of `current-context`. */
  context?: string;
  userAgent?: string;
}

/** A client for the (current or named) context of the kubeconfig at `pathOrYaml` (a path or YAML text). */
export async function clientFromKubeconfig(pathOrYaml: string, opts: KubeconfigClientOptions = {}): Promise<ApiClient> {
  return createClient(await clientConfigFromKubeconfig(pathOrYaml, opts));
}
