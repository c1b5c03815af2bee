// The node status heartbeat: every nodeStatusUpdateFrequency the kubelet PATCHes nodes/<name>/status with
// fresh heartbeat times, capacity and images, as Kubernetes' syncNodeStatus does.
import type { ApiClient } from '@hubspoke/client';
import { resourcePath } from '@hubspoke/client';
import type { Logger } from 'pino';
import { nodeStatus } from './node-registration.ts';
import type { NodeCondition, NodeDescription } from './node-registration.ts';

/** What the reporter needs. */
export interface NodeStatusReporterOptions {
  client: ApiClient;
  /** The current description (images and capacity may change between beats). */
  describe: () => Promise<NodeDescription> | NodeDescription;
  intervalMs: number;
  logger: Logger;
  /** Conditions already stored, so transition times carry over from registration. */
  initialConditions?: NodeCondition[];
}

/** A running heartbeat. */
export interface NodeStatusReporter {
  /** Sends one update now (also used right after registration). */
  beat(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts beating every `intervalMs`; failures are logged and retried on the next beat. */
export function startNodeStatusReporter(opts: NodeStatusReporterOptions): NodeStatusReporter {
  let conditions = opts.initialConditions ?? [];
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;

  const send = async () => {
    const d = await opts.describe();
    const status = nodeStatus(d, new Date(), conditions);
    const path = resourcePath({ version: 'v1', resource: 'nodes', name: d.nodeName, subresource: 'status' });
    await opts.client.patch(path, { status }, 'merge');
    conditions = status.conditions as NodeCondition[];
  };

  const beat = () => {
    // Serialised: a slow apiserver never sees two status writes of one node racing.
    inFlight = inFlight.then(async () => {
      if (stopped) return;
      try {
        await send();
      } catch (err) {
        opts.logger.warn({ err }, 'Error updating node status, will retry');
      }
    });
    return inFlight;
  };

  const timer = setInterval(() => void beat(), opts.intervalMs);
  timer.unref();
  return {
    beat,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
