// @hubspoke/konnectivity: a Konnectivity-style proxy server and agent (agents dial out; the server multiplexes).
export {
  startKonnectivityServer,
  type AgentInfo,
  type KonnectivityServer,
  type KonnectivityServerOptions,
} from './server/server.ts';
export { startKonnectivityAgent, type KonnectivityAgent, type KonnectivityAgentOptions } from './agent/agent.ts';
export type { AgentAuthOptions, ReviewToken, TokenReviewResult } from './server/agent-auth.ts';
export { PROXY_STRATEGIES, type ProxyStrategy } from './server/backends.ts';
export { parseAgentIdentifiers, formatAgentIdentifiers, type AgentIdentifiers } from './server/identifiers.ts';
export { encodeFrame, decodeFrame, INITIAL_WINDOW, MAX_DATA_PAYLOAD, type Frame } from './tunnel/frame.ts';
export { AGENT_PATH, AGENT_ID_HEADER, AGENT_IDENTIFIERS_HEADER } from './tunnel/handshake.ts';
export { apiserverTokenReviewer } from './server/token-review.ts';
export type { BackoffOptions } from './agent/backoff.ts';
