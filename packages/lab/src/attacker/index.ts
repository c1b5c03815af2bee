// The attacker of the document's threat model (C9): a man in the middle between apiserver and kubelet.
export { startMitm, type Mitm, type MitmOptions, type HandshakeFailure, type InjectResult, type SessionMatcher } from './mitm.ts';
export { channelText, type Capture, type CapturedExchange, type CapturedStream, type StreamMessage, type Direction } from './capture.ts';
export { Channel, decodeChannelMessage, encodeStdinFrame, isChannelProtocol, type ChannelMessage } from './channel-message.ts';
export { FrameReader, encodeFrame, Opcode, type WebSocketFrame, type FrameSpec } from './websocket-frames.ts';
