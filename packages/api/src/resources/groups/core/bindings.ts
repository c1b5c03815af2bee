// core/v1 bindings: the scheduler's way to assign a pod to a node (`POST …/bindings` or
// `…/pods/P/binding`). Nothing of its own is stored; the handler sets the pod's spec.nodeName.
import type { FieldError } from '../../../errors.ts';
import { invalidValue, notSupported, required } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import type { ResourceDefinition } from '../../../resource.ts';
import { str } from '../../json.ts';
import { nameIsDNSSubdomain, validateObjectMeta } from '../../validation/index.ts';
import { CREATE_ONLY } from '../verbs.ts';

/** `ValidatePodBinding`: the target is a Node, named. */
export function validateBinding(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const kind = str(obj, 'target', 'kind');
  if (kind && kind !== 'Node') errs.push(notSupported('target.kind', kind, ['Node', '<empty>']));
  const node = str(obj, 'target', 'name');
  if (!node) errs.push(required('target.name', ''));
  else for (const msg of nameIsDNSSubdomain(node, false)) errs.push(invalidValue('target.name', node, msg));
  return errs;
}

/** `bindings`: create-only. */
export const bindings: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Binding',
  listKind: 'BindingList',
  plural: 'bindings',
  singular: 'binding',
  namespaced: true,
  verbs: CREATE_ONLY,
  virtual: true,
  validate: validateBinding,
};
