// `hubspoke-attacker token-replay`: present a stolen ServiceAccount token to the apiserver and say what it
// is worth now. The exit code is 0 whenever the replay ran, accepted or not; only unusable flags fail it.
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { formatReplay, replayToken } from '../token-replay/token-replay.ts';

interface TokenReplayFlags {
  server: string;
  token?: string;
  tokenFile?: string;
  certificateAuthority?: string;
  output: 'text' | 'json';
  timeout: number;
}

/** Adds the `token-replay` subcommand to `program`; returns the subcommand. */
export function addTokenReplayCommand(program: Command): Command {
  return program
    .command('token-replay')
    .description('Replay a stolen pod ServiceAccount token against the apiserver: who it still is, or why it is refused (401 once its pod is gone).')
    .requiredOption('--server <url>', 'the apiserver, https://host:port')
    .option('--token <token>', 'the stolen token')
    .option('--token-file <file>', 'a file holding the token (e.g. a copy of /var/run/secrets/kubernetes.io/serviceaccount/token)')
    .option('--certificate-authority <file>', 'cluster CA (PEM) to verify the apiserver; without it nothing is verified')
    .addOption(new Option('--output <format>', 'result format').choices(['text', 'json']).default('text'))
    .option('--timeout <ms>', 'bound of the request in milliseconds', (v: string) => Number(v), 10_000)
    .action(async (flags: TokenReplayFlags, command: Command) => {
      if (Boolean(flags.token) === Boolean(flags.tokenFile)) command.error('error: give exactly one of --token and --token-file');
      const read = (file: string, flag: string): Promise<string> =>
        readFile(file, 'utf8').catch((err: Error) => command.error(`error: cannot read ${flag} ${file}: ${err.message}`));
      const token = flags.token ?? (await read(flags.tokenFile!, '--token-file')).trim();
      const caCert = flags.certificateAuthority ? await read(flags.certificateAuthority, '--certificate-authority') : undefined;
      const result = await replayToken({ server: flags.server, token, caCert, timeoutMs: flags.timeout });
      process.stdout.write(flags.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${formatReplay(result)}\n`);
    });
}
