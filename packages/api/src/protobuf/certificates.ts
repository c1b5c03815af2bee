// certificates.k8s.io/v1 messages (k8s.io/api certificates/v1/generated.proto, v0.32): the
// CertificateSigningRequest that kubectl ≥1.32 sends as protobuf for `certificate approve` and `deny`.
// Fields are listed in the Go structs' order, which is the order of their JSON.
import type { MessageSpec } from './message-codec.ts';
import { METADATA_FIELD } from './meta.ts';

const CSR_CONDITION: MessageSpec = {
  name: 'CertificateSigningRequestCondition',
  fields: [
    { no: 1, json: 'type', type: 'string', keep: true },
    { no: 6, json: 'status', type: 'string', keep: true },
    { no: 2, json: 'reason', type: 'string' },
    { no: 3, json: 'message', type: 'string' },
    { no: 4, json: 'lastUpdateTime', type: 'time' },
    { no: 5, json: 'lastTransitionTime', type: 'time' },
  ],
};

/** `CertificateSigningRequest`; `spec.request` and `status.certificate` are base64 text in JSON. */
export const CERTIFICATE_SIGNING_REQUEST: MessageSpec = {
  name: 'CertificateSigningRequest',
  fields: [
    METADATA_FIELD,
    {
      no: 2,
      json: 'spec',
      type: 'message',
      keep: true,
      message: {
        name: 'CertificateSigningRequestSpec',
        fields: [
          { no: 1, json: 'request', type: 'base64', keep: true },
          { no: 7, json: 'signerName', type: 'string', keep: true },
          { no: 8, json: 'expirationSeconds', type: 'int32', optional: true },
          { no: 5, json: 'usages', type: 'string', repeated: true },
          { no: 2, json: 'username', type: 'string' },
          { no: 3, json: 'uid', type: 'string' },
          { no: 4, json: 'groups', type: 'string', repeated: true },
          { no: 6, json: 'extra', type: 'extraMap' },
        ],
      },
    },
    {
      no: 3,
      json: 'status',
      type: 'message',
      keep: true,
      message: {
        name: 'CertificateSigningRequestStatus',
        fields: [
          { no: 1, json: 'conditions', type: 'message', message: CSR_CONDITION, repeated: true },
          { no: 2, json: 'certificate', type: 'base64' },
        ],
      },
    },
  ],
};
