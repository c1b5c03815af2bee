// The audit's public surface: audit a configuration, read the report, format it.
export { auditConfiguration, auditFacts, type AuditInput, type AuditOutcome, type AuditReport } from './audit.ts';
export { CIS_CONTROLS, cisControl, type CisControl, type CisControlId } from './cis-controls.ts';
export { checkControls, type ControlResult, type ControlStatus } from './check-controls.ts';
export type { ApiserverFacts, AuditedConfiguration, KubeletFacts, Setting } from './configuration.ts';
export { predictAttacks, PER_NODE_ATTACKS, type Prediction } from './predict.ts';
export { formatAuditJson, formatAuditText } from './format.ts';
export { auditCluster, auditLabDir, labConfiguration, writeLabConfiguration, type LabConfiguration } from './audit-cluster.ts';
export type { ApiserverSource, ReadResult } from './read-apiserver.ts';
export type { KubeletSource } from './read-kubelet.ts';
