// Kubeconfig documents (clientcmd/api/v1 Config) as kubectl writes and reads them.
import { stringify } from 'yaml';

/** A cluster entry: where the apiserver is and how to trust it. */
export interface KubeconfigCluster {
  server: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}

/** A user entry: the credential presented to the apiserver. */
export interface KubeconfigUser {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
}

/** A context: a cluster, a user and a default namespace. */
export interface KubeconfigContext {
  cluster: string;
  user: string;
  namespace?: string;
}

/** The whole document, field names as in kubectl's YAML. */
export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  preferences: Record<string, never>;
  clusters: { name: string; cluster: KubeconfigCluster }[];
  users: { name: string; user: KubeconfigUser }[];
  contexts: { name: string; context: KubeconfigContext }[];
  'current-context': string;
}

/** One cluster, one user, one context. PEM values are embedded as `*-data`; `*File` values are referenced. */
export interface BuildKubeconfigOptions {
  clusterName: string;
  server: string;
  caCert?: string;
  caFile?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  userName: string;
  clientCert?: string;
  clientKey?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  token?: string;
  tokenFile?: string;
  namespace?: string;
  /** Defaults to `<userName>@<clusterName>`, as kubeadm names contexts. */
  contextName?: string;
}

/** A single-context kubeconfig whose current-context is that context. */
export function buildKubeconfig(options: BuildKubeconfigOptions): Kubeconfig {
  if (options.insecureSkipTLSVerify && (options.caCert || options.caFile)) {
    // kubectl refuses the same combination when it loads the file.
    throw new Error('specifying a root certificates file with the insecure flag is not allowed');
  }
  const contextName = options.contextName ?? `${options.userName}@${options.clusterName}`;
  const cluster: KubeconfigCluster = { server: options.server };
  if (options.caCert) cluster['certificate-authority-data'] = base64(options.caCert);
  if (options.caFile) cluster['certificate-authority'] = options.caFile;
  if (options.insecureSkipTLSVerify) cluster['insecure-skip-tls-verify'] = true;
  if (options.tlsServerName) cluster['tls-server-name'] = options.tlsServerName;

  const user: KubeconfigUser = {};
  if (options.clientCert) user['client-certificate-data'] = base64(options.clientCert);
  if (options.clientCertFile) user['client-certificate'] = options.clientCertFile;
  if (options.clientKey) user['client-key-data'] = base64(options.clientKey);
  if (options.clientKeyFile) user['client-key'] = options.clientKeyFile;
  if (options.token) user.token = options.token;
  if (options.tokenFile) user.tokenFile = options.tokenFile;

  const context: KubeconfigContext = { cluster: options.clusterName, user: options.userName };
  if (options.namespace) context.namespace = options.namespace;

  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: options.clusterName, cluster }],
    users: [{ name: options.userName, user }],
    contexts: [{ name: contextName, context }],
    'current-context': contextName,
  };
}

/** YAML text of a kubeconfig in kubectl's style: unindented lists, long base64 values on one line. */
export function kubeconfigToYaml(config: Kubeconfig): string {
  return stringify(config, { lineWidth: 0, indentSeq: false });
}

function base64(pem: string): string {
  return Buffer.from(pem, 'utf8').toString('base64');
}
