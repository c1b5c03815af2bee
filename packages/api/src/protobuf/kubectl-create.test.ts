import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import type { KubeObject } from '../meta.ts';
import { decodeProtobufObject, encodeProtobufObject } from './object.ts';

// Bodies kubectl 1.32 POSTed to a recording server, with the `--dry-run=client -o json` output of the same
// commands: recorded facts, not derived from this codec.
const fixtures = JSON.parse(readFileSync(new URL('./kubectl-create.fixtures.json', import.meta.url), 'utf8')) as {
  requests: Array<{ command: string; body: string; dryRun: KubeObject }>;
};

// kubectl prints Go's zero creationTimestamp as null; decoded objects leave it out, as the apiserver does.
function withoutNullTimestamp(obj: KubeObject): KubeObject {
  const { creationTimestamp, ...metadata } = obj.metadata as Record<string, unknown>;
  expect(creationTimestamp).toBeNull();
  return { ...obj, metadata } as KubeObject;
}

// Where each of the envelope's top-level fields ends (all four are length-delimited with one-byte keys).
function envelopeFieldEnds(bytes: Uint8Array): number[] {
  const ends: number[] = [];
  let pos = 4;
  while (pos < bytes.length) {
    pos++;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++];
      length += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    pos += length;
    ends.push(pos);
  }
  return ends;
}

function expectDecodedOrRefused(body: Uint8Array): void {
  try {
    decodeProtobufObject(body);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect([400, 415]).toContain((err as ApiError).code);
  }
}

describe('protobuf bodies recorded from kubectl 1.32 create', () => {
  it('covers every typed kind this codec learned for kubectl create', () => {
    const kinds = new Set(fixtures.requests.map((r) => r.dryRun.kind));
    expect([...kinds].sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Namespace', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount'],
    );
  });

  for (const { command, body, dryRun } of fixtures.requests) {
    it(`decodes ${command} into the JSON kubectl prints for it, and writes the same bytes back`, () => {
      const bytes = Buffer.from(body, 'hex');
      const decoded = decodeProtobufObject(bytes);
      expect(decoded).toEqual(withoutNullTimestamp(dryRun));
      expect(Buffer.from(encodeProtobufObject(decoded)).toString('hex')).toBe(body);
    });
  }

  it('answers 400 for every truncation of a recorded body that cuts a field, never a crash', () => {
    for (const { body } of fixtures.requests) {
      const bytes = Buffer.from(body, 'hex');
      const wholeFields = envelopeFieldEnds(bytes);
      for (let end = 0; end < bytes.length; end++) {
        try {
          decodeProtobufObject(bytes.subarray(0, end));
        } catch (err) {
          expect(err).toBeInstanceOf(ApiError);
          expect((err as ApiError).code).toBe(400);
          continue;
        }
        // A cut between two of the envelope's fields leaves a shorter but well-formed body, as it would for Go.
        expect(wholeFields).toContain(end);
      }
    }
  });

  it('decodes or refuses with 400/415 every recorded body with one byte changed', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    for (const { body } of fixtures.requests) {
      const bytes = Buffer.from(body, 'hex');
      for (let n = 0; n < 200; n++) {
        const mutated = Buffer.from(bytes);
        mutated[4 + random(bytes.length - 4)] = random(256);
        expectDecodedOrRefused(mutated);
      }
    }
  });
});
