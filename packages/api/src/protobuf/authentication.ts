// authentication.k8s.io messages (k8s.io/api authentication/v1/generated.proto, v0.32): TokenRequest
// (`kubectl create token`), TokenReview (webhook token authentication) and SelfSubjectReview
// (`kubectl auth whoami`). v1beta1 and v1alpha1 use the same numbering.
import type { MessageSpec } from './message-codec.ts';
import { METADATA_FIELD } from './meta.ts';

const USER_INFO: MessageSpec = {
  name: 'UserInfo',
  fields: [
    { no: 1, json: 'username', type: 'string' },
    { no: 2, json: 'uid', type: 'string' },
    { no: 3, json: 'groups', type: 'string', repeated: true },
    { no: 4, json: 'extra', type: 'extraMap' },
  ],
};

const BOUND_OBJECT_REFERENCE: MessageSpec = {
  name: 'BoundObjectReference',
  fields: [
    { no: 1, json: 'kind', type: 'string' },
    { no: 2, json: 'apiVersion', type: 'string' },
    { no: 3, json: 'name', type: 'string' },
    { no: 4, json: 'uid', type: 'string' },
  ],
};

/** `TokenRequest` (the `serviceaccounts/<name>/token` subresource). */
export const TOKEN_REQUEST: MessageSpec = {
  name: 'TokenRequest',
  fields: [
    METADATA_FIELD,
    {
      no: 2,
      json: 'spec',
      type: 'message',
      keep: true,
      message: {
        name: 'TokenRequestSpec',
        fields: [
          { no: 1, json: 'audiences', type: 'string', repeated: true, keep: true },
          { no: 4, json: 'expirationSeconds', type: 'int64', optional: true, keep: true },
          { no: 3, json: 'boundObjectRef', type: 'message', message: BOUND_OBJECT_REFERENCE, optional: true },
        ],
      },
    },
    {
      no: 3,
      json: 'status',
      type: 'message',
      keep: true,
      message: {
        name: 'TokenRequestStatus',
        fields: [
          { no: 1, json: 'token', type: 'string', keep: true },
          { no: 2, json: 'expirationTimestamp', type: 'time', keep: true },
        ],
      },
    },
  ],
};

/** `TokenReview`. */
export const TOKEN_REVIEW: MessageSpec = {
  name: 'TokenReview',
  fields: [
    METADATA_FIELD,
    {
      no: 2,
      json: 'spec',
      type: 'message',
      keep: true,
      message: {
        name: 'TokenReviewSpec',
        fields: [
          { no: 1, json: 'token', type: 'string' },
          { no: 2, json: 'audiences', type: 'string', repeated: true },
        ],
      },
    },
    {
      no: 3,
      json: 'status',
      type: 'message',
      keep: true,
      message: {
        name: 'TokenReviewStatus',
        fields: [
          { no: 1, json: 'authenticated', type: 'bool' },
          { no: 2, json: 'user', type: 'message', message: USER_INFO, keep: true },
          { no: 4, json: 'audiences', type: 'string', repeated: true },
          { no: 3, json: 'error', type: 'string' },
        ],
      },
    },
  ],
};

/** `SelfSubjectReview`. */
export const SELF_SUBJECT_REVIEW: MessageSpec = {
  name: 'SelfSubjectReview',
  fields: [
    METADATA_FIELD,
    {
      no: 2,
      json: 'status',
      type: 'message',
      keep: true,
      message: {
        name: 'SelfSubjectReviewStatus',
        fields: [{ no: 1, json: 'userInfo', type: 'message', message: USER_INFO, keep: true }],
      },
    },
  ],
};
