// The Kubernetes protobuf wire format for the kinds kubectl sends as protobuf.
export * from './envelope.ts';
export * from './object.ts';
export { decodeObjectMeta, encodeObjectMeta } from './meta.ts';
