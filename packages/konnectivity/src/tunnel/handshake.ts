// How an agent opens its tunnel: a WebSocket upgrade on AGENT_PATH carrying its id and identifiers as headers.

/** The path agents upgrade on. */
export const AGENT_PATH = '/connect';

/** Header carrying the agent's `--agent-id` (a reconnect with the same id replaces the old tunnel). */
export const AGENT_ID_HEADER = 'x-konnectivity-agent-id';

/** Header carrying the agent's `--agent-identifiers` (`ipv4=1.2.3.4&host=node-1`). */
export const AGENT_IDENTIFIERS_HEADER = 'x-konnectivity-agent-identifiers';
