// The timing knobs of SPDY streaming sessions, with Kubernetes' defaults.

/** Timing of a SPDY streaming session (Kubernetes' defaults when unset). */
export interface SpdyTuning {
  /** How long the client has to open its streams (the kubelet's streamCreationTimeout, 30 s). */
  streamCreationTimeoutMs?: number;
  /** After GOAWAY, how long to wait for the client to hang up before dropping the connection (5 s). */
  closeTimeoutMs?: number;
}

/** The kubelet's streamCreationTimeout. */
export const DEFAULT_STREAM_CREATION_TIMEOUT_MS = 30_000;
