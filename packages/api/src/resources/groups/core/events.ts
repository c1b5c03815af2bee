// core/v1 events: what kubelets and controllers report about objects. `kubectl get events` shows LAST SEEN,
// TYPE, REASON, OBJECT (`pod/web`), MESSAGE; the wide columns add SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME.
import type { FieldError } from '../../../errors.ts';
import { invalidValue } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import type { ResourceDefinition, TablePrinter } from '../../../resource.ts';
import { column } from '../../columns.ts';
import { ageSince } from '../../duration.ts';
import { get, rec, str } from '../../json.ts';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/index.ts';
import { ALL_VERBS } from '../verbs.ts';

/** The SOURCE column: `component, host`, falling back to reportingController / reportingInstance. */
function eventSource(ev: KubeObject): string {
  const component = str(ev, 'source', 'component') || str(ev, 'reportingController');
  const host = str(ev, 'source', 'host') || str(ev, 'reportingInstance');
  return host ? `${component}, ${host}` : component;
}

/** `EventToSelectableFields`. */
export function eventFields(ev: KubeObject): Record<string, string> {
  const ref = rec(ev, 'involvedObject');
  return {
    'involvedObject.kind': str(ref, 'kind'),
    'involvedObject.namespace': str(ref, 'namespace'),
    'involvedObject.name': str(ref, 'name'),
    'involvedObject.uid': str(ref, 'uid'),
    'involvedObject.apiVersion': str(ref, 'apiVersion'),
    'involvedObject.resourceVersion': str(ref, 'resourceVersion'),
    'involvedObject.fieldPath': str(ref, 'fieldPath'),
    reason: str(ev, 'reason'),
    reportingComponent: str(ev, 'reportingController'),
    source: str(ev, 'source', 'component') || str(ev, 'reportingController'),
    type: str(ev, 'type'),
  };
}

function validateEvent(ev: KubeObject, old?: KubeObject): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const refNamespace = str(ev, 'involvedObject', 'namespace');
  if (refNamespace && refNamespace !== ev.metadata?.namespace) {
    errs.push(invalidValue('involvedObject.namespace', refNamespace, 'does not match event.namespace'));
  }
  if (old) errs.push(...validateObjectMetaUpdate(ev.metadata, old.metadata));
  return errs;
}

/** Kubernetes' event columns; the apiserver always sends the wide set, in this order. */
export const eventPrinter: TablePrinter = {
  columns: [
    column('Last Seen', { doc: 'Event.lastTimestamp' }),
    column('Type', { doc: 'Event.type' }),
    column('Reason', { doc: 'Event.reason' }),
    column('Object', { doc: 'Event.involvedObject' }),
    column('Subobject', { doc: 'ObjectReference.fieldPath' }, { priority: 1 }),
    column('Source', { doc: 'Event.source' }, { priority: 1 }),
    column('Message', { doc: 'Event.message' }),
    column('First Seen', { doc: 'Event.firstTimestamp' }, { priority: 1 }),
    column('Count', { doc: 'Event.count' }, { priority: 1 }),
    column('Name', { doc: 'ObjectMeta.name' }, { priority: 1, format: 'name' }),
  ],
  cells(ev, now) {
    const first = str(ev, 'firstTimestamp')
      ? ageSince(str(ev, 'firstTimestamp'), now)
      : ageSince(str(ev, 'eventTime'), now);
    let last = str(ev, 'lastTimestamp') ? ageSince(str(ev, 'lastTimestamp'), now) : first;
    let count = Number(get(ev, 'count') ?? 0);
    if (get(ev, 'series')) {
      last = ageSince(str(ev, 'series', 'lastObservedTime'), now);
      count = Number(get(ev, 'series', 'count') ?? 0);
    } else if (count === 0) {
      // Events written by the events.k8s.io API leave count unset for a single occurrence.
      count = 1;
    }
    const kind = str(ev, 'involvedObject', 'kind').toLowerCase();
    const name = str(ev, 'involvedObject', 'name');
    return [
      last,
      str(ev, 'type'),
      str(ev, 'reason'),
      name ? `${kind}/${name}` : kind,
      str(ev, 'involvedObject', 'fieldPath'),
      eventSource(ev),
      str(ev, 'message').trim(),
      first,
      count,
      ev.metadata?.name ?? '',
    ];
  },
};

/** `events` (ev). */
export const events: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Event',
  listKind: 'EventList',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  verbs: ALL_VERBS,
  table: eventPrinter,
  validate: validateEvent,
  fields: eventFields,
};
