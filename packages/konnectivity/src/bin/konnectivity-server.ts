// konnectivity-server: Kubernetes' flag names parsed into KonnectivityServerOptions, then startKonnectivityServer.
import { stopOnSignals } from '@hubspoke/cli';
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadKubeconfig } from '@hubspoke/pki';
import type { AgentAuthOptions } from '../server/agent-auth.ts';
import { startKonnectivityServer, type KonnectivityServerOptions } from '../server/server.ts';
import { apiserverTokenReviewer } from '../server/token-review.ts';
import { commandLogger, parseIntFlag, parseProxyStrategies } from './flags.ts';

const program = new Command('konnectivity-server')
  .description('hubspoke konnectivity-server: the apiserver sends HTTP CONNECT here; agents on the nodes dial in and carry the traffic')
  .option('--mode <mode>', 'Frontend protocol; hubspoke speaks only http-connect (no grpc).', 'http-connect')
  .option('--uds-name <path>', 'Unix socket for the apiserver (HTTP CONNECT, no TLS). When empty, the TLS --server-port is served.', '')
  .addOption(new Option('--server-port <port>', 'TLS port for the apiserver (served when --uds-name is empty or this flag is given).').argParser(parseIntFlag).default(8090))
  .option('--server-bind-address <ip>', 'Address for --server-port.', '')
  .option('--server-cert <file>', 'Certificate for the apiserver-facing TLS port.')
  .option('--server-key <file>', 'Key of --server-cert.')
  .option('--server-ca-cert <file>', 'When set, the apiserver must present a client certificate signed by this CA.')
  .addOption(new Option('--agent-port <port>', 'TLS port agents connect to.').argParser(parseIntFlag).default(8132))
  .option('--agent-bind-address <ip>', 'Address for --agent-port.', '')
  .option('--cluster-cert <file>', 'Certificate served to agents.')
  .option('--cluster-key <file>', 'Key of --cluster-cert.')
  .option('--cluster-ca-cert <file>', 'Agents presenting a client certificate signed by this CA are accepted.')
  .option('--kubeconfig <file>', 'Kubeconfig used to validate agents\' ServiceAccount tokens with TokenReview.')
  .option('--agent-namespace <ns>', 'Namespace of the ServiceAccount agents must authenticate as.')
  .option('--agent-service-account <name>', 'ServiceAccount agents must authenticate as.')
  .option('--authentication-audience <aud>', 'Audience agent tokens must be issued for.')
  .addOption(new Option('--health-port <port>', 'Port for /healthz and /readyz.').argParser(parseIntFlag).default(8092))
  .option('--health-bind-address <ip>', 'Address for --health-port.', '')
  .addOption(new Option('--admin-port <port>', 'Port for /metrics and /readyz.').argParser(parseIntFlag).default(8095))
  .option('--admin-bind-address <ip>', 'Address for --admin-port.', '127.0.0.1')
  .addOption(new Option('--proxy-strategies <list>', 'Agent selection, in order: destHost, defaultRoute, default.').argParser(parseProxyStrategies).default(['destHost', 'default'], 'destHost,default'))
  .addOption(new Option('-v, --v <level>', 'Log verbosity (0 = info, 4+ = debug).').argParser(parseIntFlag).default(0));

program.parse(process.argv);
const o = program.opts();
const read = (file: string | undefined): string | undefined => (file ? readFileSync(file, 'utf8') : undefined);
const logger = commandLogger('konnectivity-server', o.v);

try {
  if (o.mode !== 'http-connect') throw new Error(`--mode ${o.mode} is not supported: hubspoke speaks http-connect only`);
  const agentAuth: AgentAuthOptions = { clientCA: read(o.clusterCaCert) };
  if (o.agentNamespace || o.agentServiceAccount) {
    if (!o.kubeconfig) throw new Error('token authentication (--agent-namespace, --agent-service-account) needs --kubeconfig');
    agentAuth.reviewToken = apiserverTokenReviewer(await loadKubeconfig(o.kubeconfig));
    agentAuth.agentNamespace = o.agentNamespace;
    agentAuth.agentServiceAccount = o.agentServiceAccount;
    agentAuth.authenticationAudience = o.authenticationAudience;
  }
  const serveTcp = o.udsName === '' || program.getOptionValueSource('serverPort') === 'cli';
  const options: KonnectivityServerOptions = {
    udsName: o.udsName || undefined,
    serverPort: serveTcp ? o.serverPort : undefined,
    serverBindAddress: o.serverBindAddress || undefined,
    serverCert: read(o.serverCert),
    serverKey: read(o.serverKey),
    serverCACert: read(o.serverCaCert),
    agentPort: o.agentPort,
    agentBindAddress: o.agentBindAddress || undefined,
    clusterCert: read(o.clusterCert) ?? '',
    clusterKey: read(o.clusterKey) ?? '',
    agentAuth,
    healthPort: o.healthPort,
    healthBindAddress: o.healthBindAddress || undefined,
    adminPort: o.adminPort,
    adminBindAddress: o.adminBindAddress,
    proxyStrategies: o.proxyStrategies,
    logger,
  };
  const server = await startKonnectivityServer(options);
  stopOnSignals({ component: 'konnectivity-server', logger, stop: () => server.close() });
} catch (error) {
  logger.error({ err: error }, 'konnectivity-server failed to start');
  process.stderr.write(`Error: ${(error as Error).message}\n`);
  process.exit(1);
}
