import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { decodeEnvelope, encodeEnvelope, PROTOBUF_MAGIC } from './envelope.ts';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(400);
    return (err as ApiError).message;
  }
  throw new Error('expected a 400');
}

describe('protobuf envelope', () => {
  it('starts with k8s\\0 and round-trips type and raw bytes', () => {
    const bytes = encodeEnvelope({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', raw: Uint8Array.of(10, 0) });
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('k8s\0');
    expect(decodeEnvelope(bytes)).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      raw: Uint8Array.of(10, 0),
    });
  });

  it('writes empty contentEncoding and contentType fields, as Go does', () => {
    const bytes = encodeEnvelope({ apiVersion: 'v1', kind: 'X', raw: new Uint8Array() });
    expect([...bytes.subarray(-4)]).toEqual([0x1a, 0x00, 0x22, 0x00]);
  });

  it('uses the apiserver texts for a body that is no protobuf message', () => {
    expect(message(() => decodeEnvelope(new Uint8Array()))).toBe('empty data');
    expect(message(() => decodeEnvelope(Buffer.from('{"kind":"Pod"}')))).toBe(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
    expect(message(() => decodeEnvelope(PROTOBUF_MAGIC))).toBe('empty body');
  });

  it('answers 400 for a broken envelope', () => {
    expect(message(() => decodeEnvelope(Uint8Array.from([...PROTOBUF_MAGIC, 0x0a, 0x10, 0x0a])))).toBe(
      'unable to decode the protobuf envelope from protobuf: unexpected EOF',
    );
    expect(message(() => decodeEnvelope(Uint8Array.from([...PROTOBUF_MAGIC, 0xff, 0xff, 0xff])))).toContain(
      'unable to decode the protobuf envelope',
    );
  });
});
