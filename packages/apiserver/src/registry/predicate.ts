// Compiles `labelSelector` and `fieldSelector` query parameters into one predicate for list and watch.
import {
  checkFieldLabels,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  requirementValue,
  type KubeObject,
  type ResourceDefinition,
} from '@hubspoke/api';

/** The field values selectors may match for an object of this kind. */
export function objectFields(def: ResourceDefinition, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '' };
  if (def.namespaced) fields['metadata.namespace'] = obj.metadata.namespace ?? '';
  return { ...fields, ...(def.fields?.(obj) ?? {}) };
}

/** The field labels a kind supports in selectors. */
export function supportedFieldLabels(def: ResourceDefinition, sample?: KubeObject): string[] {
  const probe = sample ?? ({ metadata: {} } as KubeObject);
  return Object.keys(objectFields(def, probe));
}

/** A predicate for the query's selectors, or undefined when there are none. Throws 400 for bad selectors. */
export function compileSelectors(def: ResourceDefinition, query: URLSearchParams): ((o: KubeObject) => boolean) | undefined {
  const labelText = query.get('labelSelector') ?? '';
  const fieldText = query.get('fieldSelector') ?? '';
  const labels = labelText.trim() ? parseLabelSelector(labelText) : undefined;
  const parsed = fieldText.trim() ? parseFieldSelector(fieldText) : undefined;
  // checkFieldLabels also maps legacy labels (pods' spec.host → spec.nodeName).
  const fields = parsed ? checkFieldLabels(parsed, supportedFieldLabels(def), def.kind) : undefined;
  if (!labels && !fields) return undefined;
  return (obj) =>
    (!labels || matchesLabels(labels, obj.metadata.labels ?? {})) && (!fields || matchesFields(fields, objectFields(def, obj)));
}

/** Pods are indexed by node: a selector requiring `spec.nodeName=X` names the index value to use. */
export const NODE_NAME_INDEX = 'spec.nodeName';

/** The node a pods query is narrowed to by its field selector, when the index can answer it. */
export function indexedNodeName(def: ResourceDefinition, query: URLSearchParams): string | undefined {
  if (def.plural !== 'pods' || def.group !== '') return undefined;
  const text = query.get('fieldSelector');
  if (!text?.trim()) return undefined;
  const value = requirementValue(parseFieldSelector(text), NODE_NAME_INDEX);
  return value || undefined;
}
