// The pod volume shapes the kubelet reads (`v1.Volume`, `v1.VolumeMount` and the sources a toy node can
// fill), and the small contracts volume setup is written against: what it reads from the cluster and what
// one volume's setup yields.
import type { KubeObject } from '@hubspoke/api';

/** `v1.KeyToPath`: one key of a ConfigMap or Secret projected to a relative path. */
export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

/** `v1.ObjectFieldSelector`. */
export interface ObjectFieldSelector {
  apiVersion?: string;
  fieldPath: string;
}

/** `v1.DownwardAPIVolumeFile`. */
export interface DownwardAPIVolumeFile {
  path: string;
  fieldRef?: ObjectFieldSelector;
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: string };
  mode?: number;
}

/** `v1.ConfigMapVolumeSource` (and, without defaultMode, `v1.ConfigMapProjection`). */
export interface ConfigMapSource {
  name: string;
  items?: KeyToPath[];
  optional?: boolean;
  defaultMode?: number;
}

/** `v1.SecretVolumeSource`: note `secretName`, where the projection says `name`. */
export interface SecretVolumeSource {
  secretName: string;
  items?: KeyToPath[];
  optional?: boolean;
  defaultMode?: number;
}

/** `v1.ServiceAccountTokenProjection`. */
export interface ServiceAccountTokenProjection {
  path: string;
  audience?: string;
  expirationSeconds?: number;
}

/** `v1.VolumeProjection`: exactly one member is set. */
export interface VolumeProjection {
  configMap?: ConfigMapSource;
  secret?: { name: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardAPIVolumeFile[] };
  serviceAccountToken?: ServiceAccountTokenProjection;
  clusterTrustBundle?: unknown;
}

/** `v1.Volume`: the name plus one source; sources a toy node cannot fill are mounted empty. */
export interface PodVolume {
  name: string;
  configMap?: ConfigMapSource;
  secret?: SecretVolumeSource;
  downwardAPI?: { items?: DownwardAPIVolumeFile[]; defaultMode?: number };
  projected?: { sources?: VolumeProjection[]; defaultMode?: number };
  [source: string]: unknown;
}

/** `v1.VolumeMount`. */
export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  subPathExpr?: string;
  readOnly?: boolean;
}

/** What a volume holds: paths relative to its root → content. */
export type VolumeFiles = Map<string, string | Buffer>;

/** A ConfigMap or Secret lookup: found, absent (which `optional` forgives), or failed otherwise. */
export type ObjectLookup = { kind: 'found'; object: KubeObject } | { kind: 'missing'; message: string } | { kind: 'failed'; message: string };

/** `authentication.k8s.io/v1` TokenRequestSpec as the kubelet sends it. */
export interface TokenRequestSpec {
  /** Absent: the apiserver's own audiences. */
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef: { kind: 'Pod'; apiVersion: 'v1'; name: string; uid: string };
}

/** A ServiceAccount token: issued, or the reason there is none (Kubernetes' error text). */
export type TokenResult = { kind: 'issued'; token: string } | { kind: 'failed'; message: string };

/** What volume setup reads from the cluster. Plain functions, so tests write fakes inline. */
export interface VolumeSourceReader {
  configMap(namespace: string, name: string): Promise<ObjectLookup>;
  secret(namespace: string, name: string): Promise<ObjectLookup>;
  /** A (possibly cached) token of `serviceAccount`, as the kubelet's token manager hands it out. */
  serviceAccountToken(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<TokenResult>;
}

/** The outcome of setting up one volume; `message` is the cause, as in `MountVolume.SetUp failed … : <message>`. */
export type VolumeSetUp = { kind: 'ready'; files: VolumeFiles } | { kind: 'failed'; message: string };

/** Everything a volume plugin gets: the pod, the cluster reader, and a sink for what it skips. */
export interface VolumeContext {
  pod: KubeObject;
  reader: VolumeSourceReader;
  /** Told about a file the toy node cannot produce; the volume is still set up without it. */
  skipped(volume: string, what: string): void;
}
