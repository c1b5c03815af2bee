import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../meta.ts';
import { entry, envelope, meta, msg, str } from './hand-wire.ts';
import { decodeProtobufObject, encodeProtobufObject } from './object.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const GROUP = 'rbac.authorization.k8s.io';

// Subject{1 kind, 2 apiGroup, 3 name, 4 namespace} and RoleRef{1 apiGroup, 2 kind, 3 name}, every string written.
const subject = (kind: string, apiGroup: string, name: string, namespace = ''): number[] =>
  msg(2, [...str(1, kind), ...str(2, apiGroup), ...str(3, name), ...str(4, namespace)]);
const roleRef = (kind: string, name: string): number[] => msg(3, [...str(1, GROUP), ...str(2, kind), ...str(3, name)]);

// Each case: the body Go writes for a `kubectl create` subcommand, spelled out from rbac/v1/generated.proto,
// and what `--dry-run=client -o json` prints for it (less `creationTimestamp: null`, which decodes to absent).
const cases: Array<{ command: string; body: Uint8Array; json: KubeObject }> = [
  {
    command: 'kubectl create role r --verb=get --resource=pods',
    body: envelope(RBAC, 'Role', [...msg(1, meta('r')), ...msg(2, [...str(1, 'get'), ...str(2, ''), ...str(3, 'pods')])]),
    json: { kind: 'Role', apiVersion: RBAC, metadata: { name: 'r' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] },
  },
  {
    command: 'kubectl create rolebinding rb --role=r --user=u',
    body: envelope(RBAC, 'RoleBinding', [...msg(1, meta('rb')), ...subject('User', GROUP, 'u'), ...roleRef('Role', 'r')]),
    json: {
      kind: 'RoleBinding',
      apiVersion: RBAC,
      metadata: { name: 'rb' },
      subjects: [{ kind: 'User', apiGroup: GROUP, name: 'u' }],
      roleRef: { apiGroup: GROUP, kind: 'Role', name: 'r' },
    },
  },
  {
    command: 'kubectl create clusterrole cr --verb=get --resource=pods --resource-name=p1 --non-resource-url=/healthz',
    body: envelope(RBAC, 'ClusterRole', [
      ...msg(1, meta('cr')),
      ...msg(2, [...str(1, 'get'), ...str(2, ''), ...str(3, 'pods'), ...str(4, 'p1')]),
      ...msg(2, [...str(1, 'get'), ...str(5, '/healthz')]),
    ]),
    json: {
      kind: 'ClusterRole',
      apiVersion: RBAC,
      metadata: { name: 'cr' },
      rules: [
        { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p1'] },
        { verbs: ['get'], nonResourceURLs: ['/healthz'] },
      ],
    },
  },
  {
    command: 'kubectl create clusterrole agg --aggregation-rule=rbac.example.com/aggregate-to-monitoring=true',
    body: envelope(RBAC, 'ClusterRole', [...msg(1, meta('agg')), ...msg(3, msg(1, entry(1, 'rbac.example.com/aggregate-to-monitoring', 'true')))]),
    json: {
      kind: 'ClusterRole',
      apiVersion: RBAC,
      metadata: { name: 'agg' },
      rules: null,
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
    },
  },
  {
    command: 'kubectl create clusterrolebinding crb --clusterrole=cr --user=u --serviceaccount=default:sa',
    body: envelope(RBAC, 'ClusterRoleBinding', [
      ...msg(1, meta('crb')),
      ...subject('User', GROUP, 'u'),
      ...subject('ServiceAccount', '', 'sa', 'default'),
      ...roleRef('ClusterRole', 'cr'),
    ]),
    json: {
      kind: 'ClusterRoleBinding',
      apiVersion: RBAC,
      metadata: { name: 'crb' },
      subjects: [
        { kind: 'User', apiGroup: GROUP, name: 'u' },
        { kind: 'ServiceAccount', name: 'sa', namespace: 'default' },
      ],
      roleRef: { apiGroup: GROUP, kind: 'ClusterRole', name: 'cr' },
    },
  },
];

describe('rbac/v1 kinds kubectl creates', () => {
  for (const { command, body, json } of cases) {
    it(`decodes ${command} into the JSON kubectl would send`, () => {
      expect(decodeProtobufObject(body)).toEqual(json);
    });

    it(`encodes ${command} byte for byte as Go does`, () => {
      expect(Buffer.from(encodeProtobufObject(json))).toEqual(Buffer.from(body));
    });
  }
});

describe('rbac/v1 field shapes', () => {
  it('prints fields without omitempty even when the message left them out', () => {
    const bare = decodeProtobufObject(envelope(RBAC, 'RoleBinding', [...msg(1, meta('b')), ...msg(3, [])]));
    expect(bare).toEqual({ kind: 'RoleBinding', apiVersion: RBAC, metadata: { name: 'b' }, roleRef: { apiGroup: '', kind: '', name: '' } });
    const rule = decodeProtobufObject(envelope(RBAC, 'Role', msg(2, str(3, 'pods'))));
    expect(rule.rules).toEqual([{ verbs: null, resources: ['pods'] }]);
  });

  it('round-trips an aggregated ClusterRole with match expressions, labels and annotations', () => {
    const role = {
      kind: 'ClusterRole',
      apiVersion: RBAC,
      metadata: {
        name: 'monitoring',
        uid: 'c-1',
        resourceVersion: '9',
        creationTimestamp: '2025-01-02T03:04:05Z',
        labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
        annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
      },
      rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments'] }],
      aggregationRule: {
        clusterRoleSelectors: [
          { matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true', b: 'c' } },
          { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'x', operator: 'Exists' }] },
        ],
      },
    };
    expect(decodeProtobufObject(encodeProtobufObject(role))).toEqual(role);
  });

  it('round-trips a RoleBinding to a group in its namespace', () => {
    const binding = {
      kind: 'RoleBinding',
      apiVersion: RBAC,
      metadata: { name: 'devs-view', namespace: 'team-a' },
      subjects: [{ kind: 'Group', apiGroup: GROUP, name: 'devs' }],
      roleRef: { apiGroup: GROUP, kind: 'ClusterRole', name: 'view' },
    };
    expect(decodeProtobufObject(encodeProtobufObject(binding))).toEqual(binding);
  });
});
