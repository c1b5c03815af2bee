// hubspoke: the lab's command line. `hubspoke up` (= npm start) runs the single-host lab.
import { Command, Option } from 'commander';
import { up } from '../up.ts';
import { writeCerts } from '../certs.ts';

const program = new Command('hubspoke').description('The Kubernetes document "Control Plane–Node Communication", runnable.');

program
  .command('up')
  .description('Start a single-host lab: fresh PKI, an apiserver, kubelets and demo pods. Ctrl-C stops it.')
  .option('--dir <dir>', 'where PKI, kubeconfigs and logs are written', '.hubspoke')
  .addOption(new Option('--port <port>', 'apiserver secure port').default(6443).argParser(Number))
  .addOption(new Option('--nodes <n>', 'number of nodes').default(2).argParser(Number))
  .addOption(new Option('--kubelet-port <port>', 'kubelet port (each node has its own loopback address)').default(10250).argParser(Number))
  .option('--no-demo', 'do not create the demo pods')
  .option('--log-level <level>', 'component log level (written to <dir>/lab.log)', 'info')
  .action(async (o: { dir: string; port: number; nodes: number; kubeletPort: number; demo: boolean; logLevel: string }) => {
    try {
      const cluster = await up(o);
      let stopping = false;
      const stop = async (): Promise<void> => {
        if (stopping) return;
        stopping = true;
        process.stdout.write('\nStopping the lab …\n');
        await cluster.close();
        process.stdout.write('Stopped.\n');
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    } catch (err) {
      process.stderr.write(`hubspoke: ${(err as Error).message}\n`);
      process.exit(1);
    }
  });

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
  .action(async (o: { dir: string; apiserverAddress: string[]; server: string; nodeServer?: string; serviceClusterIp: string; node: string[]; konnectivityUdsName?: string }) => {
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
