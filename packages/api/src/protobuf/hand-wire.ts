// Test support: a by-hand protobuf writer, independent of message-codec.ts, so tests can spell a body out
// from generated.proto's field numbers and wire types and check the codec against it.

/** A base-128 varint. */
export const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
};

/** A field key: number and wire type (0 varint, 2 length-delimited). */
export const key = (no: number, wireType: number): number[] => varint(no * 8 + wireType);

/** A length-delimited field holding raw bytes. */
export const bytes = (no: number, body: ArrayLike<number>): number[] => [...key(no, 2), ...varint(body.length), ...Array.from(body)];

/** A string field (UTF-8). */
export const str = (no: number, s: string): number[] => bytes(no, Buffer.from(s));

/** An embedded message field. */
export const msg = (no: number, body: number[]): number[] => bytes(no, body);

/** A bool field. */
export const bool = (no: number, b: boolean): number[] => [...key(no, 0), b ? 1 : 0];

/** A non-negative varint field (int32 or int64). */
export const int = (no: number, n: number): number[] => [...key(no, 0), ...varint(n)];

/** One map<string, string> entry. */
export const entry = (no: number, k: string, v: string): number[] => msg(no, [...str(1, k), ...str(2, v)]);

/** The four magic bytes of a protobuf body. */
export const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** ObjectMeta as Go writes it for a name (or none) and nothing else: every string, generation, a zero time. */
export const meta = (name = '', namespace = ''): number[] => [
  ...str(1, name),
  ...str(2, ''),
  ...str(3, namespace),
  ...str(4, ''),
  ...str(5, ''),
  ...str(6, ''),
  ...int(7, 0),
  ...msg(8, []),
];

/** A complete body: magic, then runtime.Unknown{typeMeta, raw, contentEncoding, contentType}. */
export const envelope = (apiVersion: string, kind: string, raw: number[]): Uint8Array =>
  Uint8Array.from([...MAGIC, ...msg(1, [...str(1, apiVersion), ...str(2, kind)]), ...msg(2, raw), ...str(3, ''), ...str(4, '')]);
