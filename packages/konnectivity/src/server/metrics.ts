// The server's counters, rendered in the Prometheus text format at /metrics.

/** Counters and gauges the server keeps; every field is updated where the event happens. */
export class ServerMetrics {
  /** Agent tunnels accepted since start. */
  agentConnects = 0;
  /** Agent upgrade attempts refused by authentication. */
  agentAuthFailures = 0;
  /** CONNECT requests by outcome. */
  readonly dials = { connected: 0, failed: 0, noAgent: 0, timeout: 0, badRequest: 0 };

  /** Renders the counters plus the live gauges the caller passes in. */
  render(gauges: { readyBackends: number; openConnections: number }): string {
    const p = 'konnectivity_network_proxy_server';
    const lines = [
      `# HELP ${p}_ready_backend_connections Number of agents connected.`,
      `# TYPE ${p}_ready_backend_connections gauge`,
      `${p}_ready_backend_connections ${gauges.readyBackends}`,
      `# HELP ${p}_established_connections Connections currently relayed between frontends and agents.`,
      `# TYPE ${p}_established_connections gauge`,
      `${p}_established_connections ${gauges.openConnections}`,
      `# HELP ${p}_agent_connections_total Agent tunnels accepted since start.`,
      `# TYPE ${p}_agent_connections_total counter`,
      `${p}_agent_connections_total ${this.agentConnects}`,
      `# HELP ${p}_agent_auth_failures_total Agent connections refused by authentication.`,
      `# TYPE ${p}_agent_auth_failures_total counter`,
      `${p}_agent_auth_failures_total ${this.agentAuthFailures}`,
      `# HELP ${p}_dial_requests_total CONNECT requests from the frontend by result.`,
      `# TYPE ${p}_dial_requests_total counter`,
      ...Object.entries(this.dials).map(([result, n]) => `${p}_dial_requests_total{result="${snake(result)}"} ${n}`),
    ];
    return `${lines.join('\n')}\n`;
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
