// rbac.authorization.k8s.io/v1 messages (k8s.io/api rbac/v1/generated.proto, v0.32), which `kubectl create
// role|clusterrole|rolebinding|clusterrolebinding` send as protobuf. `rules` and `verbs` have no `omitempty`,
// so an object without them decodes to `null` there, as Go prints it.
import type { MessageSpec } from './message-codec.ts';
import { LABEL_SELECTOR, METADATA_FIELD } from './meta.ts';

const POLICY_RULE: MessageSpec = {
  name: 'PolicyRule',
  fields: [
    { no: 1, json: 'verbs', type: 'string', repeated: true, keep: true },
    { no: 2, json: 'apiGroups', type: 'string', repeated: true },
    { no: 3, json: 'resources', type: 'string', repeated: true },
    { no: 4, json: 'resourceNames', type: 'string', repeated: true },
    { no: 5, json: 'nonResourceURLs', type: 'string', repeated: true },
  ],
};

const RULES_FIELD = { no: 2, json: 'rules', type: 'message', message: POLICY_RULE, repeated: true, keep: true } as const;

const SUBJECT: MessageSpec = {
  name: 'Subject',
  fields: [
    { no: 1, json: 'kind', type: 'string', keep: true },
    { no: 2, json: 'apiGroup', type: 'string' },
    { no: 3, json: 'name', type: 'string', keep: true },
    { no: 4, json: 'namespace', type: 'string' },
  ],
};

const ROLE_REF: MessageSpec = {
  name: 'RoleRef',
  fields: [
    { no: 1, json: 'apiGroup', type: 'string', keep: true },
    { no: 2, json: 'kind', type: 'string', keep: true },
    { no: 3, json: 'name', type: 'string', keep: true },
  ],
};

/** `Role`. */
export const ROLE: MessageSpec = { name: 'Role', fields: [METADATA_FIELD, RULES_FIELD] };

/** `ClusterRole`, whose `aggregationRule` selects the ClusterRoles whose rules it unions. */
export const CLUSTER_ROLE: MessageSpec = {
  name: 'ClusterRole',
  fields: [
    METADATA_FIELD,
    RULES_FIELD,
    {
      no: 3,
      json: 'aggregationRule',
      type: 'message',
      optional: true,
      message: {
        name: 'AggregationRule',
        fields: [{ no: 1, json: 'clusterRoleSelectors', type: 'message', message: LABEL_SELECTOR, repeated: true }],
      },
    },
  ],
};

const binding = (name: string): MessageSpec => ({
  name,
  fields: [
    METADATA_FIELD,
    { no: 2, json: 'subjects', type: 'message', message: SUBJECT, repeated: true },
    { no: 3, json: 'roleRef', type: 'message', message: ROLE_REF, keep: true },
  ],
});

/** `RoleBinding`. */
export const ROLE_BINDING = binding('RoleBinding');

/** `ClusterRoleBinding`. */
export const CLUSTER_ROLE_BINDING = binding('ClusterRoleBinding');
