// `--egress-selector-config-file`: the EgressSelectorConfiguration (apiserver.k8s.io v1beta1 and v1), read and
// validated with Kubernetes' field-error texts. Only the `cluster` selection steers anything here (kubelet
// traffic and nodes/pods/services proxying); `controlplane` and `etcd` are accepted and ignored, since this
// apiserver has no etcd and no control-plane peers to dial.
import { existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** The three egress selection names Kubernetes knows. */
export type EgressSelectionName = 'cluster' | 'controlplane' | 'etcd';

/** TLS to the proxy: file paths, as in the file. */
export interface EgressTlsConfig {
  caBundle?: string;
  clientKey?: string;
  clientCert?: string;
}

/** One selection as written in the file (both transports may be present; validation says which is wrong). */
export interface EgressSelection {
  name: string;
  connection: {
    proxyProtocol: string;
    transport?: {
      tcp?: { url: string; tlsConfig?: EgressTlsConfig };
      uds?: { udsName: string };
    };
  };
}

/** A parsed and valid configuration. */
export interface EgressSelectorConfiguration {
  egressSelections: EgressSelection[];
}

/** The outcome of reading a configuration file's contents. */
export type EgressConfigResult = { kind: 'ok'; config: EgressSelectorConfiguration } | { kind: 'invalid'; problems: string[] };

const API_VERSIONS = ['apiserver.k8s.io/v1beta1', 'apiserver.k8s.io/v1'];
const NAMES = ['cluster', 'controlplane', 'etcd'];

/** Parse and validate `--egress-selector-config-file` contents; paths in tlsConfig are checked to exist. */
export function readEgressSelectorConfiguration(text: string, fileExists: (path: string) => boolean = existsSync): EgressConfigResult {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return { kind: 'invalid', problems: [`unable to parse egress selector configuration: ${(err as Error).message}`] };
  }
  const obj = (doc ?? {}) as { apiVersion?: unknown; kind?: unknown; egressSelections?: unknown };
  if (obj.kind !== 'EgressSelectorConfiguration' || !API_VERSIONS.includes(String(obj.apiVersion))) {
    return {
      kind: 'invalid',
      problems: [`no kind "${String(obj.kind ?? '')}" is registered for version "${String(obj.apiVersion ?? '')}" (supported: EgressSelectorConfiguration in ${API_VERSIONS.join(', ')})`],
    };
  }
  const raw = Array.isArray(obj.egressSelections) ? (obj.egressSelections as Partial<EgressSelection>[]) : [];
  const egressSelections = raw.map((s) => ({
    // v1beta1 still converts the old name `master` to `controlplane`.
    name: s.name === 'master' ? 'controlplane' : String(s.name ?? ''),
    connection: { proxyProtocol: String(s.connection?.proxyProtocol ?? ''), transport: s.connection?.transport ?? undefined },
  }));
  const problems = validateEgressSelections(egressSelections, fileExists);
  return problems.length ? { kind: 'invalid', problems } : { kind: 'ok', config: { egressSelections } };
}

/** The `cluster` selection, if configured. */
export function clusterSelection(config: EgressSelectorConfiguration): EgressSelection | undefined {
  return config.egressSelections.find((s) => s.name.toLowerCase() === 'cluster');
}

// Field paths and details are Kubernetes' own (egressselector/config.go), including its `service.connection` root.
function validateEgressSelections(selections: EgressSelection[], fileExists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  const path = 'service.connection';
  for (const { connection } of selections) {
    const transport = connection.transport;
    switch (connection.proxyProtocol) {
      case 'Direct':
        if (transport) problems.push(invalid(`${path}.transport`, 'direct', 'config must be absent for direct connect'));
        break;
      case 'HTTPConnect':
        problems.push(...validateHttpConnect(transport, fileExists));
        break;
      case 'GRPC':
        // Kubernetes accepts GRPC over UDS (konnectivity-client); hubspoke does not speak that protocol.
        problems.push(
          `${path}.protocol: Unsupported value: "GRPC": hubspoke supports "HTTPConnect" and "Direct" only (GRPC needs konnectivity-client, which hubspoke does not implement)`,
        );
        break;
      default:
        problems.push(`${path}.protocol: Unsupported value: ${JSON.stringify(connection.proxyProtocol)}: supported values: "Direct", "HTTPConnect", "GRPC"`);
    }
  }
  const seen = new Set<string>();
  selections.forEach((s, i) => {
    const name = s.name.toLowerCase();
    if (seen.has(name)) return void problems.push(`${path}[${i}]: Duplicate value: ${JSON.stringify(name)}`);
    seen.add(name);
    if (!NAMES.includes(name)) problems.push(`${path}: Unsupported value: ${JSON.stringify(name)}: supported values: ${NAMES.map((n) => `"${n}"`).join(', ')}`);
  });
  return problems;
}

function validateHttpConnect(transport: EgressSelection['connection']['transport'], fileExists: (path: string) => boolean): string[] {
  const path = 'service.connection';
  if (!transport) return [`${path}.transport: Required value: transport must be set for HTTPConnect`];
  const { tcp, uds } = transport;
  if (tcp && uds) return [invalid(`${path}.tcp`, JSON.stringify(tcp), 'TCP and UDS cannot both be set')];
  if (!tcp && !uds) return [`${path}.tcp: Required value: One of TCP or UDS must be set`];
  if (uds) return uds.udsName ? [] : [invalid(`${path}.udsName`, 'nil', 'must be present for UDS connections')];
  const url = String(tcp!.url ?? '');
  if (url.startsWith('http://')) return tcp!.tlsConfig ? [invalid(`${path}.tlsConfig`, 'nil', 'config must not be present when using HTTP')] : [];
  if (!url.startsWith('https://')) return [invalid(`${path}.url`, url, 'supported connection protocols are http:// and https://')];
  const tls = tcp!.tlsConfig;
  if (!tls) return [`${path}.tlsConfig: Required value: TLSConfig must be present when using HTTPS`];
  const problems: string[] = [];
  if (tls.caBundle && !fileExists(tls.caBundle)) problems.push(invalid(`${path}.tlsConfig.caBundle`, tls.caBundle, 'TLS config ca bundle does not exist'));
  if (!tls.clientCert) problems.push(invalid(`${path}.tlsConfig.clientCert`, 'nil', 'Using TLS requires clientCert'));
  else if (!fileExists(tls.clientCert)) problems.push(invalid(`${path}.tlsConfig.clientCert`, tls.clientCert, 'TLS client cert does not exist'));
  // "requires requires" is Kubernetes' own typo, kept so the text matches.
  if (!tls.clientKey) problems.push(invalid(`${path}.tlsConfig.clientKey`, 'nil', 'Using TLS requires requires clientKey'));
  else if (!fileExists(tls.clientKey)) problems.push(invalid(`${path}.tlsConfig.clientKey`, tls.clientKey, 'TLS client key does not exist'));
  return problems;
}

function invalid(field: string, value: string, detail: string): string {
  return `${field}: Invalid value: ${value.startsWith('{') ? value : JSON.stringify(value)}: ${detail}`;
}
