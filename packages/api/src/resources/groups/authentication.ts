// authentication.k8s.io: TokenReview (kubelets with webhook authn ask the apiserver who a bearer token
// belongs to) and SelfSubjectReview (`kubectl auth whoami`; kubectl 1.27 asks v1beta1). Both are
// create-only and stored nowhere.
import type { FieldError } from '../../errors.ts';
import { required } from '../../errors.ts';
import type { ResourceDefinition } from '../../resource.ts';
import { str } from '../json.ts';
import { CREATE_ONLY } from './verbs.ts';

/** The authentication API group. */
export const AUTHENTICATION_GROUP = 'authentication.k8s.io';

/** `tokenreviews.authentication.k8s.io`. */
export const tokenreviews: ResourceDefinition = {
  group: AUTHENTICATION_GROUP,
  version: 'v1',
  kind: 'TokenReview',
  listKind: 'TokenReviewList',
  plural: 'tokenreviews',
  singular: 'tokenreview',
  namespaced: false,
  verbs: CREATE_ONLY,
  virtual: true,
  validate: (obj): FieldError[] => (str(obj, 'spec', 'token') ? [] : [required('spec.token', '')]),
};

function selfSubjectReviews(version: string): ResourceDefinition {
  return {
    group: AUTHENTICATION_GROUP,
    version,
    kind: 'SelfSubjectReview',
    listKind: 'SelfSubjectReviewList',
    plural: 'selfsubjectreviews',
    singular: 'selfsubjectreview',
    namespaced: false,
    verbs: CREATE_ONLY,
    virtual: true,
  };
}

/** `selfsubjectreviews.authentication.k8s.io` at v1. */
export const selfsubjectreviews = selfSubjectReviews('v1');

/** The same at v1beta1, for kubectl 1.27's `auth whoami`. */
export const selfsubjectreviewsV1beta1 = selfSubjectReviews('v1beta1');

/** The authentication group's resources. */
export const authenticationDefinitions: ResourceDefinition[] = [selfsubjectreviews, tokenreviews, selfsubjectreviewsV1beta1];
