// The endpoints and endpointslice controllers: for every Service with a selector, an Endpoints object of the
// same name and EndpointSlices (managed-by endpointslice-controller.k8s.io, owned by the Service) listing the
// selected pods, kept current as pods and services change. `default/kubernetes` belongs to the bootstrap
// controller and is skipped.
import { randomInt } from 'node:crypto';
import type { KubeObject } from '@hubspoke/api';
import { KEYS, clockOf, type Controller, type ControllerContext } from './context.ts';
import {
  addressTypeOf,
  buildSlices,
  buildSubsets,
  portsKey,
  selects,
  type EndpointPort,
  type ServiceFields,
  type SliceContent,
} from './endpoints-build.ts';
import { follow } from './follow.ts';
import { hasCode, keyOf, newMeta, splitKey, updateIfPresent } from './objects.ts';
import { WorkQueue } from './work-queue.ts';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
const MANAGED_BY = 'endpointslice-controller.k8s.io';
const HEADLESS_LABEL = 'service.kubernetes.io/headless';

/** Start maintaining Endpoints and EndpointSlices. */
export function startEndpointsController(ctx: ControllerContext): Controller {
  const { storage } = ctx;
  const now = clockOf(ctx);

  async function reconcile(key: string): Promise<void> {
    const { namespace = '', name } = splitKey(key);
    if (namespace === 'default' && name === 'kubernetes') return;
    const service = storage.peek(KEYS.services, namespace, name);
    const selector = service ? selectorOf(service) : undefined;
    if (!service) {
      await removeAll(namespace, name);
      return;
    }
    // Services without a selector have hand-made endpoints, which are not ours to touch.
    if (!selector) return;
    const pods = storage.peekList(KEYS.pods, namespace).filter((pod) => selects(selector, pod));
    await syncEndpoints(service, buildSubsets(service, pods));
    await syncSlices(service, buildSlices(service, pods));
  }

  async function syncEndpoints(service: KubeObject, subsets: ReturnType<typeof buildSubsets>): Promise<void> {
    const { namespace, name = '' } = service.metadata;
    const labels = labelsFor(service);
    const apply = (current: KubeObject): KubeObject => {
      const next: KubeObject = { ...current, metadata: { ...current.metadata, labels } };
      if (subsets.length > 0) next.subsets = subsets;
      else delete next.subsets;
      return next;
    };
    const updated = await updateIfPresent(() => storage.update(KEYS.endpoints, namespace, name, apply));
    if (updated) return;
    const fresh = apply({ apiVersion: 'v1', kind: 'Endpoints', metadata: newMeta({ name, namespace }, now()) });
    await createQuietly(KEYS.endpoints, fresh, service);
  }

  async function syncSlices(service: KubeObject, desired: SliceContent[]): Promise<void> {
    const { namespace, name = '' } = service.metadata;
    // A service with no endpoints still gets one (empty) slice, as Kubernetes keeps a placeholder.
    const wanted = desired.length > 0 ? desired : [{ ports: [], endpoints: [] }];
    const existing = ownedSlices(namespace ?? '', name);
    const unmatched = new Map(existing.map((s) => [s.metadata.name ?? '', s]));
    for (const content of wanted) {
      const match = [...unmatched.values()].find((s) => portsKey(s.ports as EndpointPort[] | undefined) === portsKey(content.ports));
      const apply = (current: KubeObject): KubeObject => ({
        ...current,
        metadata: { ...current.metadata, labels: sliceLabels(service), ownerReferences: [ownerRef(service)] },
        addressType: addressTypeOf(service),
        endpoints: content.endpoints,
        ports: content.ports,
      });
      if (match) {
        unmatched.delete(match.metadata.name ?? '');
        await updateIfPresent(() => storage.update(KEYS.endpointSlices, namespace, match.metadata.name ?? '', apply));
        continue;
      }
      const meta = newMeta({ name: `${name}-${randomSuffix()}`, namespace, generateName: `${name}-` }, now());
      await createQuietly(KEYS.endpointSlices, apply({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta }), service);
    }
    for (const stale of unmatched.values()) await deleteQuietly(KEYS.endpointSlices, namespace, stale.metadata.name ?? '');
  }

  async function removeAll(namespace: string, name: string): Promise<void> {
    await deleteQuietly(KEYS.endpoints, namespace, name);
    for (const slice of ownedSlices(namespace, name)) await deleteQuietly(KEYS.endpointSlices, namespace, slice.metadata.name ?? '');
  }

  function ownedSlices(namespace: string, service: string): KubeObject[] {
    return storage.peekList(KEYS.endpointSlices, namespace).filter((s) => {
      const labels = s.metadata.labels ?? {};
      return labels[SERVICE_NAME_LABEL] === service && labels[MANAGED_BY_LABEL] === MANAGED_BY;
    });
  }

  // A concurrent create of the same name: reconcile the service again against what is there now.
  async function createQuietly(key: string, obj: KubeObject, service: KubeObject): Promise<void> {
    try {
      await storage.create(key, obj);
    } catch (err) {
      if (!hasCode(err, 409)) throw err;
      queue.add(keyOf(service));
    }
  }

  async function deleteQuietly(key: string, namespace: string | undefined, name: string): Promise<void> {
    try {
      await storage.delete(key, namespace, name);
    } catch (err) {
      if (!hasCode(err, 404)) throw err;
    }
  }

  const queue = new WorkQueue({ name: 'endpoints', logger: ctx.logger, handler: reconcile });
  const resync = () => {
    for (const service of storage.peekList(KEYS.services)) queue.add(keyOf(service));
  };
  const podChanged = (pod: KubeObject, previous?: KubeObject) => {
    for (const service of storage.peekList(KEYS.services, pod.metadata.namespace)) {
      const selector = selectorOf(service);
      if (selector && (selects(selector, pod) || (previous && selects(selector, previous)))) queue.add(keyOf(service));
    }
  };
  const watches = [
    follow(ctx, { key: KEYS.services, onEvent: (e) => queue.add(keyOf(e.object)), onResync: resync }),
    follow(ctx, { key: KEYS.pods, onEvent: (e) => podChanged(e.object, e.previous), onResync: resync }),
    // Someone else edited or deleted what we maintain: put it back.
    follow(ctx, { key: KEYS.endpoints, onEvent: (e) => queue.add(keyOf(e.object)), onResync: resync }),
    follow(ctx, {
      key: KEYS.endpointSlices,
      predicate: (s) => s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY,
      onEvent: (e) => queue.add(`${e.object.metadata.namespace}/${e.object.metadata.labels?.[SERVICE_NAME_LABEL] ?? ''}`),
      onResync: resync,
    }),
  ];
  resync();
  return {
    stop() {
      for (const w of watches) w.stop();
      queue.stop();
    },
  };
}

function selectorOf(service: KubeObject): Record<string, string> | undefined {
  const selector = (service as ServiceFields).spec?.selector;
  return selector && Object.keys(selector).length > 0 ? selector : undefined;
}

function labelsFor(service: KubeObject): Record<string, string> {
  const labels = { ...service.metadata.labels };
  if ((service as ServiceFields).spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

function sliceLabels(service: KubeObject): Record<string, string> {
  return { ...labelsFor(service), [SERVICE_NAME_LABEL]: service.metadata.name ?? '', [MANAGED_BY_LABEL]: MANAGED_BY };
}

function ownerRef(service: KubeObject) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    name: service.metadata.name ?? '',
    uid: service.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

// The apiserver's generateName alphabet (no vowels, no look-alike digits).
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}
