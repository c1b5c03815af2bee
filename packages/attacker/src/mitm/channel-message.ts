// Kubernetes' WebSocket channel protocols as read off the wire: which channel a message is for and its
// bytes, and the frame that writes stdin as a client would.
import { encodeFrame, Opcode, type WebSocketFrame } from './websocket-frames.ts';

/** Channel numbers of exec and attach (stdin 0 … resize 4); v5's close signal uses 255. */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** One message of a channel protocol: the channel and its decoded bytes. */
export interface ChannelMessage {
  channel: number;
  data: Buffer;
}

const BINARY = new Set(['channel.k8s.io', 'v4.channel.k8s.io', 'v5.channel.k8s.io']);
const BASE64 = new Set(['base64.channel.k8s.io', 'v4.base64.channel.k8s.io']);

/** Whether `subprotocol` is one of the exec/attach channel protocols. */
export function isChannelProtocol(subprotocol: string | undefined): boolean {
  return subprotocol !== undefined && (BINARY.has(subprotocol) || BASE64.has(subprotocol));
}

/** The channel and bytes a data frame carries, or undefined for control frames and other protocols. */
export function decodeChannelMessage(subprotocol: string | undefined, frame: WebSocketFrame): ChannelMessage | undefined {
  if (subprotocol === undefined || frame.payload.length === 0) return undefined;
  if (BINARY.has(subprotocol) && frame.opcode === Opcode.binary) {
    return { channel: frame.payload[0], data: frame.payload.subarray(1) };
  }
  if (BASE64.has(subprotocol) && frame.opcode === Opcode.text) {
    // The channel is an ASCII digit, the data base64 text.
    return { channel: frame.payload[0] - 0x30, data: Buffer.from(frame.payload.subarray(1).toString('latin1'), 'base64') };
  }
  return undefined;
}

/** A masked client frame writing `data` to stdin in `subprotocol`'s encoding. */
export function encodeStdinFrame(subprotocol: string, data: Buffer): Buffer {
  if (BASE64.has(subprotocol)) {
    return encodeFrame({ opcode: Opcode.text, payload: Buffer.from(`0${data.toString('base64')}`, 'latin1'), mask: true });
  }
  if (BINARY.has(subprotocol)) {
    return encodeFrame({ opcode: Opcode.binary, payload: Buffer.concat([Buffer.of(Channel.stdin), data]), mask: true });
  }
  throw new Error(`${subprotocol} is not a channel protocol`);
}
