// The matrix's hosts for one cluster, in network namespaces: the control plane in the root namespace, an
// attacker router, and one node host behind it holding every kubelet on its own address.
//
//   control plane 10.210.N.1 ── .2 router 10.211.N.1 ── .2 node host
//   node addresses 10.212.N.(i+1) on the node host's `lo`; pods 10.213.N.(16·i)/28 (AnyIP)
//
// The control plane routes the node and pod networks via the router (host-gw), so the direct path crosses it.
// The node host's own connections (kubelets and agents calling the control plane) leave from 10.211.N.2, which
// the attacker never takes. Interception is routes alone: `local` routes make the node and pod networks the
// router's own, and a policy rule keeps the attacker's own connections, from 10.211.N.1, going to the node.
import { createNetns, freeOctet, type Netns } from './netns.ts';

/** One cluster's three hosts and its address plan. */
export interface MatrixTopology {
  router: Netns;
  node: Netns;
  /** The control plane's address (root namespace), where the apiserver listens. */
  controlPlane: string;
  /** The router's address on the control plane's link: the attacker's control port. */
  routerIP: string;
  /** The router's address on the node link: the source of the attacker's own connections. */
  routerNodeSide: string;
  /** The address node `i` serves on. */
  nodeAddress(i: number): string;
  /** Node `i`'s pod CIDR. */
  podCIDR(i: number): string;
  /** Every node address, and every pod address. */
  nodeNetwork: string;
  podNetwork: string;
  /** Make the node and pod networks local to the router (or forward them again). */
  intercept(on: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Up to 16 nodes: a /28 of pods each in the cluster's /24. */
export const MAX_NODES = 16;

// freeOctet reads the addresses in use, createNetns adds them: two clusters set up at once could both pick one.
let setupLock: Promise<unknown> = Promise.resolve();

/** Build the three hosts on a free N; on failure nothing is left behind. */
export function createMatrixTopology(tag = 'mx'): Promise<MatrixTopology> {
  const next = setupLock.then(() => build(tag));
  setupLock = next.catch(() => undefined);
  return next;
}

async function build(tag: string): Promise<MatrixTopology> {
  const n = await freeOctet(['10.210', '10.211', '10.212', '10.213']);
  const nodeNetwork = `10.212.${n}.0/24`;
  const podNetwork = `10.213.${n}.0/24`;
  const router = await createNetns({
    tag: `${tag}r`.slice(0, 4),
    hostAddress: `10.210.${n}.1/30`,
    nsAddress: `10.210.${n}.2/30`,
    hostRoutes: [`10.211.${n}.0/30`, nodeNetwork, podNetwork].map((to) => [to, 'via', `10.210.${n}.2`]),
  });
  try {
    const node = await createNetns({
      tag: `${tag}n`.slice(0, 4),
      host: router,
      hostAddress: `10.211.${n}.1/30`,
      nsAddress: `10.211.${n}.2/30`,
      loopbackAddresses: [nodeNetwork],
      // AnyIP: every pod address is local, so each pod can bind its own.
      routes: [['default', 'via', `10.211.${n}.1`], ['local', podNetwork, 'dev', 'lo']],
      hostRoutes: [nodeNetwork, podNetwork].map((to) => [to, 'via', `10.211.${n}.2`]),
    });
    try {
      const forward = await router.exec('sysctl', ['-w', 'net.ipv4.ip_forward=1']);
      if (forward.code !== 0) throw new Error(`sysctl: ${forward.stderr}`);
      await router.ip(['rule', 'add', 'pref', '100', 'lookup', 'local']);
      await router.ip(['rule', 'del', 'pref', '0']);
      await router.ip(['rule', 'add', 'pref', '10', 'from', `10.211.${n}.1`, 'lookup', 'main']);
    } catch (err) {
      await node.close();
      throw err;
    }
    let intercepting = false;
    return {
      router,
      node,
      controlPlane: router.hostIP,
      routerIP: router.nsIP,
      routerNodeSide: node.hostIP,
      nodeAddress: (i) => `10.212.${n}.${i + 1}`,
      podCIDR: (i) => `10.213.${n}.${16 * i}/28`,
      nodeNetwork,
      podNetwork,
      async intercept(on) {
        if (on === intercepting) return;
        for (const cidr of [nodeNetwork, podNetwork]) await router.ip(['route', on ? 'add' : 'del', 'local', cidr, 'dev', 'lo']);
        intercepting = on;
      },
      async close() {
        await node.close();
        await router.close();
      },
    };
  } catch (err) {
    await router.close();
    throw err;
  }
}
