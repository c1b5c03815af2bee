// authorization.k8s.io/v1 messages (k8s.io/api authorization/v1/generated.proto, v0.32): the reviews
// `kubectl auth can-i` and webhook authorizers send.
import type { MessageSpec } from './message-codec.ts';
import { METADATA_FIELD, SELECTOR_REQUIREMENT } from './meta.ts';

const selectorAttributes = (name: string): MessageSpec => ({
  name,
  fields: [
    { no: 1, json: 'rawSelector', type: 'string' },
    { no: 2, json: 'requirements', type: 'message', message: SELECTOR_REQUIREMENT, repeated: true },
  ],
});

const RESOURCE_ATTRIBUTES: MessageSpec = {
  name: 'ResourceAttributes',
  fields: [
    { no: 1, json: 'namespace', type: 'string' },
    { no: 2, json: 'verb', type: 'string' },
    { no: 3, json: 'group', type: 'string' },
    { no: 4, json: 'version', type: 'string' },
    { no: 5, json: 'resource', type: 'string' },
    { no: 6, json: 'subresource', type: 'string' },
    { no: 7, json: 'name', type: 'string' },
    { no: 8, json: 'fieldSelector', type: 'message', message: selectorAttributes('FieldSelectorAttributes'), optional: true },
    { no: 9, json: 'labelSelector', type: 'message', message: selectorAttributes('LabelSelectorAttributes'), optional: true },
  ],
};

const NON_RESOURCE_ATTRIBUTES: MessageSpec = {
  name: 'NonResourceAttributes',
  fields: [
    { no: 1, json: 'path', type: 'string' },
    { no: 2, json: 'verb', type: 'string' },
  ],
};

const attributeFields = [
  { no: 1, json: 'resourceAttributes', type: 'message', message: RESOURCE_ATTRIBUTES, optional: true },
  { no: 2, json: 'nonResourceAttributes', type: 'message', message: NON_RESOURCE_ATTRIBUTES, optional: true },
] as const;

const SUBJECT_ACCESS_REVIEW_SPEC: MessageSpec = {
  name: 'SubjectAccessReviewSpec',
  fields: [
    ...attributeFields,
    { no: 3, json: 'user', type: 'string' },
    { no: 4, json: 'groups', type: 'string', repeated: true },
    { no: 5, json: 'extra', type: 'extraMap' },
    { no: 6, json: 'uid', type: 'string' },
  ],
};

const SUBJECT_ACCESS_REVIEW_STATUS: MessageSpec = {
  name: 'SubjectAccessReviewStatus',
  fields: [
    { no: 1, json: 'allowed', type: 'bool', keep: true },
    { no: 4, json: 'denied', type: 'bool' },
    { no: 2, json: 'reason', type: 'string' },
    { no: 3, json: 'evaluationError', type: 'string' },
  ],
};

const review = (name: string, spec: MessageSpec, status: MessageSpec): MessageSpec => ({
  name,
  fields: [
    METADATA_FIELD,
    { no: 2, json: 'spec', type: 'message', message: spec, keep: true },
    { no: 3, json: 'status', type: 'message', message: status, keep: true },
  ],
});

/** `SubjectAccessReview`. */
export const SUBJECT_ACCESS_REVIEW = review('SubjectAccessReview', SUBJECT_ACCESS_REVIEW_SPEC, SUBJECT_ACCESS_REVIEW_STATUS);

/** `LocalSubjectAccessReview` (same messages as SubjectAccessReview). */
export const LOCAL_SUBJECT_ACCESS_REVIEW = review(
  'LocalSubjectAccessReview',
  SUBJECT_ACCESS_REVIEW_SPEC,
  SUBJECT_ACCESS_REVIEW_STATUS,
);

/** `SelfSubjectAccessReview`, which `kubectl auth can-i` sends. */
export const SELF_SUBJECT_ACCESS_REVIEW = review(
  'SelfSubjectAccessReview',
  { name: 'SelfSubjectAccessReviewSpec', fields: [...attributeFields] },
  SUBJECT_ACCESS_REVIEW_STATUS,
);

const RESOURCE_RULE: MessageSpec = {
  name: 'ResourceRule',
  fields: [
    { no: 1, json: 'verbs', type: 'string', repeated: true, keep: true },
    { no: 2, json: 'apiGroups', type: 'string', repeated: true },
    { no: 3, json: 'resources', type: 'string', repeated: true },
    { no: 4, json: 'resourceNames', type: 'string', repeated: true },
  ],
};

const NON_RESOURCE_RULE: MessageSpec = {
  name: 'NonResourceRule',
  fields: [
    { no: 1, json: 'verbs', type: 'string', repeated: true, keep: true },
    { no: 2, json: 'nonResourceURLs', type: 'string', repeated: true },
  ],
};

/** `SelfSubjectRulesReview`, which `kubectl auth can-i --list` sends. */
export const SELF_SUBJECT_RULES_REVIEW = review(
  'SelfSubjectRulesReview',
  { name: 'SelfSubjectRulesReviewSpec', fields: [{ no: 1, json: 'namespace', type: 'string' }] },
  {
    name: 'SubjectRulesReviewStatus',
    fields: [
      { no: 1, json: 'resourceRules', type: 'message', message: RESOURCE_RULE, repeated: true, keep: true },
      { no: 2, json: 'nonResourceRules', type: 'message', message: NON_RESOURCE_RULE, repeated: true, keep: true },
      { no: 3, json: 'incomplete', type: 'bool', keep: true },
      { no: 4, json: 'evaluationError', type: 'string' },
    ],
  },
);
