// @hubspoke/attacker: the attacker of the document's threat model. `mitm` sits between apiserver and kubelet
// (C9); `scan` probes kubelets the way kubeletctl and kube-hunter do, plus a working port-forward probe.
export { ATTACKS, type AttackId, type AttackInfo, type AttackOutcome, type AttackerPosition } from './attacks.ts';
export { startMitm, type Mitm, type MitmOptions, type HandshakeFailure, type InjectResult, type SessionMatcher } from './mitm/mitm.ts';
export { channelText, type Capture, type CapturedExchange, type CapturedStream, type StreamMessage, type Direction } from './mitm/capture.ts';
export { capturesResponse, captureView, type CapturesResponse, type CaptureView, type CaptureExchangeView } from './mitm/captures-view.ts';
export { Channel, decodeChannelMessage, encodeStdinFrame, isChannelProtocol, type ChannelMessage } from './mitm/channel-message.ts';
export { FrameReader, encodeFrame, Opcode, type WebSocketFrame, type FrameSpec } from './mitm/websocket-frames.ts';
export { scanKubelet, scanKubelets, DEFAULT_COMMAND, type ScanOptions, type ScanAllOptions, type ScanSettings } from './scan/scan.ts';
export { formatReports, formatTable, type ScanOutputFormat } from './scan/report-format.ts';
export { summarizeAttacks, ATTACK_PROBES } from './scan/attack-summary.ts';
export {
  PROBES,
  type ScanReport,
  type ProbeResult,
  type ProbeOutcome,
  type ProbeName,
  type ScanCredentials,
  type ScanIdentity,
  type ServingCertificateInfo,
  type TlsObservation,
  type ContainerTarget,
  type PortForwardTarget,
  type KubeletAttackId,
} from './scan/types.ts';
export { startSniff, type Sniffer, type SniffOptions, type SniffListener } from './sniff/sniff.ts';
export { SniffRecorder, type SniffCapture, type SniffEvents } from './sniff/sniff-capture.ts';
export { encodeForgedResponse, type ForgedResponse, type Impersonator } from './sniff/forged-response.ts';
export { exchangeRecord, formatExchange, type ExchangeRecord } from './sniff/exchange-report.ts';
export { startRogueKubelet, type RogueKubelet, type RogueKubeletOptions, type RogueConnection, type RogueRequest, type RogueAnswer, type RogueStrategy } from './rogue-node/rogue-kubelet.ts';
export { startRogueNode, rogueNodeStrategy, DEFAULT_FORGED_LOG, type RogueNodeOptions } from './rogue-node/rogue-node.ts';
export { submitServingCsr, waitForIssuedCertificate, KUBELET_SERVING_USAGES, type CsrIdentity, type ServingCsrOptions, type SubmittedServingCsr } from './rogue-node/serving-csr.ts';
export { startMaliciousKubelet, maliciousUpgradeStrategy, FAILED_UPGRADE_BODY, type MaliciousUpgradeMode, type MaliciousKubeletOptions } from './redirect/redirect-kubelet.ts';
export { startRedirectTarget, type RedirectTarget, type TargetArrival } from './redirect/redirect-target.ts';
export { replayToken, formatReplay, type TokenReplayOptions, type TokenReplayResult, type ReplayedIdentity } from './token-replay/token-replay.ts';
export { nodesProxyExec, nodesProxyExecUrl, statusMessage, type NodesProxyExecOptions, type NodesProxyExecResult, type NodesProxyRoute } from './nodes-proxy-exec/nodes-proxy-exec.ts';
export { parseMitmArgs, type MitmFlags, type ParsedMitmArgs } from './bin/mitm-command.ts';
export { serveCaptures, type CapturesServer, type CapturesServerOptions } from './mitm/captures-server.ts';
export { interceptRoute, INTERCEPT_PREFS, RouteInterceptionError, type RouteInterception, type RouteInterceptionOptions } from './mitm/route-interception.ts';
