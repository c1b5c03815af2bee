// NamespaceLifecycle (apiserver/pkg/admission/plugin/namespace/lifecycle): nothing is created in a namespace
// that does not exist or is being terminated, and the namespaces the control plane needs are never deleted.
import { notFound } from '@hubspoke/api';
import { admissionForbidden, type Attributes } from '../attributes.ts';
import type { AdmissionContext, AdmissionPlugin, AdmissionVerdict } from '../plugin.ts';

/** `default`, `kube-system` and `kube-public`. */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

const isNamespaceKind = (attrs: Attributes) => attrs.kind.group === '' && attrs.kind.kind === 'Namespace';

/** The NamespaceLifecycle plugin (mutating phase, like kube-apiserver's, so it refuses before anything else). */
export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  admit(attrs, ctx): AdmissionVerdict {
    if (attrs.operation === 'DELETE' && isNamespaceKind(attrs) && IMMORTAL_NAMESPACES.has(attrs.name)) {
      return admissionForbidden(attrs, 'this namespace may not be deleted');
    }
    if (isNamespaceKind(attrs) || !attrs.namespace || attrs.operation === 'DELETE') return undefined;
    return requireLiveNamespace(attrs, ctx);
  },
};

/** 404 for a missing namespace; on create, 403 with a NamespaceTerminating cause for one being deleted. */
export function requireLiveNamespace(attrs: Attributes, ctx: AdmissionContext): AdmissionVerdict {
  const namespace = ctx.peek('namespaces', undefined, attrs.namespace);
  if (!namespace) return notFound({ group: '', resource: 'namespaces' }, attrs.namespace);
  const phase = (namespace.status as { phase?: string } | undefined)?.phase;
  if (attrs.operation !== 'CREATE' || phase !== 'Terminating') return undefined;
  return admissionForbidden(attrs, `unable to create new content in namespace ${attrs.namespace} because it is being terminated`, [
    { reason: 'NamespaceTerminating', message: `namespace ${attrs.namespace} is being terminated`, field: 'metadata.namespace' },
  ]);
}
