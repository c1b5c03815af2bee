// The Kubernetes protobuf envelope (`application/vnd.kubernetes.protobuf`): the magic bytes `k8s\0` and a
// runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType} whose `raw`
// holds the object's own message.
import { badRequest } from '../errors.ts';
import { decodeMessage, encodeMessage, type MessageSpec } from './message-codec.ts';

/** The media type of protobuf bodies. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** The four bytes every protobuf body starts with. */
export const PROTOBUF_MAGIC: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** An envelope's content: what the object is, and its message bytes. */
export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}

const TYPE_META: MessageSpec = {
  name: 'TypeMeta',
  fields: [
    { no: 1, json: 'apiVersion', type: 'string' },
    { no: 2, json: 'kind', type: 'string' },
  ],
};

const UNKNOWN: MessageSpec = {
  name: 'Unknown',
  fields: [
    { no: 1, json: 'typeMeta', type: 'message', message: TYPE_META },
    { no: 2, json: 'raw', type: 'bytes', optional: true },
    { no: 3, json: 'contentEncoding', type: 'string' },
    { no: 4, json: 'contentType', type: 'string' },
  ],
};

/** Split a protobuf body into type and raw bytes; 400 with the apiserver's texts when it is not one. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length === 0) throw badRequest('empty data');
  const hasMagic = bytes.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((b, i) => bytes[i] === b);
  if (!hasMagic) {
    throw badRequest('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  if (bytes.length === PROTOBUF_MAGIC.length) throw badRequest('empty body');
  const unknown = decodeMessage(bytes.subarray(PROTOBUF_MAGIC.length), UNKNOWN, 'the protobuf envelope');
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const envelope: Envelope = {
    apiVersion: typeMeta.apiVersion ?? '',
    kind: typeMeta.kind ?? '',
    raw: (unknown.raw as Uint8Array | undefined) ?? new Uint8Array(),
  };
  if (unknown.contentEncoding) envelope.contentEncoding = unknown.contentEncoding as string;
  if (unknown.contentType) envelope.contentType = unknown.contentType as string;
  return envelope;
}

/** Wrap an object's message bytes in the envelope, byte for byte as Kubernetes' serializer does. */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const body = encodeMessage(
    {
      typeMeta: { apiVersion: envelope.apiVersion, kind: envelope.kind },
      raw: envelope.raw,
      contentEncoding: envelope.contentEncoding ?? '',
      contentType: envelope.contentType ?? '',
    },
    UNKNOWN,
  );
  const out = new Uint8Array(PROTOBUF_MAGIC.length + body.length);
  out.set(PROTOBUF_MAGIC);
  out.set(body, PROTOBUF_MAGIC.length);
  return out;
}
