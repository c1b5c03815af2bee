// ObjectMeta checks shared by every kind (apimachinery's ValidateObjectMeta / ValidateObjectMetaUpdate).
// System fields the handler manages on update (resourceVersion, generation, creationTimestamp) are its job;
// what is checked here is what a client can get wrong.
import type { FieldError } from '../../errors.ts';
import { forbiddenField, invalidValue, required } from '../../errors.ts';
import type { ObjectMeta } from '../../meta.ts';
import { invalidRendered, goStringSlice } from './field.ts';
import { isQualifiedName, validateAnnotations, validateLabels } from './labels.ts';
import { FIELD_IMMUTABLE, IS_NEGATIVE } from './messages.ts';
import type { NameValidator } from './names.ts';
import { nameIsDNSLabel } from './names.ts';

/** How a kind's metadata is checked. */
export interface MetaRules {
  namespaced: boolean;
  name: NameValidator;
}

/** Problems with `metadata` of an object about to be created or updated. */
export function validateObjectMeta(meta: ObjectMeta | undefined, rules: MetaRules, field = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of rules.name(m.generateName, true)) errs.push(invalidValue(`${field}.generateName`, m.generateName, msg));
  }
  if (!m.name) {
    errs.push(required(`${field}.name`, 'name or generateName is required'));
  } else {
    for (const msg of rules.name(m.name, false)) errs.push(invalidValue(`${field}.name`, m.name, msg));
  }
  // A cluster-scoped object's namespace is cleared by the handler before validation, as BeforeCreate does.
  if (rules.namespaced) {
    if (!m.namespace) errs.push(required(`${field}.namespace`, ''));
    else for (const msg of nameIsDNSLabel(m.namespace, false)) errs.push(invalidValue(`${field}.namespace`, m.namespace, msg));
  }
  if (typeof m.generation === 'number' && m.generation < 0) {
    errs.push(invalidValue(`${field}.generation`, m.generation, IS_NEGATIVE));
  }
  errs.push(...validateLabels(m.labels, `${field}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${field}.annotations`));
  errs.push(...validateOwnerReferences(m, `${field}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${field}.finalizers`));
  return errs;
}

/** Extra problems on update: identity fields that may not change, finalizers added while deleting. */
export function validateObjectMetaUpdate(next: ObjectMeta | undefined, old: ObjectMeta | undefined, field = 'metadata'): FieldError[] {
  const n = next ?? {};
  const o = old ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const added = (n.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f)).sort();
    if (added.length > 0) {
      errs.push(
        forbiddenField(
          `${field}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added)}`,
        ),
      );
    }
  }
  if ((n.name ?? '') !== (o.name ?? '')) errs.push(invalidValue(`${field}.name`, n.name ?? '', FIELD_IMMUTABLE));
  if ((n.namespace ?? '') !== (o.namespace ?? '')) {
    errs.push(invalidValue(`${field}.namespace`, n.namespace ?? '', FIELD_IMMUTABLE));
  }
  if (n.uid && o.uid && n.uid !== o.uid) errs.push(invalidValue(`${field}.uid`, n.uid, FIELD_IMMUTABLE));
  return errs;
}

function validateOwnerReferences(m: ObjectMeta, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of m.ownerReferences ?? []) {
    const version = (ref.apiVersion ?? '').split('/').pop() ?? '';
    if (!version) errs.push(invalidValue(`${field}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalidValue(`${field}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalidValue(`${field}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalidValue(`${field}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(
          invalidRendered(
            field,
            '[]v1.OwnerReference{…}',
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

function validateFinalizers(finalizers: string[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) for (const msg of isQualifiedName(f)) errs.push(invalidValue(field, f, msg));
  const list = finalizers ?? [];
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalidRendered(field, goStringSlice(list), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}
