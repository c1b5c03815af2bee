// startKubelet: the node agent wired together. It serves its HTTPS endpoint first (so the Node can
// advertise the real port), then registers the Node, keeps the Lease and node status fresh, and runs the
// pods bound to it. Without a kubeconfig it runs standalone: just the server.
import { mkdir, readFile } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import type { KubeObject } from '@hubspoke/api';
import type { ApiClient } from '@hubspoke/client';
import { goArch } from '@hubspoke/client';
import pino from 'pino';
import type { Logger } from 'pino';
import { resolveKubeletConfig } from './config.ts';
import type { KubeletConfig, KubeletConfigInput } from './config.ts';
import { startLeaseController } from './lease.ts';
import type { LeaseController } from './lease.ts';
import { KUBELET_VERSION, readNodeCapacity, readNodeSystemInfo } from './node-info.ts';
import { buildNode, registerNode } from './node-registration.ts';
import type { NodeCondition, NodeDescription } from './node-registration.ts';
import { startNodeStatusReporter } from './node-status.ts';
import type { NodeStatusReporter } from './node-status.ts';
import { PodManager } from './pod-manager.ts';
import { createToyRuntime } from './runtime/index.ts';
import type { Runtime } from './runtime/index.ts';
import type { KubeletHost } from './server/host.ts';
import { buildKubeletAuth } from './server/auth/chain.ts';
import { startKubeletServer, startReadOnlyServer } from './server/server.ts';
import type { ListeningServer } from './server/server.ts';
import { startServingCertificates } from './serving-cert.ts';
import { setUpClientIdentity } from './certificate/client-identity.ts';

/** Collaborators a caller may supply instead of the defaults. */
export interface KubeletDependencies {
  /** Parent logger; the kubelet logs through a child `{component: 'kubelet', node}`. */
  logger?: Logger;
  /** Container runtime; the toy runtime by default. */
  runtime?: Runtime;
  /** API client; built from `kubeconfig` by default. */
  client?: ApiClient;
  /** The time ServiceAccount token expiry is judged by; the wall clock by default (tests move it forward). */
  clock?: () => Date;
}

/** A running kubelet. */
export interface KubeletHandle {
  readonly nodeName: string;
  readonly config: KubeletConfig;
  /** The bind address. */
  readonly address: string;
  /** The HTTPS port actually bound. */
  readonly port: number;
  /** The read-only port actually bound (0 when disabled). */
  readonly readOnlyPort: number;
  /** `https://<nodeIP or address>:<port>`. */
  readonly url: string;
  /** The serving certificate chain the HTTPS server presents now; '' while a bootstrapped one is pending. */
  readonly servingCertPem: string;
  /** The client certificate (PEM) the kubelet's API client presents now; undefined without one. */
  clientCertificatePem(): string | undefined;
  /** Resolves once the Node is registered, the Lease held and the pod list synced (at once when standalone, or on stop). */
  readonly ready: Promise<void>;
  readonly runtime: Runtime;
  /** The pods this kubelet runs, with their current status. */
  pods(): KubeObject[];
  /** Stops containers, watches and servers; the Node object stays. */
  stop(): Promise<void>;
}

/** Starts a kubelet; throws KubeletConfigError for an invalid config and listen errors (port in use). */
export async function startKubelet(input: KubeletConfigInput, deps: KubeletDependencies = {}): Promise<KubeletHandle> {
  const config = resolveKubeletConfig(input);
  const logger = (deps.logger ?? pino({ level: config.logLevel })).child({ component: 'kubelet', node: config.nodeName });
  await mkdir(config.rootDir, { recursive: true });
  const runtime: Runtime = deps.runtime ?? createToyRuntime();
  const clientCA = config.clientCA ?? (config.clientCAFile ? await readFile(config.clientCAFile, 'utf8') : undefined);
  // The webhooks (TokenReview, SubjectAccessReview) use the kubelet's own client, so it exists before the server.
  // With --bootstrap-kubeconfig and rotation off, this waits until the bootstrap CSR is issued (or refused).
  const identity = deps.client ? undefined : await setUpClientIdentity(config, { logger, userAgent: KUBELET_USER_AGENT });
  const client = deps.client ?? identity?.client;
  const serving = await startServingCertificates(config, { client, logger }).catch(async (err: unknown) => {
    await identity?.stop();
    throw err;
  });
  const { anonymousAuth, authenticationTokenWebhook, authorizationMode } = config;
  const commandsNeedCreate = config.featureGates.KubeletWebsocketUpgradeCreatePermission;
  const auth = buildKubeletAuth({ nodeName: config.nodeName, clientCA, anonymousAuth, authenticationTokenWebhook, authorizationMode, commandsNeedCreate, client, logger });

  let podManager: PodManager | undefined;
  const host: KubeletHost = {
    nodeName: config.nodeName,
    streamingConnectionIdleTimeoutMs: config.streamingConnectionIdleTimeoutMs,
    pods: () => podManager?.pods() ?? [],
    pod: (namespace, name) => podManager?.worker(namespace, name)?.pod,
    podIP: (namespace, name) => podManager?.worker(namespace, name)?.podIP,
    container: (namespace, name, container) => {
      const worker = podManager?.worker(namespace, name);
      const runner = worker?.containers.find((c) => c.name === container);
      return worker && runner ? { pod: worker.pod, ...runner.instances() } : undefined;
    },
  };
  const servers: ListeningServer[] = [];
  const closeServers = () => Promise.all(servers.map((s) => s.close()));
  try {
    const { cert, key } = serving.current() ?? {};
    const kubeletServer = await startKubeletServer({ host, address: config.address, port: config.port, cert, key, clientCA, auth, logger });
    servers.push(kubeletServer);
    serving.onChange((pair) => kubeletServer.setServingCertificate(pair));
    if (config.readOnlyPort > 0) {
      servers.push(await startReadOnlyServer({ host, address: config.address, port: config.readOnlyPort, logger }));
    }
  } catch (err) {
    await closeServers();
    await Promise.all([identity?.stop(), serving.stop()]);
    throw err;
  }
  serving.start();
  const port = servers[0].port;
  logger.info({ address: config.address, port, certificate: serving.source }, 'Started kubelet server');

  const abort = new AbortController();
  let lease: LeaseController | undefined;
  let reporter: NodeStatusReporter | undefined;

  const connect = async (api: ApiClient): Promise<void> => {
    const systemInfo = await readNodeSystemInfo(config.nodeName);
    const capacity = await readNodeCapacity(config.rootDir);
    let podCIDR = config.podCIDR;
    const describe = (): NodeDescription => ({
      nodeName: config.nodeName,
      nodeIP: config.nodeIP,
      port,
      podCIDR,
      labels: config.labels,
      systemInfo,
      capacity,
      // Toy images have no layers to measure.
      images: runtime.images().map((name) => ({ names: [name], sizeBytes: 0 })),
    });
    const node = await registerNode(api, buildNode(describe(), new Date()), { logger, signal: abort.signal });
    if (!node || abort.signal.aborted) return;
    // From here to the first await the components are created together, so stop() sees all or none.
    podCIDR ??= (node.spec as { podCIDR?: string } | undefined)?.podCIDR;
    const conditions = (node.status as { conditions?: NodeCondition[] } | undefined)?.conditions;
    reporter = startNodeStatusReporter({
      client: api,
      describe,
      intervalMs: config.nodeStatusUpdateFrequencyMs,
      logger,
      initialConditions: conditions,
    });
    lease = startLeaseController({
      client: api,
      nodeName: config.nodeName,
      nodeUid: node.metadata.uid,
      leaseDurationSeconds: config.nodeLeaseDurationSeconds,
      renewIntervalMs: config.leaseRenewIntervalMs,
      logger,
    });
    podManager = new PodManager({
      client: api,
      nodeName: config.nodeName,
      nodeIP: config.nodeIP,
      rootDir: config.rootDir,
      runtime,
      podCIDR,
      crashLoopBackoff: config.crashLoopBackoff,
      imagePullBackoff: config.imagePullBackoff,
      relistBackoff: config.relistBackoff,
      clock: deps.clock,
      logger,
    });
    const synced = podManager.start();
    markSetUp();
    await Promise.all([lease.ready, synced]);
    if (!abort.signal.aborted) logger.info({}, 'Kubelet is ready');
  };

  let markSetUp!: () => void;
  const setUp = new Promise<void>((resolve) => (markSetUp = resolve));
  const ready = client ? connect(client) : Promise.resolve();
  ready.then(markSetUp, markSetUp);
  // Callers that never await `ready` must not see an unhandled rejection when stop() cuts it short.
  ready.catch((err: unknown) => logger.error({ err }, 'Kubelet failed to start'));

  let stopping: Promise<void> | undefined;
  return {
    nodeName: config.nodeName,
    config,
    address: config.address,
    port,
    readOnlyPort: servers[1]?.port ?? 0,
    url: `https://${urlHost(config)}:${port}`,
    get servingCertPem() {
      return serving.current()?.cert ?? '';
    },
    clientCertificatePem: () => identity?.certificatePem(),
    ready,
    runtime,
    pods: () => host.pods(),
    stop: () =>
      (stopping ??= (async () => {
        abort.abort();
        // Our own client's sockets go first: an in-flight registration or list ends at once.
        const certificatesStopped = Promise.all([identity?.stop(), serving.stop()]);
        await setUp;
        await Promise.all([lease?.stop(), reporter?.stop(), podManager?.stop(), certificatesStopped]);
        await closeServers();
        logger.info({}, 'Kubelet stopped');
      })()),
  };
}

const KUBELET_USER_AGENT = `kubelet/${KUBELET_VERSION} (linux/${goArch(process.arch)}) kubernetes/hubspoke`;

function urlHost(config: KubeletConfig): string {
  const unspecified = config.address === '0.0.0.0' || config.address === '::';
  const host = unspecified ? config.nodeIP : config.address;
  return isIPv6(host) ? `[${host}]` : host;
}
