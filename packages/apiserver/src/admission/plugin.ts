// The admission plugin contract (`admission.MutationInterface` / `admission.ValidationInterface`): a plugin
// answers for the operations it handles, in a mutating phase (may change the object) and/or a validating
// phase (sees the object as it will be stored). Returning an ApiError refuses the request.
import type { ApiError, KubeObject } from '@hubspoke/api';
import type { Authorizer } from '@hubspoke/auth';
import type { Attributes, Operation } from './attributes.ts';

/** What plugins may consult: the stored objects (their informer caches) and the authorizer. */
export interface AdmissionContext {
  /** A stored object, or undefined; never modify it. */
  peek(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  authorizer: Authorizer;
}

/** A plugin's answer: nothing to let the request through, or the error that refuses it. */
export type AdmissionVerdict = ApiError | undefined;

/** One admission plugin. */
export interface AdmissionPlugin {
  /** The name `--enable-admission-plugins` uses. */
  readonly name: string;
  /** The operations the plugin looks at (`admission.NewHandler(...)`). */
  readonly operations: readonly Operation[];
  /** Mutating phase: after defaulting, before the strategy and validation. */
  admit?(attrs: Attributes, ctx: AdmissionContext): AdmissionVerdict | Promise<AdmissionVerdict>;
  /** Validating phase: after validation, just before the object is stored. */
  validate?(attrs: Attributes, ctx: AdmissionContext): AdmissionVerdict | Promise<AdmissionVerdict>;
}
