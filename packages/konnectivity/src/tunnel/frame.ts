// The tunnel's wire format: one binary WebSocket message per frame.
//
//   byte 0      frame type (below)
//   bytes 1..4  connection id, uint32 big-endian, chosen by the server, unique per tunnel
//   bytes 5..   payload, by type:
//     DIAL_REQ  (1) server→agent  uint16 BE port, then the destination host in UTF-8
//     DIAL_RSP  (2) agent→server  UTF-8 error text; empty means the dial succeeded
//     DATA      (3) both ways     raw bytes of the connection (at most MAX_DATA_PAYLOAD)
//     CLOSE     (4) both ways     UTF-8 error text; empty means a clean close. No half-close: either end's
//                                 EOF closes the whole connection, as in Konnectivity's CLOSE_REQ.
//     WINDOW    (5) both ways     uint32 BE: credit, in bytes, the receiver grants the sender
//
// Flow control is per connection: after a successful DIAL_RSP each side may send INITIAL_WINDOW bytes of DATA
// for that id; the receiver returns credit with WINDOW only once the bytes were accepted by its local socket.
// A stalled reader thus stops its own connection's sender and no other, and nothing buffers beyond the window.

/** Frame type codes (byte 0). */
export const FrameType = { DIAL_REQ: 1, DIAL_RSP: 2, DATA: 3, CLOSE: 4, WINDOW: 5 } as const;

/** Bytes of DATA a side may send per connection before it receives any WINDOW credit. */
export const INITIAL_WINDOW = 256 * 1024;

/** Largest DATA payload per frame, so one connection's chunk never monopolizes the tunnel for long. */
export const MAX_DATA_PAYLOAD = 32 * 1024;

/** A decoded frame. */
export type Frame =
  | { type: 'DIAL_REQ'; id: number; host: string; port: number }
  | { type: 'DIAL_RSP'; id: number; error?: string }
  | { type: 'DATA'; id: number; data: Buffer }
  | { type: 'CLOSE'; id: number; error?: string }
  | { type: 'WINDOW'; id: number; bytes: number };

/** Encodes a frame into one WebSocket message. */
export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case 'DIAL_REQ': {
      const port = Buffer.alloc(2);
      port.writeUInt16BE(frame.port);
      return withHeader(FrameType.DIAL_REQ, frame.id, Buffer.concat([port, Buffer.from(frame.host, 'utf8')]));
    }
    case 'DIAL_RSP':
      return withHeader(FrameType.DIAL_RSP, frame.id, Buffer.from(frame.error ?? '', 'utf8'));
    case 'DATA':
      return withHeader(FrameType.DATA, frame.id, frame.data);
    case 'CLOSE':
      return withHeader(FrameType.CLOSE, frame.id, Buffer.from(frame.error ?? '', 'utf8'));
    case 'WINDOW': {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(frame.bytes);
      return withHeader(FrameType.WINDOW, frame.id, bytes);
    }
  }
}

/** Decodes one WebSocket message; a malformed message is a protocol error reported as `{malformed}`. */
export function decodeFrame(message: Buffer): Frame | { malformed: string } {
  if (message.length < 5) return { malformed: `frame too short (${message.length} bytes)` };
  const id = message.readUInt32BE(1);
  const payload = message.subarray(5);
  switch (message[0]) {
    case FrameType.DIAL_REQ: {
      if (payload.length < 3) return { malformed: 'DIAL_REQ without port and host' };
      return { type: 'DIAL_REQ', id, port: payload.readUInt16BE(0), host: payload.subarray(2).toString('utf8') };
    }
    case FrameType.DIAL_RSP:
      return payload.length === 0 ? { type: 'DIAL_RSP', id } : { type: 'DIAL_RSP', id, error: payload.toString('utf8') };
    case FrameType.DATA:
      return { type: 'DATA', id, data: payload };
    case FrameType.CLOSE:
      return payload.length === 0 ? { type: 'CLOSE', id } : { type: 'CLOSE', id, error: payload.toString('utf8') };
    case FrameType.WINDOW:
      if (payload.length !== 4) return { malformed: 'WINDOW payload must be 4 bytes' };
      return { type: 'WINDOW', id, bytes: payload.readUInt32BE(0) };
    default:
      return { malformed: `unknown frame type ${message[0]}` };
  }
}

function withHeader(type: number, id: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, payload]);
}
