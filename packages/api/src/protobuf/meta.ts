// apimachinery's meta/v1 messages (pkg/apis/meta/v1/generated.proto, v0.32) that the API kinds embed.
import type { ObjectMeta } from '../meta.ts';
import { decodeMessage, encodeMessage, type JsonMessage, type MessageSpec } from './message-codec.ts';

/** `metav1.OwnerReference`. */
export const OWNER_REFERENCE: MessageSpec = {
  name: 'OwnerReference',
  fields: [
    { no: 5, json: 'apiVersion', type: 'string', keep: true },
    { no: 1, json: 'kind', type: 'string', keep: true },
    { no: 3, json: 'name', type: 'string', keep: true },
    { no: 4, json: 'uid', type: 'string', keep: true },
    { no: 6, json: 'controller', type: 'bool', optional: true },
    { no: 7, json: 'blockOwnerDeletion', type: 'bool', optional: true },
  ],
};

/** `metav1.ManagedFieldsEntry`. */
export const MANAGED_FIELDS_ENTRY: MessageSpec = {
  name: 'ManagedFieldsEntry',
  fields: [
    { no: 1, json: 'manager', type: 'string' },
    { no: 2, json: 'operation', type: 'string' },
    { no: 3, json: 'apiVersion', type: 'string' },
    { no: 4, json: 'time', type: 'time', optional: true },
    { no: 6, json: 'fieldsType', type: 'string' },
    { no: 7, json: 'fieldsV1', type: 'json', optional: true },
    { no: 8, json: 'subresource', type: 'string' },
  ],
};

/** `metav1.ObjectMeta`. */
export const OBJECT_META: MessageSpec = {
  name: 'ObjectMeta',
  fields: [
    { no: 1, json: 'name', type: 'string' },
    { no: 2, json: 'generateName', type: 'string' },
    { no: 3, json: 'namespace', type: 'string' },
    { no: 4, json: 'selfLink', type: 'string' },
    { no: 5, json: 'uid', type: 'string' },
    { no: 6, json: 'resourceVersion', type: 'string' },
    { no: 7, json: 'generation', type: 'int64' },
    { no: 8, json: 'creationTimestamp', type: 'time' },
    { no: 9, json: 'deletionTimestamp', type: 'time', optional: true },
    { no: 10, json: 'deletionGracePeriodSeconds', type: 'int64', optional: true },
    { no: 11, json: 'labels', type: 'stringMap' },
    { no: 12, json: 'annotations', type: 'stringMap' },
    { no: 13, json: 'ownerReferences', type: 'message', message: OWNER_REFERENCE, repeated: true },
    { no: 14, json: 'finalizers', type: 'string', repeated: true },
    { no: 17, json: 'managedFields', type: 'message', message: MANAGED_FIELDS_ENTRY, repeated: true },
  ],
};

/** `metav1.LabelSelectorRequirement` (also the shape of FieldSelectorRequirement). */
export const SELECTOR_REQUIREMENT: MessageSpec = {
  name: 'SelectorRequirement',
  fields: [
    { no: 1, json: 'key', type: 'string', keep: true },
    { no: 2, json: 'operator', type: 'string', keep: true },
    { no: 3, json: 'values', type: 'string', repeated: true },
  ],
};

/** `metav1.LabelSelector`. */
export const LABEL_SELECTOR: MessageSpec = {
  name: 'LabelSelector',
  fields: [
    { no: 1, json: 'matchLabels', type: 'stringMap' },
    { no: 2, json: 'matchExpressions', type: 'message', message: SELECTOR_REQUIREMENT, repeated: true },
  ],
};

/** `metav1.Condition`, the condition type of newer status structs (a Service's `status.conditions`). */
export const CONDITION: MessageSpec = {
  name: 'Condition',
  fields: [
    { no: 1, json: 'type', type: 'string', keep: true },
    { no: 2, json: 'status', type: 'string', keep: true },
    { no: 3, json: 'observedGeneration', type: 'int64' },
    { no: 4, json: 'lastTransitionTime', type: 'time', keep: true },
    { no: 5, json: 'reason', type: 'string', keep: true },
    { no: 6, json: 'message', type: 'string', keep: true },
  ],
};

/** The `metadata` field every top-level kind has as field 1. */
export const METADATA_FIELD = { no: 1, json: 'metadata', type: 'message', message: OBJECT_META, keep: true } as const;

/** Decode an ObjectMeta message's bytes into its JSON form; 400 for malformed bytes. */
export function decodeObjectMeta(bytes: Uint8Array): ObjectMeta {
  return decodeMessage(bytes, OBJECT_META) as ObjectMeta;
}

/** Encode an ObjectMeta as Kubernetes writes it (every string field, zero or not). */
export function encodeObjectMeta(meta: ObjectMeta): Uint8Array {
  return encodeMessage(meta as JsonMessage, OBJECT_META);
}
