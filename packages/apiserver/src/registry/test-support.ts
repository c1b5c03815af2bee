// Helpers for the registry tests: a REST context over fresh storage whose admission chain records every call.
import { defaultCatalog, type ResourceDefinition } from '@hubspoke/api';
import type { UserInfo } from '@hubspoke/auth';
import type { AdmissionChain } from '../admission/chain.ts';
import type { Attributes } from '../admission/attributes.ts';
import { MemoryStorage } from '../storage/memory.ts';
import type { RestContext, RestTarget } from './context.ts';
import { strategies } from './strategies/index.ts';

/** One admission call as the chain saw it (objects copied at the time of the call). */
export interface AdmissionCall {
  phase: 'admit' | 'validate';
  attrs: Attributes;
}

/** A context whose chain records calls and, optionally, lets `onCall` change or refuse them. */
export function recordingContext(onCall: (call: AdmissionCall) => void = () => {}): RestContext & { calls: AdmissionCall[] } {
  const calls: AdmissionCall[] = [];
  const record = (phase: AdmissionCall['phase']) => async (attrs: Attributes) => {
    onCall({ phase, attrs });
    calls.push({ phase, attrs: structuredClone(attrs) });
  };
  const admission: AdmissionChain = { plugins: ['Recorder'], admit: record('admit'), validate: record('validate') };
  return {
    calls,
    storage: new MemoryStorage(),
    catalog: defaultCatalog(),
    strategies: strategies({ serviceClusterIPRange: '10.96.0.0/12' }),
    now: () => new Date('2025-03-01T10:00:00Z'),
    admission,
  };
}

/** The definition of `group/plural`. */
export function definition(ctx: RestContext, group: string, plural: string): ResourceDefinition {
  const def = ctx.catalog.all().find((d) => d.group === group && d.plural === plural);
  if (!def) throw new Error(`no ${group}/${plural}`);
  return def;
}

/** A target for `user`. */
export function targetFor(def: ResourceDefinition, user: UserInfo, over: Partial<RestTarget> = {}): RestTarget {
  return { def, namespace: def.namespaced ? 'team' : undefined, name: '', subresource: '', user, ...over };
}
