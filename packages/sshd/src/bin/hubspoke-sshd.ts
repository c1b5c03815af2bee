// The hubspoke-sshd binary: parse flags, read the key files, serve SSH tunnels, stop on SIGINT/SIGTERM.
import { stopOnSignals } from '@hubspoke/cli';
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { loadOrCreateHostKeyFile } from '../host-key-file.ts';
import { startSshd } from '../sshd.ts';
import { parseSshdArgs } from './flags.ts';

const parsed = parseSshdArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  process.stdout.write(parsed.text);
  process.exit(0);
}
if (parsed.kind === 'error') {
  process.stderr.write(`Error: ${parsed.message}\n`);
  process.exit(1);
}

const { flags } = parsed;
const logger = pino({ level: flags.logLevel });
try {
  const hostKeys = await Promise.all(flags.hostKeyFiles.map(loadOrCreateHostKeyFile));
  for (const k of hostKeys.filter((k) => k.created)) logger.info({ path: k.path }, 'Generated host key');
  if (hostKeys.length === 0) logger.warn('No --host-key-file given: using a host key that lives only as long as this process');
  const sshd = await startSshd({
    hostKeys: hostKeys.map((k) => k.pem),
    authorizedKeys: await readFile(flags.authorizedKeysFile, 'utf8'),
    listenAddress: flags.listenAddress,
    port: flags.port,
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    logger,
  });
  stopOnSignals({ component: 'sshd', logger, stop: () => sshd.close() });
} catch (err) {
  process.stderr.write(`Error: ${(err as Error).message}\n`);
  process.exit(1);
}
