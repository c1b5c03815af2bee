// core/v1 messages (k8s.io/api core/v1/generated.proto, v0.32) for the kinds the typed `kubectl create`
// subcommands send as protobuf: Namespace, ConfigMap, Secret, ServiceAccount and Service. Fields are listed in
// the Go structs' order, which is the order of their JSON.
import type { MessageSpec } from './message-codec.ts';
import { CONDITION, METADATA_FIELD } from './meta.ts';

const NAMESPACE_CONDITION: MessageSpec = {
  name: 'NamespaceCondition',
  fields: [
    { no: 1, json: 'type', type: 'string', keep: true },
    { no: 2, json: 'status', type: 'string', keep: true },
    { no: 4, json: 'lastTransitionTime', type: 'time' },
    { no: 5, json: 'reason', type: 'string' },
    { no: 6, json: 'message', type: 'string' },
  ],
};

/** `Namespace`. */
export const NAMESPACE: MessageSpec = {
  name: 'Namespace',
  fields: [
    METADATA_FIELD,
    {
      no: 2,
      json: 'spec',
      type: 'message',
      keep: true,
      message: { name: 'NamespaceSpec', fields: [{ no: 1, json: 'finalizers', type: 'string', repeated: true }] },
    },
    {
      no: 3,
      json: 'status',
      type: 'message',
      keep: true,
      message: {
        name: 'NamespaceStatus',
        fields: [
          { no: 1, json: 'phase', type: 'string' },
          { no: 2, json: 'conditions', type: 'message', message: NAMESPACE_CONDITION, repeated: true },
        ],
      },
    },
  ],
};

/** `ConfigMap`; `binaryData` values are base64 text in JSON. */
export const CONFIG_MAP: MessageSpec = {
  name: 'ConfigMap',
  fields: [
    METADATA_FIELD,
    { no: 4, json: 'immutable', type: 'bool', optional: true },
    { no: 2, json: 'data', type: 'stringMap' },
    { no: 3, json: 'binaryData', type: 'bytesMap' },
  ],
};

/** `Secret`; `data` values are base64 text in JSON. */
export const SECRET: MessageSpec = {
  name: 'Secret',
  fields: [
    METADATA_FIELD,
    { no: 5, json: 'immutable', type: 'bool', optional: true },
    { no: 2, json: 'data', type: 'bytesMap' },
    { no: 4, json: 'stringData', type: 'stringMap' },
    { no: 3, json: 'type', type: 'string' },
  ],
};

const OBJECT_REFERENCE: MessageSpec = {
  name: 'ObjectReference',
  fields: [
    { no: 1, json: 'kind', type: 'string' },
    { no: 2, json: 'namespace', type: 'string' },
    { no: 3, json: 'name', type: 'string' },
    { no: 4, json: 'uid', type: 'string' },
    { no: 5, json: 'apiVersion', type: 'string' },
    { no: 6, json: 'resourceVersion', type: 'string' },
    { no: 7, json: 'fieldPath', type: 'string' },
  ],
};

const LOCAL_OBJECT_REFERENCE: MessageSpec = {
  name: 'LocalObjectReference',
  fields: [{ no: 1, json: 'name', type: 'string' }],
};

/** `ServiceAccount`. */
export const SERVICE_ACCOUNT: MessageSpec = {
  name: 'ServiceAccount',
  fields: [
    METADATA_FIELD,
    { no: 2, json: 'secrets', type: 'message', message: OBJECT_REFERENCE, repeated: true },
    { no: 3, json: 'imagePullSecrets', type: 'message', message: LOCAL_OBJECT_REFERENCE, repeated: true },
    { no: 4, json: 'automountServiceAccountToken', type: 'bool', optional: true },
  ],
};

const SERVICE_PORT: MessageSpec = {
  name: 'ServicePort',
  fields: [
    { no: 1, json: 'name', type: 'string' },
    { no: 2, json: 'protocol', type: 'string' },
    { no: 6, json: 'appProtocol', type: 'string', optional: true },
    { no: 3, json: 'port', type: 'int32', keep: true },
    // A struct in Go, so never omitted: its zero value is the number 0.
    { no: 4, json: 'targetPort', type: 'intOrString', keep: true },
    { no: 5, json: 'nodePort', type: 'int32' },
  ],
};

const SESSION_AFFINITY_CONFIG: MessageSpec = {
  name: 'SessionAffinityConfig',
  fields: [
    {
      no: 1,
      json: 'clientIP',
      type: 'message',
      optional: true,
      message: { name: 'ClientIPConfig', fields: [{ no: 1, json: 'timeoutSeconds', type: 'int32', optional: true }] },
    },
  ],
};

const SERVICE_SPEC: MessageSpec = {
  name: 'ServiceSpec',
  fields: [
    { no: 1, json: 'ports', type: 'message', message: SERVICE_PORT, repeated: true },
    { no: 2, json: 'selector', type: 'stringMap' },
    { no: 3, json: 'clusterIP', type: 'string' },
    { no: 18, json: 'clusterIPs', type: 'string', repeated: true },
    { no: 4, json: 'type', type: 'string' },
    { no: 5, json: 'externalIPs', type: 'string', repeated: true },
    { no: 7, json: 'sessionAffinity', type: 'string' },
    { no: 8, json: 'loadBalancerIP', type: 'string' },
    { no: 9, json: 'loadBalancerSourceRanges', type: 'string', repeated: true },
    { no: 10, json: 'externalName', type: 'string' },
    { no: 11, json: 'externalTrafficPolicy', type: 'string' },
    { no: 12, json: 'healthCheckNodePort', type: 'int32' },
    { no: 13, json: 'publishNotReadyAddresses', type: 'bool' },
    { no: 14, json: 'sessionAffinityConfig', type: 'message', message: SESSION_AFFINITY_CONFIG, optional: true },
    { no: 19, json: 'ipFamilies', type: 'string', repeated: true },
    { no: 17, json: 'ipFamilyPolicy', type: 'string', optional: true },
    { no: 20, json: 'allocateLoadBalancerNodePorts', type: 'bool', optional: true },
    { no: 21, json: 'loadBalancerClass', type: 'string', optional: true },
    { no: 22, json: 'internalTrafficPolicy', type: 'string', optional: true },
    { no: 23, json: 'trafficDistribution', type: 'string', optional: true },
  ],
};

const PORT_STATUS: MessageSpec = {
  name: 'PortStatus',
  fields: [
    { no: 1, json: 'port', type: 'int32', keep: true },
    { no: 2, json: 'protocol', type: 'string', keep: true },
    { no: 3, json: 'error', type: 'string', optional: true },
  ],
};

const LOAD_BALANCER_INGRESS: MessageSpec = {
  name: 'LoadBalancerIngress',
  fields: [
    { no: 1, json: 'ip', type: 'string' },
    { no: 2, json: 'hostname', type: 'string' },
    { no: 3, json: 'ipMode', type: 'string', optional: true },
    { no: 4, json: 'ports', type: 'message', message: PORT_STATUS, repeated: true },
  ],
};

const SERVICE_STATUS: MessageSpec = {
  name: 'ServiceStatus',
  fields: [
    {
      no: 1,
      json: 'loadBalancer',
      type: 'message',
      keep: true,
      message: {
        name: 'LoadBalancerStatus',
        fields: [{ no: 1, json: 'ingress', type: 'message', message: LOAD_BALANCER_INGRESS, repeated: true }],
      },
    },
    { no: 2, json: 'conditions', type: 'message', message: CONDITION, repeated: true },
  ],
};

/** `Service`. */
export const SERVICE: MessageSpec = {
  name: 'Service',
  fields: [
    METADATA_FIELD,
    { no: 2, json: 'spec', type: 'message', message: SERVICE_SPEC, keep: true },
    { no: 3, json: 'status', type: 'message', message: SERVICE_STATUS, keep: true },
  ],
};
