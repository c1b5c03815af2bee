// authorization.k8s.io/v1 access reviews: `kubectl auth can-i` (SelfSubjectAccessReview), kubelets' webhook
// authorization (SubjectAccessReview), `auth can-i --list` (SelfSubjectRulesReview). Create-only, never stored.
import type { FieldError } from '../../errors.ts';
import { invalidValue } from '../../errors.ts';
import type { KubeObject } from '../../meta.ts';
import type { ResourceDefinition } from '../../resource.ts';
import { arr, get, str } from '../json.ts';
import { invalidRendered } from '../validation/index.ts';
import { CREATE_ONLY } from './verbs.ts';

/** The authorization API group. */
export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

// Go prints a present attributes struct with %#v and an absent one as the string "null".
function renderNonResource(obj: KubeObject): string {
  const path = JSON.stringify(str(obj, 'spec', 'nonResourceAttributes', 'path'));
  const verb = JSON.stringify(str(obj, 'spec', 'nonResourceAttributes', 'verb'));
  return `authorization.NonResourceAttributes{Path:${path}, Verb:${verb}}`;
}

function attributesErrors(obj: KubeObject): FieldError[] {
  const resource = get(obj, 'spec', 'resourceAttributes');
  const nonResource = get(obj, 'spec', 'nonResourceAttributes');
  if (resource && nonResource) {
    return [invalidRendered('spec.nonResourceAttributes', renderNonResource(obj), 'cannot be specified in combination with resourceAttributes')];
  }
  if (!resource && !nonResource) {
    return [invalidValue('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  }
  return [];
}

function validateSubjectAccessReview(obj: KubeObject): FieldError[] {
  const errs = attributesErrors(obj);
  if (!str(obj, 'spec', 'user') && arr(obj, 'spec', 'groups').length === 0) {
    errs.push(invalidValue('spec.user', str(obj, 'spec', 'user'), 'at least one of user or group must be specified'));
  }
  return errs;
}

function validateLocalSubjectAccessReview(obj: KubeObject): FieldError[] {
  const errs = validateSubjectAccessReview(obj);
  const ns = str(obj, 'spec', 'resourceAttributes', 'namespace');
  if (get(obj, 'spec', 'resourceAttributes') && ns !== (obj.metadata?.namespace ?? '')) {
    errs.push(invalidValue('spec.resourceAttributes.namespace', ns, 'must match metadata.namespace'));
  }
  if (get(obj, 'spec', 'nonResourceAttributes')) {
    errs.push(invalidRendered('spec.nonResourceAttributes', renderNonResource(obj), 'disallowed on this kind of request'));
  }
  return errs;
}

function review(kind: string, plural: string, namespaced: boolean, validate?: ResourceDefinition['validate']): ResourceDefinition {
  return {
    group: AUTHORIZATION_GROUP,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    verbs: CREATE_ONLY,
    virtual: true,
    validate,
  };
}

/** The authorization group's resources. */
export const authorizationDefinitions: ResourceDefinition[] = [
  review('LocalSubjectAccessReview', 'localsubjectaccessreviews', true, validateLocalSubjectAccessReview),
  review('SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, attributesErrors),
  review('SelfSubjectRulesReview', 'selfsubjectrulesreviews', false),
  review('SubjectAccessReview', 'subjectaccessreviews', false, validateSubjectAccessReview),
];
