// The kube-proxy binary: parse Kubernetes' flags (and --config), connect with the kubeconfig, start the
// user-space proxy, stop it on SIGINT/SIGTERM.
import { stopOnSignals } from '@hubspoke/cli';
import { pino } from 'pino';
import { clientFromKubeconfig, goArch } from '@hubspoke/client';
import { startKubeProxy } from '../kube-proxy.ts';
import { parseKubeProxyArgs } from './flags.ts';

const parsed = await parseKubeProxyArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  process.stdout.write(parsed.text);
  process.exit(0);
}
if (parsed.kind === 'error') {
  process.stderr.write(`Error: ${parsed.message}\n`);
  process.exit(1);
}

const { config, nodeName } = parsed;
const logger = pino({ level: config.logLevel });
for (const warning of parsed.warnings) logger.warn({ warning }, 'kube-proxy configuration');
try {
  const client = await clientFromKubeconfig(config.kubeconfig, { userAgent: `kube-proxy/v1.32.0 (linux/${goArch(process.arch)}) kubernetes/hubspoke` });
  const proxy = await startKubeProxy({
    client,
    nodeName,
    logger,
    bindAddress: config.bindAddress,
    healthzBindAddress: config.healthzBindAddress,
    metricsBindAddress: config.metricsBindAddress,
  });
  stopOnSignals({ component: 'kube-proxy', logger, stop: () => proxy.stop().then(() => client.close()) });
} catch (err) {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exit(1);
}
