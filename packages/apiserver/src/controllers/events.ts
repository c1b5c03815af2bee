// Events the controllers record (core/v1 Event, what `kubectl describe` and `kubectl get events` show).
// Recording is best effort: a failure is logged, never thrown into the controller.
import { nowTimestamp, type KubeObject } from '@hubspoke/api';
import { KEYS, clockOf, type ControllerContext } from './context.ts';
import { newMeta } from './objects.ts';

/** One event about one object. */
export interface EventSpec {
  /** The object the event is about (its apiVersion and kind must be set or given). */
  involved: KubeObject;
  kind?: string;
  apiVersion?: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** Reporting component, e.g. `default-scheduler`, `node-controller`. */
  component: string;
  action?: string;
}

let sequence = 0;

/** Store an Event; cluster-scoped objects get theirs in `default`, as Kubernetes does. */
export async function recordEvent(ctx: ControllerContext, spec: EventSpec): Promise<void> {
  const now = clockOf(ctx)();
  const { name = '', namespace, uid, resourceVersion } = spec.involved.metadata;
  const kind = spec.kind ?? spec.involved.kind ?? '';
  const apiVersion = spec.apiVersion ?? spec.involved.apiVersion ?? '';
  // Kubernetes names events `<object>.<hex nanoseconds>`; the sequence keeps names unique within a millisecond.
  const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(sequence++ % 1_000_000);
  const event: KubeObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: newMeta({ name: `${name}.${nanos.toString(16)}`, namespace: namespace || 'default' }, now),
    involvedObject: { apiVersion, kind, name, ...(namespace ? { namespace } : {}), uid, resourceVersion },
    reason: spec.reason,
    message: spec.message,
    type: spec.type,
    source: { component: spec.component },
    firstTimestamp: nowTimestamp(now),
    lastTimestamp: nowTimestamp(now),
    count: 1,
    reportingComponent: spec.component,
    reportingInstance: spec.component,
    ...(spec.action ? { action: spec.action } : {}),
  };
  try {
    await ctx.storage.create(KEYS.events, event);
  } catch (err) {
    ctx.logger.warn({ reason: spec.reason, object: name, err }, 'could not record event');
  }
}
