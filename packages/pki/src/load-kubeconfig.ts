// Reading a kubeconfig the way client-go's clientcmd does: pick a context, resolve files next to the file.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import type { KubeconfigCluster, KubeconfigContext, KubeconfigUser } from './kubeconfig.ts';

/** Everything a client needs to connect, with file references already read. */
export interface ResolvedKubeconfig {
  contextName: string;
  server: string;
  caCert?: string;
  clientCert?: string;
  clientKey?: string;
  token?: string;
  insecureSkipTLSVerify: boolean;
  tlsServerName?: string;
  namespace?: string;
}

/** Which context to use (default: current-context); `baseDir` anchors relative paths when given YAML text. */
export interface LoadKubeconfigOptions {
  context?: string;
  baseDir?: string;
}

/**
 * Loads a kubeconfig from a file path or from YAML text (anything with a line break). Relative
 * `certificate-authority`, `client-certificate`, `client-key` and `tokenFile` paths resolve against the
 * kubeconfig's folder; `*-data` fields win over files and `token` over `tokenFile`, as in client-go.
 */
export async function loadKubeconfig(source: string, options: LoadKubeconfigOptions = {}): Promise<ResolvedKubeconfig> {
  const isText = source.includes('\n');
  const text = isText ? source : await readFile(source, 'utf8');
  const baseDir = isText ? (options.baseDir ?? process.cwd()) : dirname(resolve(source));
  const doc = parseDocument(text);

  const contextName = options.context ?? stringField(doc['current-context']);
  if (!contextName) throw new Error('invalid configuration: no context chosen: current-context is not set');
  const context = findNamed<KubeconfigContext>(doc.contexts, contextName, 'context');
  if (!context) throw new Error(`context was not found for specified context: ${contextName}`);
  if (!context.cluster) throw new Error(`invalid configuration: cluster was not specified for context "${contextName}"`);
  if (!context.user) throw new Error(`invalid configuration: user was not specified for context "${contextName}"`);
  const cluster = findNamed<KubeconfigCluster>(doc.clusters, context.cluster, 'cluster');
  if (!cluster) throw new Error(`invalid configuration: cluster "${context.cluster}" was not found for context "${contextName}"`);
  const user = findNamed<KubeconfigUser>(doc.users, context.user, 'user');
  if (!user) throw new Error(`invalid configuration: user "${context.user}" was not found for context "${contextName}"`);
  if (!cluster.server) throw new Error(`invalid configuration: no server found for cluster "${context.cluster}"`);

  const read = (what: string, owner: string, path: string) =>
    readFile(resolve(baseDir, path), 'utf8').catch((error: Error) => {
      throw new Error(`unable to read ${what} ${path} for ${owner} due to ${error.message}`);
    });
  const pick = (data: string | undefined, path: string | undefined, what: string, owner: string) =>
    data ? Promise.resolve(fromBase64(data, what)) : path ? read(what, owner, path) : Promise.resolve(undefined);

  // Read one after another, in client-go's order, so the first missing file is the one reported.
  const caCert = await pick(cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate-authority', context.cluster);
  const clientCert = await pick(user['client-certificate-data'], user['client-certificate'], 'client-cert', context.user);
  const clientKey = await pick(user['client-key-data'], user['client-key'], 'client-key', context.user);
  const tokenFromFile = user.token ? undefined : user.tokenFile ? await read('tokenFile', context.user, user.tokenFile) : undefined;
  const token = user.token ?? tokenFromFile?.trim();

  const resolved: ResolvedKubeconfig = {
    contextName,
    server: cluster.server,
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  if (caCert !== undefined) resolved.caCert = caCert;
  if (clientCert !== undefined) resolved.clientCert = clientCert;
  if (clientKey !== undefined) resolved.clientKey = clientKey;
  if (token) resolved.token = token;
  if (cluster['tls-server-name']) resolved.tlsServerName = cluster['tls-server-name'];
  if (context.namespace) resolved.namespace = context.namespace;
  return resolved;
}

type RawDocument = Record<string, unknown>;

function parseDocument(text: string): RawDocument {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new Error(`invalid kubeconfig: ${(error as Error).message}`);
  }
  if (doc === null || doc === undefined) throw new Error('invalid configuration: no configuration has been provided');
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('invalid kubeconfig: not a YAML mapping');
  return doc as RawDocument;
}

// Named lists look like `- name: x\n  cluster: {...}`; the payload key is the list's singular.
function findNamed<T>(list: unknown, name: string, payloadKey: string): T | undefined {
  if (!Array.isArray(list)) return undefined;
  const entry = list.find((item) => item && typeof item === 'object' && (item as { name?: unknown }).name === name);
  if (!entry) return undefined;
  const payload = (entry as Record<string, unknown>)[payloadKey];
  return (payload && typeof payload === 'object' ? payload : {}) as T;
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function fromBase64(data: string, what: string): string {
  const text = Buffer.from(data, 'base64').toString('utf8');
  if (text === '') throw new Error(`invalid kubeconfig: ${what}-data is not valid base64`);
  return text;
}
