// Helpers for the admission tests: attributes with sensible defaults and a context over a handful of objects.
import type { ApiError, KubeObject } from '@hubspoke/api';
import type { Authorizer, Decision, UserInfo } from '@hubspoke/auth';
import type { Attributes } from './attributes.ts';
import type { AdmissionContext, AdmissionVerdict } from './plugin.ts';

/** `system:node:<name>` in `system:nodes`. */
export function nodeUser(name: string): UserInfo {
  return { name: `system:node:${name}`, groups: ['system:nodes', 'system:authenticated'] };
}

/** A plain user. */
export const alice: UserInfo = { name: 'alice', uid: 'alice-uid', groups: ['developers', 'system:authenticated'] };

/** Attributes for a core/v1 request on `resource` (kind derived unless given). */
export function attributes(over: Partial<Attributes> & Pick<Attributes, 'operation'>): Attributes {
  const resource = over.resource ?? { group: '', version: 'v1', resource: 'pods' };
  return {
    subresource: '',
    kind: { group: resource.group, version: resource.version, kind: 'Pod' },
    namespace: '',
    name: '',
    user: alice,
    dryRun: false,
    ...over,
    resource,
  };
}

/** Stored objects keyed `resource/namespace/name` (namespace empty for cluster-scoped). */
export type Stored = Record<string, KubeObject>;

/** A context answering from `stored`, with an authorizer that allows what `allow` says. */
export function contextOf(stored: Stored, allow: (attrs: Parameters<Authorizer['authorize']>[0]) => boolean = () => false): AdmissionContext & {
  asked: Parameters<Authorizer['authorize']>[0][];
} {
  const asked: Parameters<Authorizer['authorize']>[0][] = [];
  return {
    asked,
    peek: (resource, namespace, name) => stored[`${resource}/${namespace ?? ''}/${name}`],
    authorizer: {
      name: 'test',
      authorize(attrs): Decision {
        asked.push(attrs);
        return allow(attrs) ? { kind: 'allow' } : { kind: 'no-opinion' };
      },
    },
  };
}

/** The wire form of a refusal, for exact comparisons. */
export async function verdict(answer: AdmissionVerdict | Promise<AdmissionVerdict>): Promise<{ code: number; message: string } | undefined> {
  const error: ApiError | undefined = await answer;
  return error && { code: error.code, message: error.message };
}
