// The audit of a running lab: its effective configuration (what the apiserver and each kubelet resolved at
// start), written beside the lab as configuration.json with every key and certificate reduced to "(set)", so
// `hubspoke audit` in another terminal judges exactly what runs and the file leaks no secret.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiserverOptions } from '@hubspoke/apiserver';
import type { KubeletConfigInput } from '@hubspoke/kubelet';
import type { Cluster } from '../cluster.ts';
import { auditConfiguration, type AuditOutcome } from './audit.ts';

/** The effective configuration of a lab, secrets redacted. */
export interface LabConfiguration {
  apiserver: ApiserverOptions;
  kubelets: KubeletConfigInput[];
}

// Fields whose presence matters to the audit but whose contents are keys, certificates or tokens.
const SECRET_APISERVER_FIELDS = [
  'tlsCert', 'tlsKey', 'clientCA', 'rootCA', 'tokenAuthFile', 'serviceAccountKeys', 'serviceAccountSigningKey',
  'kubeletClientCert', 'kubeletClientKey', 'kubeletCertificateAuthority', 'clusterSigningCert', 'clusterSigningKey',
  'sshPrivateKey', 'sshKnownHosts',
] as const;
const SECRET_KUBELET_FIELDS = ['tlsCert', 'tlsPrivateKey', 'clientCA', 'kubeconfig'] as const;

const SET = '(set)';

function redact<T extends object>(value: T, fields: readonly string[]): T {
  const copy = { ...value } as Record<string, unknown>;
  for (const f of fields) if (copy[f] !== undefined && copy[f] !== '' && !(Array.isArray(copy[f]) && (copy[f] as unknown[]).length === 0)) copy[f] = SET;
  return copy as T;
}

/** The lab's effective configuration, redacted. */
export function labConfiguration(cluster: Cluster): LabConfiguration {
  return {
    apiserver: redact(cluster.apiserver.config as ApiserverOptions, SECRET_APISERVER_FIELDS),
    kubelets: cluster.kubelets.map((k) => redact(k.config as KubeletConfigInput, SECRET_KUBELET_FIELDS)),
  };
}

/** Where `hubspoke up` keeps it. */
export function labConfigurationPath(dir: string): string {
  return join(dir, 'configuration.json');
}

/** Write the lab's configuration into its folder. */
export async function writeLabConfiguration(dir: string, cluster: Cluster): Promise<void> {
  await writeFile(labConfigurationPath(dir), `${JSON.stringify(labConfiguration(cluster), null, 2)}\n`, { mode: 0o600 });
}

/** Audit a running lab in-process. */
export function auditCluster(cluster: Cluster): Promise<AuditOutcome> {
  return auditLabConfiguration(labConfiguration(cluster));
}

/** Audit a configuration written by `hubspoke up`. */
export async function auditLabDir(dir: string): Promise<AuditOutcome> {
  let text: string;
  try {
    text = await readFile(labConfigurationPath(dir), 'utf8');
  } catch {
    return { kind: 'error', message: `no lab configuration in ${dir}: start a lab with \`hubspoke up\`, or audit command lines with --apiserver-cmdline and --kubelet-cmdline` };
  }
  return auditLabConfiguration(JSON.parse(text) as LabConfiguration);
}

function auditLabConfiguration(config: LabConfiguration): Promise<AuditOutcome> {
  return auditConfiguration({ apiserver: { options: config.apiserver }, kubelets: config.kubelets.map((c) => ({ config: c })) });
}
