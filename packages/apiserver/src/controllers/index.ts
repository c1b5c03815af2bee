// The apiserver's built-in controllers (the parts of kube-controller-manager and kube-scheduler a runnable
// cluster needs), started together against the store.
import type { Authorizer } from '@hubspoke/auth';
import type { CertKey } from '@hubspoke/pki';
import type { ResourceKey } from '../storage/interface.ts';
import { startBootstrapController, type BootstrapConfig } from './bootstrap.ts';
import type { Controller, ControllerContext, Logger } from './context.ts';
import { startCsrApprovingController } from './csr-approving.ts';
import { startCsrSigningController } from './csr-signing.ts';
import { startEndpointsController } from './endpoints.ts';
import { startNamespaceController } from './namespace.ts';
import { startNodeLifecycleController } from './node-lifecycle.ts';
import { startRootCAPublisher } from './root-ca-publisher.ts';
import { startScheduler } from './scheduler.ts';
import { startServiceAccountController } from './serviceaccount.ts';

export { ensureBootstrapObjects, SYSTEM_NAMESPACES, type BootstrapConfig } from './bootstrap.ts';
export { KEYS, NAMESPACED_KEYS, silentLogger, type Controller, type ControllerContext, type ControllerStorage, type Logger } from './context.ts';

/** The controllers by name. */
export type ControllerName =
  | 'bootstrap'
  | 'scheduler'
  | 'serviceaccount'
  | 'root-ca-publisher'
  | 'namespace'
  | 'node-lifecycle'
  | 'endpoints'
  | 'csrapproving'
  | 'csrsigning';

/** Every controller, in start order. */
export const ALL_CONTROLLERS: readonly ControllerName[] = [
  'bootstrap',
  'namespace',
  'serviceaccount',
  'root-ca-publisher',
  'node-lifecycle',
  'scheduler',
  'endpoints',
  'csrapproving',
  'csrsigning',
];

/** Everything the controllers need; the per-controller tunables are optional. */
export interface ControllersContext extends ControllerContext {
  bootstrap: BootstrapConfig;
  /** The CA bundle published as kube-root-ca.crt. */
  caPem: string;
  /** Namespaced resources emptied when a namespace is deleted. Default NAMESPACED_KEYS. */
  namespacedKeys?: ResourceKey[];
  bootstrapIntervalMs?: number;
  namespaceRecheckMs?: number;
  unschedulableRetryMs?: number;
  nodeMonitorGracePeriodMs?: number;
  nodeMonitorPeriodMs?: number;
  /** The apiserver's authorizer, which csrapproving asks its SubjectAccessReviews. Absent = csrapproving does not run. */
  authorizer?: Authorizer;
  /** kube-controller-manager's --cluster-signing-cert-file/--cluster-signing-key-file contents. Absent = csrsigning does not run. */
  clusterSigning?: CertKey;
  /** --cluster-signing-duration in ms (default one year). */
  clusterSigningDurationMs?: number;
}

/** Start the chosen controllers (default: all); stop() stops them all. */
export function startControllers(ctx: ControllersContext, which: readonly ControllerName[] = ALL_CONTROLLERS): Controller {
  const started: Controller[] = [];
  for (const name of ALL_CONTROLLERS) {
    if (!which.includes(name)) continue;
    const base: ControllerContext = { storage: ctx.storage, logger: childLogger(ctx.logger, name), now: ctx.now };
    started.push(start(name, base, ctx));
    base.logger.debug({}, 'controller started');
  }
  return {
    stop() {
      for (const controller of started.reverse()) controller.stop();
      started.length = 0;
    },
  };
}

function start(name: ControllerName, base: ControllerContext, ctx: ControllersContext): Controller {
  switch (name) {
    case 'bootstrap':
      return startBootstrapController({ ...base, ...ctx.bootstrap, intervalMs: ctx.bootstrapIntervalMs });
    case 'namespace':
      return startNamespaceController({ ...base, namespacedKeys: ctx.namespacedKeys, recheckMs: ctx.namespaceRecheckMs });
    case 'serviceaccount':
      return startServiceAccountController(base);
    case 'root-ca-publisher':
      return startRootCAPublisher({ ...base, caPem: ctx.caPem });
    case 'node-lifecycle':
      return startNodeLifecycleController({
        ...base,
        nodeMonitorGracePeriodMs: ctx.nodeMonitorGracePeriodMs,
        nodeMonitorPeriodMs: ctx.nodeMonitorPeriodMs,
      });
    case 'scheduler':
      return startScheduler({ ...base, unschedulableRetryMs: ctx.unschedulableRetryMs });
    case 'endpoints':
      return startEndpointsController(base);
    case 'csrapproving':
      if (!ctx.authorizer) return skipped(base.logger, 'no authorizer to ask');
      return startCsrApprovingController({ ...base, authorizer: ctx.authorizer });
    case 'csrsigning':
      // kube-controller-manager skips its signers the same way when no cert/key files are given.
      if (!ctx.clusterSigning) return skipped(base.logger, 'no csr signing cert/key was specified');
      return startCsrSigningController({ ...base, signingPair: ctx.clusterSigning, durationMs: ctx.clusterSigningDurationMs });
  }
}

function skipped(logger: Logger, reason: string): Controller {
  logger.info({ reason }, 'controller skipped');
  return { stop() {} };
}

function childLogger(logger: Logger, controller: string): Logger {
  return typeof logger.child === 'function' ? logger.child({ controller }) : logger;
}
