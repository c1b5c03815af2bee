// A test harness: one server on a Unix socket plus agents, all closed in teardown.
import { startKonnectivityAgent, type KonnectivityAgent, type KonnectivityAgentOptions } from '../agent/agent.ts';
import { startKonnectivityServer, type KonnectivityServer, type KonnectivityServerOptions } from '../server/server.ts';
import { createTestPki, tempSocketPath, type TestPki } from './fixture.ts';

/** A server, its agents and the closers registered so far. */
export interface TestCluster {
  pki: TestPki;
  udsName: string;
  server: KonnectivityServer;
  /** Starts (or restarts) the server with cert auth on the same ports; `extra` overrides options. */
  startServer(extra?: Partial<KonnectivityServerOptions>): Promise<KonnectivityServer>;
  /** Starts an agent with a client certificate from the cluster CA, connected to the current server. */
  startAgent(extra?: Partial<KonnectivityAgentOptions>): Promise<KonnectivityAgent>;
  close(): Promise<void>;
}

/** Creates the PKI and starts a server with client-certificate agent authentication. */
export async function startTestCluster(extra: Partial<KonnectivityServerOptions> = {}): Promise<TestCluster> {
  const pki = await createTestPki();
  const udsName = tempSocketPath();
  const agents: KonnectivityAgent[] = [];
  let agentPort = 0;
  let adminPort = 0;
  const cluster: TestCluster = {
    pki,
    udsName,
    server: undefined as unknown as KonnectivityServer,
    startServer: async (more = {}) => {
      const server = await startKonnectivityServer({
        udsName,
        agentPort,
        agentBindAddress: '127.0.0.1',
        adminPort,
        clusterCert: pki.serverCert.cert,
        clusterKey: pki.serverCert.key,
        agentAuth: { clientCA: pki.ca.cert },
        dialTimeoutMs: 3_000,
        ...extra,
        ...more,
      });
      agentPort = server.agentPort;
      adminPort = server.adminPort ?? 0;
      cluster.server = server;
      return server;
    },
    startAgent: async (more = {}) => {
      const agent = await startKonnectivityAgent({
        proxyServerHost: '127.0.0.1',
        proxyServerPort: agentPort,
        caCert: pki.ca.cert,
        agentCert: pki.agentCert.cert,
        agentKey: pki.agentCert.key,
        backoff: { initialMs: 50, maxMs: 200 },
        ...more,
      });
      agents.push(agent);
      return agent;
    },
    close: async () => {
      await Promise.all(agents.map((a) => a.close()));
      await cluster.server?.close();
    },
  };
  await cluster.startServer();
  return cluster;
}
