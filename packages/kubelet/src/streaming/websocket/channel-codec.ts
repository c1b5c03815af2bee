// One WebSocket message ↔ (channel, bytes), per channel subprotocol. Pure functions: tested by feeding bytes.
import type { ChannelProtocol } from './subprotocol.ts';

/** v5's "close this channel" marker, `[255, channel]`. */
export const CLOSE_CHANNEL = 255;

/** A message ready for ws.send. */
export interface EncodedMessage {
  data: Buffer | string;
  binary: boolean;
}

/** What one received message means. */
export type DecodedMessage =
  | { kind: 'data'; channel: number; payload: Buffer }
  | { kind: 'half-close'; channel: number }
  | { kind: 'ignored' };

/** Frames `payload` for `channel`. */
export function encodeChannelMessage(protocol: ChannelProtocol, channel: number, payload: Buffer): EncodedMessage {
  if (protocol.encoding === 'base64') {
    return { data: String.fromCharCode(48 + channel) + payload.toString('base64'), binary: false };
  }
  const data = Buffer.allocUnsafe(payload.length + 1);
  data[0] = channel;
  payload.copy(data, 1);
  return { data, binary: true };
}

/**
 * Unframes a received message. Like the kubelet, the codec follows the subprotocol, not the frame type
 * (text or binary); empty messages and malformed ones are ignored.
 */
export function decodeChannelMessage(protocol: ChannelProtocol, message: Buffer): DecodedMessage {
  if (message.length === 0) return { kind: 'ignored' };
  if (protocol.halfClose && message[0] === CLOSE_CHANNEL) {
    return message.length === 2 ? { kind: 'half-close', channel: message[1] } : { kind: 'ignored' };
  }
  if (protocol.encoding === 'binary') return { kind: 'data', channel: message[0], payload: message.subarray(1) };
  const channel = message[0] - 48;
  if (channel < 0 || channel > 9) return { kind: 'ignored' };
  const text = message.toString('latin1', 1);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return { kind: 'ignored' };
  return { kind: 'data', channel, payload: Buffer.from(text, 'base64') };
}
