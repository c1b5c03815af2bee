// `hubspoke audit`: a configuration (command lines, or the objects the lab starts in-process) checked against
// the CIS controls on the control plane → node path, with a prediction of every attack of the catalogue.
import { readFileSync } from 'node:fs';
import { checkControls, type ControlResult } from './check-controls.ts';
import type { AuditedConfiguration, KubeletFacts } from './configuration.ts';
import { predictAttacks, type Prediction } from './predict.ts';
import { readApiserver, type ApiserverSource } from './read-apiserver.ts';
import { readKubelet, type KubeletSource } from './read-kubelet.ts';

/** What to audit: one apiserver and its kubelets. */
export interface AuditInput {
  apiserver: ApiserverSource;
  kubelets: readonly KubeletSource[];
  /**
   * Reads the files whose contents decide something: the apiserver's --egress-selector-config-file and a
   * kubelet's --config. Default: from disk. Other files that flags name are only noted as set, never read.
   */
  readFile?: (path: string) => string;
}

/** The controls judged and the attacks predicted. */
export interface AuditReport {
  controls: ControlResult[];
  predictions: Prediction[];
}

/** A report, or why the configuration could not be read (an unknown flag, an unreadable file, …). */
export type AuditOutcome = { kind: 'report'; report: AuditReport } | { kind: 'error'; message: string };

/** Audit a configuration given as command lines or as in-process options. */
export async function auditConfiguration(input: AuditInput): Promise<AuditOutcome> {
  const readFile = input.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const apiserver = readApiserver(input.apiserver, readFile);
  if (apiserver.kind === 'error') return apiserver;
  const kubelets: KubeletFacts[] = [];
  for (const [i, source] of input.kubelets.entries()) {
    const kubelet = await readKubelet(source, { readFile, label: `kubelet ${i + 1}` });
    if (kubelet.kind === 'error') return kubelet;
    kubelets.push(kubelet.facts);
  }
  return { kind: 'report', report: auditFacts({ apiserver: apiserver.facts, kubelets }) };
}

/** Audit settings already read (what the matrix builds per combination). */
export function auditFacts(config: AuditedConfiguration): AuditReport {
  return { controls: checkControls(config), predictions: predictAttacks(config) };
}
