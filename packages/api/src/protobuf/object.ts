// Whole API objects in protobuf: the envelope plus the kind's own message. Only the kinds kubectl (its reviews,
// `create token` and the typed `create <kind>` subcommands) and webhook clients send as protobuf are known;
// anything else is refused so the client can use JSON.
import { ApiError, notAcceptable } from '../errors.ts';
import type { KubeObject } from '../meta.ts';
import {
  LOCAL_SUBJECT_ACCESS_REVIEW,
  SELF_SUBJECT_ACCESS_REVIEW,
  SELF_SUBJECT_RULES_REVIEW,
  SUBJECT_ACCESS_REVIEW,
} from './authorization.ts';
import { SELF_SUBJECT_REVIEW, TOKEN_REQUEST, TOKEN_REVIEW } from './authentication.ts';
import { CERTIFICATE_SIGNING_REQUEST } from './certificates.ts';
import { CONFIG_MAP, NAMESPACE, SECRET, SERVICE, SERVICE_ACCOUNT } from './core.ts';
import { decodeEnvelope, encodeEnvelope, PROTOBUF_MEDIA_TYPE } from './envelope.ts';
import { decodeMessage, encodeMessage, type JsonMessage, type MessageSpec } from './message-codec.ts';
import { CLUSTER_ROLE, CLUSTER_ROLE_BINDING, ROLE, ROLE_BINDING } from './rbac.ts';

const KINDS: Record<string, MessageSpec> = {
  'v1 Namespace': NAMESPACE,
  'v1 ConfigMap': CONFIG_MAP,
  'v1 Secret': SECRET,
  'v1 ServiceAccount': SERVICE_ACCOUNT,
  'v1 Service': SERVICE,
  'rbac.authorization.k8s.io/v1 Role': ROLE,
  'rbac.authorization.k8s.io/v1 ClusterRole': CLUSTER_ROLE,
  'rbac.authorization.k8s.io/v1 RoleBinding': ROLE_BINDING,
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': CLUSTER_ROLE_BINDING,
  'certificates.k8s.io/v1 CertificateSigningRequest': CERTIFICATE_SIGNING_REQUEST,
  'authorization.k8s.io/v1 SelfSubjectAccessReview': SELF_SUBJECT_ACCESS_REVIEW,
  'authorization.k8s.io/v1 SubjectAccessReview': SUBJECT_ACCESS_REVIEW,
  'authorization.k8s.io/v1 LocalSubjectAccessReview': LOCAL_SUBJECT_ACCESS_REVIEW,
  'authorization.k8s.io/v1 SelfSubjectRulesReview': SELF_SUBJECT_RULES_REVIEW,
  'authentication.k8s.io/v1 TokenRequest': TOKEN_REQUEST,
  'authentication.k8s.io/v1 TokenReview': TOKEN_REVIEW,
  'authentication.k8s.io/v1 SelfSubjectReview': SELF_SUBJECT_REVIEW,
  'authentication.k8s.io/v1beta1 TokenReview': TOKEN_REVIEW,
  'authentication.k8s.io/v1beta1 SelfSubjectReview': SELF_SUBJECT_REVIEW,
  'authentication.k8s.io/v1alpha1 SelfSubjectReview': SELF_SUBJECT_REVIEW,
};

function specFor(apiVersion: string, kind: string): MessageSpec | undefined {
  const key = `${apiVersion} ${kind}`;
  return Object.prototype.hasOwnProperty.call(KINDS, key) ? KINDS[key] : undefined;
}

/** The kinds this package can read and write as protobuf, as `{apiVersion, kind}` pairs. */
export const PROTOBUF_KINDS: ReadonlyArray<{ apiVersion: string; kind: string }> = Object.keys(KINDS).map((key) => {
  const [apiVersion, kind] = key.split(' ');
  return { apiVersion, kind };
});

/** Whether objects of this type can be decoded from and encoded to protobuf. */
export function protobufSupported(apiVersion: string, kind: string): boolean {
  return specFor(apiVersion, kind) !== undefined;
}

/** Decode a kind's raw message bytes (an envelope's `raw`) into the object's JSON form. */
export function decodeRawObject(type: { apiVersion: string; kind: string }, raw: Uint8Array): KubeObject {
  const spec = specFor(type.apiVersion, type.kind);
  if (!spec) {
    const what = type.kind ? `kind "${type.kind}" in version "${type.apiVersion}"` : 'an object without a kind';
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `${PROTOBUF_MEDIA_TYPE} is not supported for ${what} - accepted media types include: application/json, application/yaml`,
    );
  }
  const body = decodeMessage(raw, spec);
  return { kind: type.kind, apiVersion: type.apiVersion, ...body } as KubeObject;
}

/** Decode a protobuf request body into an object; 400 for malformed bytes, 415 for a kind it cannot read. */
export function decodeProtobufObject(bytes: Uint8Array): KubeObject {
  const envelope = decodeEnvelope(bytes);
  return decodeRawObject(envelope, envelope.raw);
}

/** Encode an object's own message (no envelope); 406 if its kind has no protobuf form here. */
export function encodeRawObject(obj: KubeObject): Uint8Array {
  const spec = specFor(obj.apiVersion ?? '', obj.kind ?? '');
  if (!spec) throw notAcceptable(`${PROTOBUF_MEDIA_TYPE} is not available for ${obj.kind ?? 'this object'}`);
  const { apiVersion: _v, kind: _k, ...body } = obj;
  return encodeMessage(body as JsonMessage, spec);
}

/** Encode an object as a complete protobuf body (magic, envelope, message). */
export function encodeProtobufObject(obj: KubeObject): Uint8Array {
  return encodeEnvelope({ apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', raw: encodeRawObject(obj) });
}
