// konnectivity-agent: Kubernetes' flag names parsed into KonnectivityAgentOptions, then startKonnectivityAgent.
import { stopOnSignals } from '@hubspoke/cli';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { startKonnectivityAgent, type KonnectivityAgentOptions } from '../agent/agent.ts';
import { commandLogger, parseDuration, parseIntFlag } from './flags.ts';

const program = new Command('konnectivity-agent')
  .description('hubspoke konnectivity-agent: dials out to the proxy server and carries the control plane\'s connections to this node')
  .option('--proxy-server-host <host>', 'Host of the proxy server.', '127.0.0.1')
  .addOption(new Option('--proxy-server-port <port>', 'Agent port of the proxy server.').argParser(parseIntFlag).default(8132))
  .option('--ca-cert <file>', 'CA that verifies the proxy server\'s certificate.')
  .option('--agent-cert <file>', 'Client certificate for the proxy server.')
  .option('--agent-key <file>', 'Key of --agent-cert.')
  .option('--service-account-token-path <file>', 'ServiceAccount token sent as a bearer token (read again on every connect).')
  .option('--agent-id <id>', 'Unique id of this agent (default: host name plus a random suffix).')
  .option('--agent-identifiers <ids>', 'What this agent serves, e.g. ipv4=1.2.3.4&host=node-1.', '')
  .addOption(new Option('--health-server-port <port>', 'Port for /healthz and /readyz.').argParser(parseIntFlag).default(8093))
  .option('--health-server-host <ip>', 'Address for --health-server-port.', '')
  .addOption(new Option('--sync-interval <duration>', 'First reconnect delay.').argParser(parseDuration).default(1_000, '1s'))
  .addOption(new Option('--sync-interval-cap <duration>', 'Largest reconnect delay.').argParser(parseDuration).default(10_000, '10s'))
  .addOption(new Option('-v, --v <level>', 'Log verbosity (0 = info, 4+ = debug).').argParser(parseIntFlag).default(0));

program.parse(process.argv);
const o = program.opts();
const read = (file: string | undefined): string | undefined => (file ? readFileSync(file, 'utf8') : undefined);
const logger = commandLogger('konnectivity-agent', o.v);

try {
  const tokenPath: string | undefined = o.serviceAccountTokenPath;
  const options: KonnectivityAgentOptions = {
    proxyServerHost: o.proxyServerHost,
    proxyServerPort: o.proxyServerPort,
    caCert: read(o.caCert),
    agentCert: read(o.agentCert),
    agentKey: read(o.agentKey),
    serviceAccountToken: tokenPath ? () => readFile(tokenPath, 'utf8') : undefined,
    agentId: o.agentId,
    agentIdentifiers: o.agentIdentifiers,
    healthServerPort: o.healthServerPort,
    healthBindAddress: o.healthServerHost || undefined,
    backoff: { initialMs: o.syncInterval, maxMs: o.syncIntervalCap },
    logger,
  };
  const agent = await startKonnectivityAgent(options);
  stopOnSignals({ component: 'konnectivity-agent', logger, stop: () => agent.close() });
} catch (error) {
  logger.error({ err: error }, 'konnectivity-agent failed to start');
  process.stderr.write(`Error: ${(error as Error).message}\n`);
  process.exit(1);
}
