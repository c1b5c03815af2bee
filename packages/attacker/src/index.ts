// @hubspoke/attacker: the attacker of the document's threat model. `mitm` sits between apiserver and kubelet
// (C9); `scan` probes kubelets the way kubeletctl and kube-hunter do, plus a working port-forward probe.
export { ATTACKS, type AttackId, type AttackInfo, type AttackOutcome, type AttackerPosition } from './attacks.ts';
export { startMitm, type Mitm, type MitmOptions, type HandshakeFailure, type InjectResult, type SessionMatcher } from './mitm/mitm.ts';
export { channelText, type Capture, type CapturedExchange, type CapturedStream, type StreamMessage, type Direction } from './mitm/capture.ts';
export { Channel, decodeChannelMessage, encodeStdinFrame, isChannelProtocol, type ChannelMessage } from './mitm/channel-message.ts';
export { FrameReader, encodeFrame, Opcode, type WebSocketFrame, type FrameSpec } from './mitm/websocket-frames.ts';
