// The kubelet binary: parse Kubernetes' flags into a config, start the kubelet, stop it on SIGINT/SIGTERM.
import { stopOnSignals } from '@hubspoke/cli';
import pino from 'pino';
import { startKubelet } from '../kubelet.ts';
import { parseKubeletArgs } from './flags.ts';

const parsed = await parseKubeletArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  process.stdout.write(parsed.text);
  process.exit(0);
}
if (parsed.kind === 'error') {
  process.stderr.write(`Error: ${parsed.message}\n`);
  process.exit(1);
}

const logger = pino({ level: parsed.input.logLevel ?? 'info' });
for (const warning of parsed.warnings) logger.warn({ warning }, 'Kubelet configuration');
try {
  const kubelet = await startKubelet(parsed.input, { logger });
  stopOnSignals({ component: 'kubelet', logger, stop: () => kubelet.stop() });
} catch (err) {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exit(1);
}
