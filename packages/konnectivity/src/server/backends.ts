// The connected agents, and the choice of an agent for a destination (deciding where; the tunnel moves bytes).
import type { Tunnel } from '../tunnel/tunnel.ts';
import { identifiesHost, type AgentIdentifiers } from './identifiers.ts';

/** A connected agent. */
export interface Backend {
  agentId: string;
  identifiers: AgentIdentifiers;
  tunnel: Tunnel;
  /** Who authenticated: the certificate CN or the ServiceAccount user name. */
  user: string;
}

/**
 * Konnectivity's proxy strategies, tried in order: `destHost` picks an agent whose identifiers name the
 * destination, `defaultRoute` one that declared `default-route=true`, `default` any agent.
 */
export type ProxyStrategy = 'destHost' | 'defaultRoute' | 'default';

/** All proxy strategies, for flag validation. */
export const PROXY_STRATEGIES: readonly ProxyStrategy[] = ['destHost', 'defaultRoute', 'default'];

/** Connected agents by id; a reconnecting agent id replaces its previous tunnel. */
export class BackendRegistry {
  private readonly backends = new Map<string, Backend>();
  private next = 0;

  /** Number of connected agents. */
  get size(): number {
    return this.backends.size;
  }

  /** Registers an agent and returns the backend it replaced (same id), if any. */
  add(backend: Backend): Backend | undefined {
    const previous = this.backends.get(backend.agentId);
    this.backends.set(backend.agentId, backend);
    return previous;
  }

  /** Removes an agent, only if `backend` is still the registered one for its id. */
  remove(backend: Backend): void {
    if (this.backends.get(backend.agentId) === backend) this.backends.delete(backend.agentId);
  }

  /** Every connected agent. */
  list(): Backend[] {
    return [...this.backends.values()];
  }

  /** The agent for `host` under `strategies`, or undefined when no strategy finds one. */
  pick(host: string, strategies: readonly ProxyStrategy[]): Backend | undefined {
    const all = this.list();
    for (const strategy of strategies) {
      const candidates =
        strategy === 'destHost' ? all.filter((b) => identifiesHost(b.identifiers, host))
        : strategy === 'defaultRoute' ? all.filter((b) => b.identifiers.defaultRoute)
        : all;
      // Round-robin among equals spreads load when several agents serve the same destination.
      if (candidates.length > 0) return candidates[this.next++ % candidates.length];
    }
    return undefined;
  }
}
