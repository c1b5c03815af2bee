// kube-apiserver: parses Kubernetes' flag names into ApiserverOptions and runs startApiserver.
import { stopOnSignals } from '@hubspoke/cli';
import { pino } from 'pino';
import { startApiserver } from '../server.ts';
import { parseApiserverArgs } from './apiserver-args.ts';

const parsed = parseApiserverArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  process.stdout.write(parsed.text);
  process.exit(0);
}
if (parsed.kind === 'error') {
  process.stderr.write(`Error: ${parsed.message}\nRun 'kube-apiserver --help' for usage.\n`);
  process.exit(1);
}
for (const warning of parsed.warnings) process.stderr.write(`${warning}\n`);
const options = parsed.options;

const logger = pino({ level: options.logLevel, redact: ['headers.authorization'] });
try {
  // The kubelet client warns itself when --kubelet-certificate-authority is absent.
  const server = await startApiserver(options, { logger });
  stopOnSignals({ component: 'kube-apiserver', logger, stop: () => server.close() });
} catch (err) {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exit(1);
}
