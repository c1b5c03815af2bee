// A small table-driven protobuf codec for Kubernetes messages, on protobufjs's low-level Reader and Writer.
// Each message is described once (field number, JSON name, type, and how Go treats it) and that description
// serves both directions:
// - encoding writes what Kubernetes' generated (gogo) code writes: fields in number order, non-pointer
//   scalars and structs always (even when zero), pointers only when set, map entries sorted by key;
// - decoding yields the JSON Go's encoding/json would produce for the same object: `omitempty` zero values
//   left out, fields without `omitempty` present even when zero.
import protobuf from 'protobufjs/minimal.js';
import { badRequest } from '../errors.ts';

const { Reader, Writer } = protobuf;
type ProtoReader = protobuf.Reader;
type ProtoWriter = protobuf.Writer;

/** The kinds of field the Kubernetes messages here need. */
export type FieldType =
  | 'string'
  | 'bool'
  | 'int64'
  | 'int32'
  | 'bytes' // raw bytes; decoded as a Uint8Array (only the envelope uses it)
  | 'base64' // []byte ⇄ base64 text, as Go's encoding/json writes it (a CSR's request and certificate)
  | 'time' // metav1.Time {1 seconds, 2 nanos} ⇄ RFC 3339 text; an empty message is the zero time
  | 'json' // a message whose field 1 holds JSON text (metav1.FieldsV1) ⇄ that JSON value
  | 'message'
  | 'intOrString' // intstr.IntOrString {1 type, 2 intVal, 3 strVal} ⇄ a JSON number or string
  | 'stringMap' // map<string, string>
  | 'bytesMap' // map<string, bytes> ⇄ Record<string, base64 text>, as Go's encoding/json writes []byte
  | 'extraMap'; // map<string, ExtraValue{1 repeated string}> ⇄ Record<string, string[]>

type MapType = 'stringMap' | 'bytesMap' | 'extraMap';

function isMap(type: FieldType): type is MapType {
  return type === 'stringMap' || type === 'bytesMap' || type === 'extraMap';
}

/** One field of a message. */
export interface FieldSpec {
  readonly no: number;
  readonly json: string;
  readonly type: FieldType;
  readonly message?: MessageSpec;
  readonly repeated?: boolean;
  /** A Go pointer: written only when set; otherwise Go writes the field even when it holds the zero value. */
  readonly optional?: boolean;
  /** Go's JSON tag has no `omitempty`: the zero value still appears in the decoded object. */
  readonly keep?: boolean;
}

/** A message: its Go name (for errors) and its fields in JSON order. */
export interface MessageSpec {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
}

/** A decoded message as JSON. */
export type JsonMessage = Record<string, unknown>;

class WireError extends Error {}

function wireTypeOf(field: FieldSpec): number {
  return field.type === 'bool' || field.type === 'int64' || field.type === 'int32' ? 0 : 2;
}

// protobufjs returns a long.js Long for 64-bit fields when that package is present, a number otherwise.
function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : (value as { toNumber(): number }).toNumber();
}

function timeText(seconds: number): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new WireError(`timestamp out of range: ${seconds}`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Reads the length prefix of an embedded message and checks it fits in the enclosing one.
function subEnd(r: ProtoReader, end: number): number {
  const len = r.uint32();
  const sub = r.pos + len;
  if (sub > end) throw new WireError('unexpected EOF');
  return sub;
}

function readTime(r: ProtoReader, end: number): string | undefined {
  const stop = subEnd(r, end);
  if (stop === r.pos) return undefined;
  let seconds = 0;
  while (r.pos < stop) {
    const tag = r.uint32();
    if (tag === 8) seconds = toNumber(r.int64());
    else r.skipType(tag & 7); // nanos (2) are dropped: metav1.Time keeps whole seconds
  }
  return timeText(seconds);
}

// An absent value is the zero value, as in Go's generated map decoding.
function readMapEntry(r: ProtoReader, end: number, type: MapType): [string, unknown] {
  const stop = subEnd(r, end);
  let key = '';
  let value: unknown = type === 'extraMap' ? [] : '';
  while (r.pos < stop) {
    const tag = r.uint32();
    if (tag === 10) key = r.string();
    else if (tag !== 18) r.skipType(tag & 7);
    else if (type === 'stringMap') value = r.string();
    else if (type === 'bytesMap') value = Buffer.from(r.bytes()).toString('base64');
    else value = (readMessage(r, subEnd(r, stop), EXTRA_VALUE).items as string[] | undefined) ?? [];
  }
  return [key, value];
}

const INT_OR_STRING: MessageSpec = {
  name: 'IntOrString',
  fields: [
    { no: 1, json: 'type', type: 'int64' },
    { no: 2, json: 'intVal', type: 'int32' },
    { no: 3, json: 'strVal', type: 'string' },
  ],
};

// Go's MarshalJSON refuses any type but 0 (Int) and 1 (String); here that is a malformed body.
function readIntOrString(r: ProtoReader, end: number): number | string {
  const value = readMessage(r, subEnd(r, end), INT_OR_STRING);
  const type = (value.type as number | undefined) ?? 0;
  if (type === 0) return (value.intVal as number | undefined) ?? 0;
  if (type === 1) return (value.strVal as string | undefined) ?? '';
  throw new WireError(`impossible IntOrString.Type ${type}`);
}

const EXTRA_VALUE: MessageSpec = { name: 'ExtraValue', fields: [{ no: 1, json: 'items', type: 'string', repeated: true }] };

function readValue(r: ProtoReader, field: FieldSpec, end: number): unknown {
  switch (field.type) {
    case 'string':
      return r.string();
    case 'bool':
      return r.bool();
    case 'int64':
      return toNumber(r.int64());
    case 'int32':
      return r.int32();
    case 'bytes':
      return r.bytes();
    case 'base64':
      return Buffer.from(r.bytes()).toString('base64');
    case 'time':
      return readTime(r, end);
    case 'json': {
      const raw = readMessage(r, subEnd(r, end), { name: 'FieldsV1', fields: [{ no: 1, json: 'raw', type: 'bytes' }] });
      if (!raw.raw) return undefined;
      try {
        return JSON.parse(Buffer.from(raw.raw as Uint8Array).toString('utf8'));
      } catch {
        throw new WireError('FieldsV1 does not hold JSON');
      }
    }
    case 'message':
      return readMessage(r, subEnd(r, end), field.message!);
    case 'intOrString':
      return readIntOrString(r, end);
    case 'stringMap':
    case 'bytesMap':
    case 'extraMap':
      return readMapEntry(r, end, field.type);
  }
}

function isZero(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Uint8Array) return value.length === 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length === 0;
  return value === '' || value === false || value === 0 || value === undefined;
}

// Go's JSON for a field without `omitempty` that the message did not carry: nil slices and maps are null.
function zeroOf(field: FieldSpec): unknown {
  if (field.repeated || isMap(field.type)) return null;
  switch (field.type) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int64':
    case 'int32':
    case 'intOrString':
      return 0;
    case 'message':
      return finish(new Map(), field.message!);
    case 'base64':
      return null; // a nil []byte
    default:
      return undefined;
  }
}

// The JSON object for the values read, in the message's JSON field order.
function finish(values: Map<FieldSpec, unknown>, spec: MessageSpec): JsonMessage {
  const out: JsonMessage = {};
  for (const field of spec.fields) {
    let value = values.get(field);
    if (value === undefined) {
      if (!field.keep || field.optional) continue;
      value = zeroOf(field);
      if (value === undefined) continue;
    }
    // A Go pointer that was set appears even when it points at a zero value; structs are never omitted.
    if (field.type !== 'message' && !field.keep && !field.optional && isZero(value)) continue;
    out[field.json] = value;
  }
  return out;
}

function readMessage(r: ProtoReader, end: number, spec: MessageSpec): JsonMessage {
  const byNumber = new Map(spec.fields.map((f) => [f.no, f]));
  const values = new Map<FieldSpec, unknown>();
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wireType = tag & 7;
    if (no === 0) throw new WireError(`proto: ${spec.name}: illegal tag 0 (wire type ${wireType})`);
    const field = byNumber.get(no);
    if (!field) {
      r.skipType(wireType);
      continue;
    }
    if (wireType !== wireTypeOf(field)) {
      throw new WireError(`proto: wrong wireType = ${wireType} for field ${field.json} of ${spec.name}`);
    }
    const value = readValue(r, field, end);
    if (isMap(field.type)) {
      const map = (values.get(field) as Record<string, unknown> | undefined) ?? {};
      const [key, v] = value as [string, unknown];
      Object.defineProperty(map, key, { value: v, enumerable: true, writable: true, configurable: true });
      values.set(field, map);
    } else if (field.repeated) {
      values.set(field, [...((values.get(field) as unknown[]) ?? []), value]);
    } else {
      values.set(field, value);
    }
  }
  if (r.pos !== end) throw new WireError('unexpected EOF');
  return finish(values, spec);
}

/** Decode one message's bytes into JSON; malformed bytes are a 400 naming `what` was being decoded. */
export function decodeMessage(bytes: Uint8Array, spec: MessageSpec, what = spec.name): JsonMessage {
  try {
    const r = Reader.create(bytes);
    return readMessage(r, r.len, spec);
  } catch (err) {
    const reason =
      err instanceof WireError
        ? err.message
        : err instanceof RangeError && /index out of range/.test(err.message)
          ? 'unexpected EOF'
          : (err as Error).message;
    throw badRequest(`unable to decode ${what} from protobuf: ${reason}`);
  }
}

function tag(no: number, wireType: number): number {
  return ((no << 3) | wireType) >>> 0;
}

function writeTime(w: ProtoWriter, no: number, value: unknown): void {
  w.uint32(tag(no, 2)).fork();
  if (typeof value === 'string' && value !== '') {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new TypeError(`not an RFC 3339 time: ${value}`);
    // Kubernetes writes whole seconds and a zero nanos field.
    w.uint32(8).int64(Math.floor(ms / 1000)).uint32(16).int32(0);
  }
  w.ldelim();
}

function writeOne(w: ProtoWriter, field: FieldSpec, value: unknown): void {
  const t = tag(field.no, wireTypeOf(field));
  switch (field.type) {
    case 'string':
      w.uint32(t).string(value === undefined || value === null ? '' : String(value));
      break;
    case 'bool':
      w.uint32(t).bool(Boolean(value));
      break;
    case 'int64':
      w.uint32(t).int64(Number(value ?? 0));
      break;
    case 'int32':
      w.uint32(t).int32(Number(value ?? 0));
      break;
    case 'bytes':
      w.uint32(t).bytes((value as Uint8Array | undefined) ?? new Uint8Array());
      break;
    case 'base64':
      w.uint32(t).bytes(Buffer.from(String(value ?? ''), 'base64'));
      break;
    case 'time':
      writeTime(w, field.no, value);
      break;
    case 'json':
      w.uint32(t).fork().uint32(10).bytes(Buffer.from(JSON.stringify(value ?? {}))).ldelim();
      break;
    case 'message':
      w.uint32(t).fork();
      writeFields(w, (value as JsonMessage | undefined) ?? {}, field.message!);
      w.ldelim();
      break;
    case 'intOrString':
      w.uint32(t).fork();
      if (typeof value === 'string') w.uint32(8).int64(1).uint32(16).int32(0).uint32(26).string(value);
      else w.uint32(8).int64(0).uint32(16).int32(Number(value ?? 0)).uint32(26).string('');
      w.ldelim();
      break;
    case 'stringMap':
    case 'bytesMap':
    case 'extraMap':
      writeMap(w, t, field.type, (value as Record<string, unknown> | undefined) ?? {});
      break;
  }
}

// Entries in key order, as Go's generated code writes them so the bytes are deterministic.
function writeMap(w: ProtoWriter, t: number, type: MapType, map: Record<string, unknown>): void {
  for (const key of Object.keys(map).sort()) {
    const v = map[key];
    w.uint32(t).fork().uint32(10).string(key);
    if (type === 'stringMap') w.uint32(18).string(String(v ?? ''));
    else if (type === 'bytesMap') w.uint32(18).bytes(Buffer.from(String(v ?? ''), 'base64'));
    else {
      w.uint32(18).fork();
      for (const item of (v as unknown[] | undefined) ?? []) w.uint32(10).string(String(item));
      w.ldelim();
    }
    w.ldelim();
  }
}

const byNumberOrder = new WeakMap<MessageSpec, FieldSpec[]>();

function writeFields(w: ProtoWriter, obj: JsonMessage, spec: MessageSpec): void {
  let ordered = byNumberOrder.get(spec);
  if (!ordered) {
    ordered = [...spec.fields].sort((a, b) => a.no - b.no);
    byNumberOrder.set(spec, ordered);
  }
  for (const field of ordered) {
    const value = obj[field.json];
    const absent = value === undefined || value === null;
    if (field.repeated) {
      for (const item of (value as unknown[] | undefined) ?? []) writeOne(w, field, item);
    } else if (!(absent && field.optional)) {
      writeOne(w, field, value);
    }
  }
}

/** Encode JSON as the message's bytes, as Kubernetes' generated Go code would. */
export function encodeMessage(obj: JsonMessage, spec: MessageSpec): Uint8Array {
  const w = Writer.create();
  writeFields(w, obj, spec);
  return w.finish();
}
