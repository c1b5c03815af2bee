// Request bodies: JSON, YAML and the Kubernetes protobuf envelope, decoded into plain objects with the
// apiserver's error texts for anything malformed.
import { parse as parseYaml } from 'yaml';
import { badRequest, decodeProtobufObject, unsupportedMediaType, type KubeObject } from '@hubspoke/api';

/** Media types an object body may use on create and update. */
export const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** The bare media type of a Content-Type header, lower-cased. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Decode an object body for create/update; 400 for malformed input, 415 for an unknown type. */
export function decodeObjectBody(contentType: string | undefined, body: Buffer): KubeObject {
  const type = mediaType(contentType) || 'application/json';
  let value: unknown;
  switch (type) {
    case 'application/json':
      value = parseJson(body);
      break;
    case 'application/yaml':
      try {
        value = parseYaml(body.toString('utf8'));
      } catch (err) {
        throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
      }
      break;
    case 'application/vnd.kubernetes.protobuf':
      return decodeProtobufObject(body);
    default:
      throw unsupportedMediaType(OBJECT_MEDIA_TYPES);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest("couldn't get version/kind; json parse error: the body is not a JSON object");
  }
  const obj = value as KubeObject;
  if (obj.metadata === undefined) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) {
    throw badRequest('metadata must be an object');
  }
  return obj;
}

/** Parse JSON with the apiserver's error wording. */
export function parseJson(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') throw badRequest("couldn't get version/kind; json parse error: unexpected end of JSON input");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}
