// SPDY/3.1 frames in memory and on the wire (SPDY draft 3.1, "Framing Layer"). A control frame is
// `1|version(15)|type(16)|flags(8)|length(24)|payload`; a data frame is `0|stream id(31)|flags(8)|length(24)|data`.
// Header blocks stay compressed here: compression state lives in header-block.ts, shared across frames.

/** The only version spoken (Kubernetes' spdystream speaks SPDY/3 with 3.1's framing). */
export const SPDY_VERSION = 3;

/** Control frame type codes. */
export const ControlType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

/** FIN on data, SYN_STREAM, SYN_REPLY and HEADERS frames: the sender's half of the stream is done. */
export const FLAG_FIN = 0x01;
/** SYN_STREAM only: the receiver may not send on this stream. */
export const FLAG_UNIDIRECTIONAL = 0x02;
/** SETTINGS only: forget persisted settings. */
export const FLAG_CLEAR_SETTINGS = 0x01;

/** RST_STREAM status codes. */
export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  UnsupportedVersion: 4,
  Cancel: 5,
  InternalError: 6,
  FlowControlError: 7,
  StreamInUse: 8,
  StreamAlreadyClosed: 9,
  InvalidCredentials: 10,
  FrameTooLarge: 11,
} as const;

/** GOAWAY status codes. */
export const GoAwayStatus = { Ok: 0, ProtocolError: 1, InternalError: 2 } as const;

/** The largest length a frame header can carry (24 bits). */
export const MAX_FRAME_LENGTH = 0xffffff;

/** A frame header's first 8 bytes. */
export const FRAME_HEADER_LENGTH = 8;

/** Stream bytes; FIN ends the sender's half. */
export interface DataFrame { kind: 'data'; streamId: number; fin: boolean; data: Buffer }
/** Opens a stream, with its (compressed) headers. */
export interface SynStreamFrame {
  kind: 'syn_stream';
  streamId: number;
  associatedStreamId: number;
  /** 0 (highest) … 7. */
  priority: number;
  slot: number;
  fin: boolean;
  unidirectional: boolean;
  headerBlock: Buffer;
}
/** Accepts a stream the peer opened. */
export interface SynReplyFrame { kind: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
/** Aborts a stream in both directions. */
export interface RstStreamFrame { kind: 'rst_stream'; streamId: number; status: number }
/** One SETTINGS id/value pair. */
export interface SettingsEntry { flags: number; id: number; value: number }
/** Session parameters (ignored here: Go's client never relies on them). */
export interface SettingsFrame { kind: 'settings'; clear: boolean; entries: SettingsEntry[] }
/** A liveness probe the other side echoes; ids are odd from clients, even from servers. */
export interface PingFrame { kind: 'ping'; id: number }
/** The sender opens no more streams and will soon close. */
export interface GoAwayFrame { kind: 'goaway'; lastGoodStreamId: number; status: number }
/** More headers for an open stream. */
export interface HeadersFrame { kind: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
/** Flow-control credit (ignored here, and never sent). */
export interface WindowUpdateFrame { kind: 'window_update'; streamId: number; delta: number }
/** A control frame of a type SPDY/3.1 does not define; receivers must ignore it. */
export interface UnknownControlFrame { kind: 'unknown'; type: number; flags: number; payload: Buffer }

/** Any SPDY frame. */
export type Frame =
  | DataFrame
  | SynStreamFrame
  | SynReplyFrame
  | RstStreamFrame
  | SettingsFrame
  | PingFrame
  | GoAwayFrame
  | HeadersFrame
  | WindowUpdateFrame
  | UnknownControlFrame;

/** A peer broke the framing rules; the session answers with GOAWAY(PROTOCOL_ERROR). */
export class SpdyProtocolError extends Error {
  constructor(
    message: string,
    readonly status: number = RstStatus.ProtocolError,
  ) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

const STREAM_ID_MASK = 0x7fffffff;

/** Serializes a frame; header blocks must already be compressed. */
export function encodeFrame(frame: Frame): Buffer {
  switch (frame.kind) {
    case 'data': {
      const out = Buffer.alloc(FRAME_HEADER_LENGTH + frame.data.length);
      out.writeUInt32BE(frame.streamId & STREAM_ID_MASK, 0);
      writeFlagsAndLength(out, frame.fin ? FLAG_FIN : 0, frame.data.length);
      frame.data.copy(out, FRAME_HEADER_LENGTH);
      return out;
    }
    case 'syn_stream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(frame.streamId & STREAM_ID_MASK, 0);
      fixed.writeUInt32BE(frame.associatedStreamId & STREAM_ID_MASK, 4);
      fixed[8] = (frame.priority & 0x07) << 5;
      fixed[9] = frame.slot & 0xff;
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return control(ControlType.SynStream, flags, fixed, frame.headerBlock);
    }
    case 'syn_reply':
      return control(ControlType.SynReply, frame.fin ? FLAG_FIN : 0, streamIdWord(frame.streamId), frame.headerBlock);
    case 'headers':
      return control(ControlType.Headers, frame.fin ? FLAG_FIN : 0, streamIdWord(frame.streamId), frame.headerBlock);
    case 'rst_stream':
      return control(ControlType.RstStream, 0, twoWords(frame.streamId & STREAM_ID_MASK, frame.status));
    case 'settings': {
      const payload = Buffer.alloc(4 + 8 * frame.entries.length);
      payload.writeUInt32BE(frame.entries.length, 0);
      frame.entries.forEach((entry, i) => {
        payload.writeUInt32BE((((entry.flags & 0xff) << 24) | (entry.id & 0xffffff)) >>> 0, 4 + 8 * i);
        payload.writeUInt32BE(entry.value >>> 0, 8 + 8 * i);
      });
      return control(ControlType.Settings, frame.clear ? FLAG_CLEAR_SETTINGS : 0, payload);
    }
    case 'ping': {
      const payload = Buffer.alloc(4);
      payload.writeUInt32BE(frame.id >>> 0, 0);
      return control(ControlType.Ping, 0, payload);
    }
    case 'goaway':
      return control(ControlType.GoAway, 0, twoWords(frame.lastGoodStreamId & STREAM_ID_MASK, frame.status));
    case 'window_update':
      return control(ControlType.WindowUpdate, 0, twoWords(frame.streamId & STREAM_ID_MASK, frame.delta & STREAM_ID_MASK));
    case 'unknown':
      return control(frame.type, frame.flags, frame.payload);
  }
}

/** Decodes one complete frame: its 8-byte header and exactly `length` payload bytes. */
export function decodeFrame(header: Buffer, payload: Buffer): Frame {
  const first = header.readUInt32BE(0);
  const flags = header[4];
  if ((first & 0x80000000) === 0) {
    const streamId = first & STREAM_ID_MASK;
    if (streamId === 0) throw new SpdyProtocolError('data frame on stream 0');
    return { kind: 'data', streamId, fin: (flags & FLAG_FIN) !== 0, data: payload };
  }
  const version = (first >>> 16) & 0x7fff;
  if (version !== SPDY_VERSION) {
    throw new SpdyProtocolError(`unsupported SPDY version ${version}`, RstStatus.UnsupportedVersion);
  }
  const type = first & 0xffff;
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case ControlType.SynStream: {
      atLeast(payload, 10, 'SYN_STREAM');
      return {
        kind: 'syn_stream',
        streamId: nonZeroStreamId(payload, 'SYN_STREAM'),
        associatedStreamId: payload.readUInt32BE(4) & STREAM_ID_MASK,
        priority: payload[8] >>> 5,
        slot: payload[9],
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: payload.subarray(10),
      };
    }
    case ControlType.SynReply:
    case ControlType.Headers: {
      const name = type === ControlType.SynReply ? 'SYN_REPLY' : 'HEADERS';
      atLeast(payload, 4, name);
      const streamId = nonZeroStreamId(payload, name);
      const headerBlock = payload.subarray(4);
      return type === ControlType.SynReply
        ? { kind: 'syn_reply', streamId, fin, headerBlock }
        : { kind: 'headers', streamId, fin, headerBlock };
    }
    case ControlType.RstStream:
      exactly(payload, 8, 'RST_STREAM');
      return { kind: 'rst_stream', streamId: nonZeroStreamId(payload, 'RST_STREAM'), status: payload.readUInt32BE(4) };
    case ControlType.Settings: {
      atLeast(payload, 4, 'SETTINGS');
      const count = payload.readUInt32BE(0);
      if (payload.length !== 4 + 8 * count) throw new SpdyProtocolError('SETTINGS length does not match its entries');
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < count; i++) {
        const word = payload.readUInt32BE(4 + 8 * i);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: payload.readUInt32BE(8 + 8 * i) });
      }
      return { kind: 'settings', clear: (flags & FLAG_CLEAR_SETTINGS) !== 0, entries };
    }
    case ControlType.Ping:
      exactly(payload, 4, 'PING');
      return { kind: 'ping', id: payload.readUInt32BE(0) };
    case ControlType.GoAway:
      exactly(payload, 8, 'GOAWAY');
      return { kind: 'goaway', lastGoodStreamId: payload.readUInt32BE(0) & STREAM_ID_MASK, status: payload.readUInt32BE(4) };
    case ControlType.WindowUpdate:
      exactly(payload, 8, 'WINDOW_UPDATE');
      return {
        kind: 'window_update',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        delta: payload.readUInt32BE(4) & STREAM_ID_MASK,
      };
    default:
      return { kind: 'unknown', type, flags, payload };
  }
}

/** The payload length a frame header announces. */
export function frameLength(header: Buffer): number {
  return header.readUInt32BE(4) & 0xffffff;
}

function control(type: number, flags: number, ...payload: Buffer[]): Buffer {
  const length = payload.reduce((sum, part) => sum + part.length, 0);
  if (length > MAX_FRAME_LENGTH) throw new RangeError(`frame payload of ${length} bytes exceeds 24 bits`);
  const head = Buffer.alloc(FRAME_HEADER_LENGTH);
  head.writeUInt32BE((0x80000000 | (SPDY_VERSION << 16) | type) >>> 0, 0);
  writeFlagsAndLength(head, flags, length);
  return Buffer.concat([head, ...payload], FRAME_HEADER_LENGTH + length);
}

function writeFlagsAndLength(out: Buffer, flags: number, length: number): void {
  if (length > MAX_FRAME_LENGTH) throw new RangeError(`frame payload of ${length} bytes exceeds 24 bits`);
  out.writeUInt32BE((((flags & 0xff) << 24) | length) >>> 0, 4);
}

function streamIdWord(streamId: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  return out;
}

function twoWords(a: number, b: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32BE(a >>> 0, 0);
  out.writeUInt32BE(b >>> 0, 4);
  return out;
}

function atLeast(payload: Buffer, length: number, name: string): void {
  if (payload.length < length) throw new SpdyProtocolError(`${name} shorter than ${length} bytes`);
}

function exactly(payload: Buffer, length: number, name: string): void {
  if (payload.length !== length) throw new SpdyProtocolError(`${name} must be ${length} bytes, got ${payload.length}`);
}

function nonZeroStreamId(payload: Buffer, name: string): number {
  const streamId = payload.readUInt32BE(0) & STREAM_ID_MASK;
  if (streamId === 0) throw new SpdyProtocolError(`${name} on stream 0`);
  return streamId;
}
