import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../meta.ts';
import { authorizationDefinitions } from './authorization.ts';

describe('access reviews', () => {
  const byPlural = Object.fromEntries(authorizationDefinitions.map((d) => [d.plural, d]));

  it('need exactly one kind of attributes and, for SubjectAccessReview, a user or group', () => {
    const empty: KubeObject = { metadata: {}, spec: {} };
    expect(byPlural.subjectaccessreviews.validate!(empty).map((e) => `${e.field}: ${e.message}`)).toEqual([
      'spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      'spec.user: Invalid value: "": at least one of user or group must be specified',
    ]);
    const ssar: KubeObject = { metadata: {}, spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } };
    expect(byPlural.selfsubjectaccessreviews.validate!(ssar)).toEqual([]);
  });

  it('are create-only and never stored, and only LocalSubjectAccessReview is namespaced', () => {
    for (const d of authorizationDefinitions) {
      expect(d.verbs).toEqual(['create']);
      expect(d.virtual).toBe(true);
      expect(d.namespaced).toBe(d.plural === 'localsubjectaccessreviews');
    }
  });
});
