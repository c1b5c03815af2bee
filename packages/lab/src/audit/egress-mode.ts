// Which way the apiserver reaches nodes, decided as the apiserver decides it at startup (egress/egress.ts):
// `--ssh-user` means SSH tunnels; an EgressSelectorConfiguration whose `cluster` selection proxies (HTTPConnect,
// or Kubernetes' GRPC) means Konnectivity; `Direct`, no `cluster` selection, or no file means direct.
import { clusterSelection, readEgressSelectorConfiguration } from '@hubspoke/apiserver';
import type { EgressMode } from '../egress.ts';

/** The egress settings of the apiserver (contents, not file names). */
export interface EgressSettings {
  egressSelectorConfig?: string;
  sshUser?: string;
}

/** The egress mode, or why the settings would not start an apiserver. */
export type EgressModeResult = { kind: 'ok'; mode: EgressMode; detail: string } | { kind: 'error'; message: string };

/** The egress mode these settings select. */
export function egressModeOf(settings: EgressSettings): EgressModeResult {
  if (settings.sshUser && settings.egressSelectorConfig !== undefined) {
    return { kind: 'error', message: '--ssh-user and --egress-selector-config-file cannot be used together' };
  }
  if (settings.sshUser) return { kind: 'ok', mode: 'ssh', detail: `--ssh-user=${settings.sshUser}` };
  if (settings.egressSelectorConfig === undefined) return { kind: 'ok', mode: 'direct', detail: 'no --egress-selector-config-file, no --ssh-user' };
  // The apiserver's own reader and validator; the files the configuration names need not exist for a static check.
  const read = readEgressSelectorConfiguration(settings.egressSelectorConfig, () => true);
  if (read.kind === 'invalid') return { kind: 'error', message: `invalid egress selector configuration: ${read.problems.join('; ')}` };
  const cluster = clusterSelection(read.config);
  if (!cluster) return { kind: 'ok', mode: 'direct', detail: 'the egress selector configuration has no cluster selection' };
  const protocol = cluster.connection.proxyProtocol;
  switch (protocol) {
    case 'Direct':
      return { kind: 'ok', mode: 'direct', detail: 'egress selection cluster: Direct' };
    case 'HTTPConnect':
    case 'GRPC':
      return { kind: 'ok', mode: 'konnectivity', detail: `egress selection cluster: ${protocol}` };
    default:
      return { kind: 'error', message: `egress selection cluster: unsupported proxyProtocol ${JSON.stringify(protocol)}` };
  }
}
