// startApiserver: storage, authentication, authorization, handlers and controllers wired into one HTTPS
// server. The library entry point used by bin/kube-apiserver, the lab and the tests.
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { pino, type Logger } from 'pino';
import { defaultCatalog, type KubeObject } from '@hubspoke/api';
import {
  authenticatedGroupAdded,
  createTokenIssuer,
  defaultClusterRoleBindings,
  defaultClusterRoles,
  unionAuthenticator,
  type ObjectSource,
} from '@hubspoke/auth';
import { createCA, issueCertificate } from '@hubspoke/pki';
import { buildAdmissionChain } from './admission/build.ts';
import { fileAuditSink, type AuditSink } from './audit/audit-log.ts';
import { buildAuthenticator, buildAuthorizer, tokenAuthenticators } from './auth/chain.ts';
import { firstServiceIP, resolveApiserverConfig, type ApiserverConfig, type ApiserverOptions } from './config.ts';
import { startControllers } from './controllers/index.ts';
import { checkSigningPair } from './controllers/csr-signing.ts';
import { ensureBootstrapObjects } from './controllers/bootstrap.ts';
import { authenticateAndAuthorize } from './filters/chain.ts';
import { installRoutes, installUpgrades } from './http/fastify-adapter.ts';
import { createKubeletClient } from './kubelet/client.ts';
import { countingDialer, type ByteCounts } from './kubelet/counting-dialer.ts';
import { buildEgress } from './egress/egress.ts';
import { nodeForAddressFrom } from './egress/node-for-address.ts';
import { findKubeletRoute, kubeletRoutes } from './proxy/kubelet-routes.ts';
import { handleResource, type ResourceContext, type SubresourceHandler } from './handlers/resources.ts';
import { nonResource } from './handlers/non-resource.ts';
import { createOidcDiscovery } from './handlers/oidc-discovery.ts';
import { OpenApiV3 } from './handlers/openapi.ts';
import type { TokenSigner } from './handlers/token-request.ts';
import { strategies } from './registry/strategies/index.ts';
import { NODE_NAME_INDEX } from './registry/predicate.ts';
import { MemoryStorage } from './storage/memory.ts';

/** A running apiserver. */
export interface ApiserverHandle {
  /** `https://host:port`. */
  url: string;
  port: number;
  config: ApiserverConfig;
  /** The serving certificate (PEM), for clients to trust when it was generated here. */
  servingCert: string;
  storage: MemoryStorage;
  logger: Logger;
  /** Register a subresource handler (`pods/log`, `nodes/proxy`, …). */
  registerSubresource(name: string, handler: SubresourceHandler): void;
  /** Bytes exchanged with each host the apiserver dialed (kubelets, pods, endpoints) through its egress. */
  egressBytes(): Record<string, ByteCounts>;
  close(): Promise<void>;
}

/** Start an apiserver; resolves once it listens and the bootstrap objects exist. */
export async function startApiserver(options: ApiserverOptions, deps: { logger?: Logger } = {}): Promise<ApiserverHandle> {
  const cfg = resolveApiserverConfig(options);
  // A bad signing pair is a startup error, before anything listens.
  if (cfg.clusterSigningCert && cfg.clusterSigningKey) checkSigningPair({ cert: cfg.clusterSigningCert, key: cfg.clusterSigningKey });
  const logger = deps.logger ?? pino({ level: cfg.logLevel, redact: ['req.headers.authorization', 'headers.authorization'] });
  const log = logger.child({ component: 'kube-apiserver' });
  const storage = new MemoryStorage({ historyCapacity: cfg.watchCacheSize });
  storage.addIndex('pods', NODE_NAME_INDEX, (o) => (o.spec as { nodeName?: string } | undefined)?.nodeName || undefined);
  const catalog = defaultCatalog();
  const openapi = new OpenApiV3(catalog);
  const source: ObjectSource = {
    get: (resource, namespace, name) => storage.peek(resource, namespace, name),
    list: (resource, namespace) => storage.peekList(resource, namespace),
  };

  const serving = await servingPair(cfg);
  const authenticator = buildAuthenticator(cfg, source);
  const authorizer = buildAuthorizer(cfg, source);
  const audit: AuditSink | undefined = cfg.auditLogPath ? fileAuditSink(cfg.auditLogPath) : undefined;
  const signer = cfg.serviceAccountSigningKey ? tokenSigner(cfg) : undefined;
  const subresources = new Map<string, SubresourceHandler>();
  const ctx: ResourceContext = {
    storage,
    catalog,
    strategies: strategies({ serviceClusterIPRange: cfg.serviceClusterIPRange }),
    now: () => new Date(),
    reviews: {
      // As kube-apiserver's TokenReview, which runs the request authenticator: groups include system:authenticated.
      tokenAuthenticator: authenticatedGroupAdded(unionAuthenticator('token-review', tokenAuthenticators(cfg, source))),
      authorizer,
      source,
      rbacEnabled: cfg.authorizationModes.includes('RBAC'),
      apiAudiences: cfg.apiAudiences,
    },
    signer,
    apiAudiences: cfg.apiAudiences,
    subresources,
    admission: buildAdmissionChain(
      { enable: cfg.enableAdmissionPlugins, disable: cfg.disableAdmissionPlugins },
      { peek: (resource, namespace, name) => storage.peek(resource, namespace, name), authorizer },
    ),
  };

  let ready = false;
  const app = Fastify({
    https: { key: serving.key, cert: serving.cert, ...(cfg.clientCA ? { ca: cfg.clientCA } : {}), requestCert: true, rejectUnauthorized: false },
    routerOptions: { maxParamLength: 8192 },
    forceCloseConnections: true,
    return503OnClosing: true,
    keepAliveTimeout: 75_000,
  });
  // One egress for every control plane → cluster connection: kubelets and the nodes/pods/services proxies.
  const egress = buildEgress(cfg, { nodeForAddress: nodeForAddressFrom(storage, cfg.kubeletPreferredAddressTypes), logger: logger.child({ component: 'egress' }) });
  const counted = countingDialer(egress.dialer);
  const kubelet = createKubeletClient({
    dialer: counted.dialer,
    clientCert: cfg.kubeletClientCert,
    clientKey: cfg.kubeletClientKey,
    certificateAuthority: cfg.kubeletCertificateAuthority,
    validateNodeName: cfg.featureGates.KubeletCertCNValidation,
    timeoutMs: cfg.kubeletTimeoutMs,
    logger: logger.child({ component: 'kubelet-client' }),
  });
  const toKubelets = kubeletRoutes({
    objects: storage,
    kubelet,
    dialer: counted.dialer,
    preferredAddressTypes: cfg.kubeletPreferredAddressTypes,
    timeoutMs: cfg.kubeletTimeoutMs,
    authorizer,
    websocketNeedsCreate: cfg.featureGates.AuthorizePodWebsocketUpgradeCreatePermission,
    proxyAllowLoopback: cfg.proxyAllowLoopback,
    log: logger.child({ component: 'kubelet-proxy' }),
  });
  const oidc = createOidcDiscovery({ issuer: cfg.serviceAccountIssuers[0], jwksUri: cfg.serviceAccountJwksUri, publicKeysPem: cfg.serviceAccountKeys });
  // As kube-apiserver: without usable keys or issuer the discovery endpoints are simply not installed.
  if (!oidc.ok && cfg.serviceAccountKeys.length > 0) log.warn({ reason: oidc.reason }, 'service account issuer discovery disabled');
  const discovery = oidc.ok ? oidc.discovery : undefined;
  let serverAddress = '';
  const chain = { authenticator, authorizer, audit };
  installRoutes(
    app,
    async (req) => {
      await authenticateAndAuthorize(req, chain);
      if (!req.info.isResourceRequest) return nonResource({ catalog, openapi, serverAddress, oidc: discovery, ready: () => ready }, req);
      const viaKubelet = findKubeletRoute(toKubelets, req.info);
      if (viaKubelet) return viaKubelet.serve(req);
      return handleResource(ctx, req);
    },
    log,
    audit,
  );
  installUpgrades(
    app,
    {
      handlerFor: (info) => findKubeletRoute(toKubelets, info)?.upgrade,
      admit: (req) => authenticateAndAuthorize(req, chain),
    },
    log,
    audit,
  );

  await app.listen({ host: cfg.bindAddress, port: cfg.securePort });
  const port = (app.server.address() as AddressInfo).port;
  serverAddress = `${cfg.advertiseAddress}:${port}`;
  const bootstrap = {
    serviceClusterIP: firstServiceIP(cfg.serviceClusterIPRange),
    secureServingPort: port,
    advertiseAddress: cfg.advertiseAddress,
    clusterRoles: defaultClusterRoles(),
    clusterRoleBindings: defaultClusterRoleBindings(),
  };
  await ensureBootstrapObjects(storage, bootstrap);
  const controllers = cfg.controllers
    ? startControllers({
        storage,
        logger: logger.child({ component: 'kube-controller-manager' }),
        bootstrap,
        caPem: cfg.rootCA ?? cfg.clientCA ?? serving.cert,
        nodeMonitorGracePeriodMs: cfg.nodeMonitorGracePeriodMs,
        authorizer,
        clusterSigning: cfg.clusterSigningCert && cfg.clusterSigningKey ? { cert: cfg.clusterSigningCert, key: cfg.clusterSigningKey } : undefined,
        clusterSigningDurationMs: cfg.clusterSigningDurationMs,
        namespacedKeys: catalog.all().filter((d) => d.namespaced && !d.virtual).map((d) => catalog.storageKey(d)),
      })
    : undefined;
  ready = true;
  const host = cfg.bindAddress === '0.0.0.0' || cfg.bindAddress === '::' ? '127.0.0.1' : cfg.bindAddress;
  log.info({ address: `${host}:${port}`, authorizationModes: cfg.authorizationModes }, 'serving securely');
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    config: cfg,
    servingCert: serving.cert,
    storage,
    logger,
    registerSubresource: (name, handler) => subresources.set(name, handler),
    egressBytes: counted.totals,
    async close() {
      controllers?.stop();
      await app.close();
      egress.close();
      await audit?.close();
    },
  };
}

function tokenSigner(cfg: ApiserverConfig): TokenSigner {
  const issuer = createTokenIssuer({ privateKeyPem: cfg.serviceAccountSigningKey!, issuer: cfg.serviceAccountIssuers[0] });
  return { issue: async (claims) => (await issuer.issue(claims)).token };
}

/** The configured serving pair, or a self-signed one (written to --cert-dir when given), as kube-apiserver does. */
async function servingPair(cfg: ApiserverConfig): Promise<{ cert: string; key: string }> {
  if (cfg.tlsCert && cfg.tlsKey) return { cert: cfg.tlsCert, key: cfg.tlsKey };
  const ca = await createCA({ commonName: `localhost-ca@${Math.floor(Date.now() / 1000)}` });
  const leaf = await issueCertificate({
    ca,
    commonName: `localhost@${Math.floor(Date.now() / 1000)}`,
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    ipAddresses: ['127.0.0.1', cfg.advertiseAddress, firstServiceIP(cfg.serviceClusterIPRange)],
    usage: 'server',
  });
  const pair = { cert: `${leaf.cert.trim()}\n${ca.cert.trim()}\n`, key: leaf.key };
  if (cfg.certDir) {
    await mkdir(cfg.certDir, { recursive: true });
    await writeFile(join(cfg.certDir, 'apiserver.crt'), pair.cert);
    await writeFile(join(cfg.certDir, 'apiserver.key'), pair.key, { mode: 0o600 });
  }
  return pair;
}

export type { KubeObject };
export type { ByteCounts };
