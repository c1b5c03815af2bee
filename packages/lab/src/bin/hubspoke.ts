// hubspoke: the lab's command line. `hubspoke up` (= npm start) runs the single-host lab.
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { auditConfiguration, auditLabDir, formatAuditJson, formatAuditText } from '../audit/index.ts';
import { down, kubeconfig, logs, LOG_COMPONENTS, status } from '../lab-control.ts';
import { removeLabState } from '../lab-state.ts';
import { PROFILE_NAMES } from '../profiles.ts';
import { formatScenarioList, formatScenarioResult, runScenario, scenario, SCENARIOS } from '../scenarios/index.ts';
import { up, UP_ATTACKERS, type UpOptions } from '../up.ts';
import { hasClusterCA, writeCerts } from '../certs.ts';
import { DEFAULT_DASHBOARD_PORT, startDashboard } from '../dashboard/dashboard-server.ts';
import { dashboardLab, dashboardOptions, type DashboardFlags } from '../dashboard/dashboard-command.ts';
import { addMatrixCommand } from '../matrix/matrix-command.ts';
import { addNetCommand } from '../net/net-command.ts';

const program = new Command('hubspoke').description('The Kubernetes document "Control Plane–Node Communication", runnable.');

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Run an action; a failure prints `hubspoke: <message>` and exits 1. */
const guarded = <A extends unknown[]>(action: (...args: A) => Promise<void>) => async (...args: A): Promise<void> => {
  try {
    await action(...args);
  } catch (err) {
    process.stderr.write(`hubspoke: ${(err as Error).message}\n`);
    process.exit(1);
  }
};

const dirOption = (): Option => new Option('--dir <dir>', 'the lab\'s folder (PKI, kubeconfigs, logs, lab.json)').default('.hubspoke');

program
  .command('up')
  .description('Start a single-host lab: fresh PKI, an apiserver, kubelets, kube-proxy and demo pods. Ctrl-C (or `hubspoke down`) stops it.')
  .addOption(dirOption())
  .addOption(new Option('--profile <name>', `the flags that decide the control plane → node paths: ${PROFILE_NAMES.join(', ')}`).choices(PROFILE_NAMES).default('kubernetes-defaults'))
  .addOption(new Option('--egress <mode>', 'how the apiserver reaches the nodes (default: the profile\'s)').choices(['direct', 'konnectivity', 'ssh']))
  .option('--apiserver-arg <flag>', 'a kube-apiserver flag over the profile, e.g. --apiserver-arg=--anonymous-auth=false (repeatable)', collect, [])
  .option('--kubelet-arg <flag>', 'a kubelet flag for every node, e.g. --kubelet-arg=--read-only-port=10255 (repeatable)', collect, [])
  .option('--kube-proxy-arg <flag>', 'a kube-proxy flag, e.g. --kube-proxy-arg=--healthz-bind-address=127.0.0.1:10256 (repeatable)', collect, [])
  .addOption(new Option('--port <port>', 'apiserver secure port').default(6443).argParser(Number))
  .addOption(new Option('--nodes <n>', 'number of nodes').default(2).argParser(Number))
  .addOption(new Option('--kubelet-port <port>', 'kubelet port (each node has its own loopback address)').default(10250).argParser(Number))
  .option('--no-demo', 'do not create the demo pods')
  .option('--log-level <level>', 'component log level (written to <dir>/lab.log)', 'info')
  .addOption(new Option('--attacker <kind>', `run an attacker in the lab: mitm = a man in the middle on node-1's advertised address (node-1 advertises 127.0.66.1; its kubelet keeps 127.0.10.1)`).choices(UP_ATTACKERS))
  .option('--dashboard', 'also serve the dashboard (the live topology) from this process')
  .addOption(new Option('--dashboard-port <port>', 'the dashboard\'s port, with --dashboard').default(DEFAULT_DASHBOARD_PORT).argParser(Number))
  .action(
    guarded(async (o: UpOptions & { apiserverArg: string[]; kubeletArg: string[]; kubeProxyArg: string[]; dashboard?: boolean }) => {
      const lab = await up({
        ...o,
        apiserverArgs: o.apiserverArg,
        kubeletArgs: o.kubeletArg,
        kubeProxyArgs: o.kubeProxyArg,
        dashboardPort: o.dashboard ? o.dashboardPort : undefined,
      });
      let stopping = false;
      const stop = async (): Promise<void> => {
        if (stopping) return;
        stopping = true;
        process.stdout.write('\nStopping the lab …\n');
        await lab.close();
        await removeLabState(o.dir);
        process.stdout.write('Stopped.\n');
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }),
  );

dashboardOptions(program.command('dashboard'))
  .action(
    guarded(async (o: DashboardFlags, command: Command) => {
      const lab = await dashboardLab(o, command.getOptionValueSource('dir') === 'cli');
      const source = lab.kind === 'dir' ? { dir: lab.dir } : { compose: lab.source };
      const dashboard = await startDashboard({ ...source, host: o.address, port: o.port }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') throw new Error(`port ${o.port} on ${o.address} is already in use: choose another with --port`);
        throw err;
      });
      process.stdout.write(`hubspoke dashboard for ${lab.description}: ${dashboard.url}\nCtrl-C stops it.\n`);
      const stop = async (): Promise<void> => {
        await dashboard.close();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }),
  );

program
  .command('down')
  .description('Stop the lab that `hubspoke up` runs (from another terminal).')
  .addOption(dirOption())
  .action(guarded(async (o: { dir: string }) => down(o.dir)));

program
  .command('status')
  .description('What runs, where, and whether the apiserver and the nodes are ready.')
  .addOption(dirOption())
  .action(guarded(async (o: { dir: string }) => status(o.dir)));

program
  .command('kubeconfig')
  .description('Print a kubeconfig of the running lab: the admin\'s, or --user alice | bob | node-1 | …')
  .addOption(dirOption())
  .option('--user <name>', 'whose kubeconfig (default admin)')
  .option('--path', 'print the file\'s path instead of its content')
  .action(guarded(async (o: { dir: string; user?: string; path?: boolean }) => kubeconfig(o.dir, o)));

program
  .command('logs')
  .description(`Print one component's log lines from the lab's log: ${Object.keys(LOG_COMPONENTS).join(', ')}`)
  .argument('<component>')
  .addOption(dirOption())
  .option('--node <name>', 'only this node\'s lines (kubelet, konnectivity-agent, sshd)')
  .action(guarded(async (component: string, o: { dir: string; node?: string }) => logs(o.dir, component, o)));

program
  .command('audit')
  .description('Check a configuration against the CIS Kubernetes Benchmark controls on the control plane → node path, and predict which attacks succeed: the running lab\'s (default), or command lines.')
  .addOption(dirOption())
  .option('--apiserver-cmdline <flags>', 'audit this kube-apiserver command line instead (flags separated by spaces)')
  .option('--kubelet-cmdline <flags>', 'a kubelet command line (repeat for several kubelets)', collect, [])
  .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
  .action(
    guarded(async (o: { dir: string; apiserverCmdline?: string; kubeletCmdline: string[]; output: 'text' | 'json' }) => {
      const split = (line: string): string[] => line.split(/\s+/).filter(Boolean);
      const outcome = o.apiserverCmdline
        ? await auditConfiguration({ apiserver: { argv: split(o.apiserverCmdline) }, kubelets: o.kubeletCmdline.map((k) => ({ argv: split(k) })) })
        : await auditLabDir(resolve(o.dir));
      if (outcome.kind === 'error') throw new Error(outcome.message);
      process.stdout.write(o.output === 'json' ? formatAuditJson(outcome.report) : formatAuditText(outcome.report));
    }),
  );

const scenarioCommand = program.command('scenario').description('The document\'s claims and the attacks on them, as scenarios that run on a fresh lab.');

scenarioCommand
  .command('list')
  .description('List the scenarios: id, the claims each shows, the attack it runs.')
  .action(() => void process.stdout.write(formatScenarioList(SCENARIOS)));

scenarioCommand
  .command('run')
  .description('Run scenarios on fresh in-process labs and show what happened; exits 1 if one did not go as expected.')
  .argument('<id...>', 'scenario ids (`hubspoke scenario list`), or `all`')
  .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
  .action(
    guarded(async (ids: string[], o: { output: 'text' | 'json' }) => {
      const chosen = ids.includes('all') ? SCENARIOS : ids.map(scenario);
      let failed = 0;
      for (const s of chosen) {
        const result = await runScenario(s);
        if (!result.asExpected) failed++;
        process.stdout.write(o.output === 'json' ? `${JSON.stringify({ id: s.id, claims: s.claims, attack: s.attack, ...result })}\n` : formatScenarioResult(s, result));
      }
      if (failed) throw new Error(`${failed} of ${chosen.length} scenarios did not go as expected`);
    }),
  );

addMatrixCommand(program);
addNetCommand(program);

program
  .command('certs')
  .description('Write a cluster PKI, kubeconfigs, a token file and the egress credentials (Konnectivity, SSH) in a kubeadm-like layout, for starting the binaries by hand.')
  .requiredOption('--dir <dir>', 'output folder')
  .option('--apiserver-address <ip...>', 'addresses of the apiserver and the konnectivity-server beside it (SANs)', [])
  .option('--server <url>', 'the apiserver URL written into admin.conf', 'https://127.0.0.1:6443')
  .option('--node-server <url>', 'the apiserver URL written into the kubelets\' and kube-proxy\'s kubeconfigs (default: --server)')
  .option('--service-cluster-ip <ip>', 'the kubernetes Service ClusterIP (a SAN of the apiserver)', '10.96.0.1')
  .option('--node <name=address...>', 'a node and its address', [])
  .option('--konnectivity-uds-name <path>', 'the konnectivity-server socket named in egress-selector-configuration.yaml (default: kubeadm\'s /etc/kubernetes/konnectivity-server/konnectivity-server.socket)')
  .option('--keep-existing', 'write nothing when --dir already holds a cluster CA (docker compose reruns this on every `up`)')
  .action(async (o: { dir: string; apiserverAddress: string[]; server: string; nodeServer?: string; serviceClusterIp: string; node: string[]; konnectivityUdsName?: string; keepExisting?: boolean }) => {
    if (o.keepExisting && hasClusterCA(o.dir)) return void process.stdout.write(`kept ${o.dir}: it already holds a cluster CA (delete the folder for new certificates)\n`);
    const nodes = o.node.map((n) => {
      const [name, address] = n.split('=');
      if (!name || !address) throw new Error(`--node wants name=address, got "${n}"`);
      return { name, address };
    });
    const paths = await writeCerts({
      dir: o.dir,
      apiserverAddresses: o.apiserverAddress,
      server: o.server,
      nodeServer: o.nodeServer,
      serviceClusterIP: o.serviceClusterIp,
      nodes,
      konnectivityUdsName: o.konnectivityUdsName,
    });
    process.stdout.write(
      `wrote ${paths.dir}: CA ${paths.caCert}, admin kubeconfig ${paths.adminKubeconfig}, tokens ${paths.tokenFile}, ` +
        `egress ${paths.konnectivity.egressSelectorConfig} and ${paths.ssh.apiserverKey}\n`,
    );
  });

await program.parseAsync(process.argv);
