import { describe, expect, it } from 'vitest';
import { invalid } from '../../errors.ts';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from './dns.ts';
import { isQualifiedName, isValidLabelValue, validateLabels } from './labels.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.ts';
import { generateName, generateNameSuffix, nameIsDNSSubdomain, nameIsPathSegment } from './names.ts';
import { isConfigMapKey, isValidPortName, isValidPortNum } from './values.ts';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('DNS names', () => {
  it('rejects an upper-case name with apimachinery\'s exact subdomain message', () => {
    expect(isDNS1123Subdomain('Web_1')).toEqual([SUBDOMAIN_MSG]);
    expect(isDNS1123Subdomain('web-1.example')).toEqual([]);
  });

  it('tells a dotted label that it must not contain dots', () => {
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
    expect(isDNS1123Label('-a')).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('limits labels to 63 characters', () => {
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });

  it('requires service names to start with a letter (DNS-1035)', () => {
    expect(isDNS1035Label('1web')).toEqual([
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(isDNS1035Label('web1')).toEqual([]);
  });
});

describe('object names', () => {
  it('renders a bad pod name as the apiserver does', () => {
    const errs = validateObjectMeta({ name: 'Bad_Name', namespace: 'default' }, { namespaced: true, name: nameIsDNSSubdomain });
    expect(invalid('Pod', 'Bad_Name', errs).message).toBe(`Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`);
  });

  it('requires a name or generateName', () => {
    const errs = validateObjectMeta({ namespace: 'default' }, { namespaced: true, name: nameIsDNSSubdomain });
    expect(errs).toEqual([
      { type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' },
    ]);
  });

  it('accepts a generateName prefix ending in a dash', () => {
    const errs = validateObjectMeta({ generateName: 'web-', name: 'web-x7k2p', namespace: 'default' }, { namespaced: true, name: nameIsDNSSubdomain });
    expect(errs).toEqual([]);
  });

  it('requires a namespace for namespaced kinds', () => {
    const errs = validateObjectMeta({ name: 'web' }, { namespaced: true, name: nameIsDNSSubdomain });
    expect(errs.map((e) => `${e.field}: ${e.message}`)).toEqual(['metadata.namespace: Required value']);
  });

  it('lets RBAC names contain colons but not slashes or percent signs', () => {
    expect(nameIsPathSegment('system:node', false)).toEqual([]);
    expect(nameIsPathSegment('a/b%c', false)).toEqual(["may not contain '/'", "may not contain '%'"]);
    expect(nameIsPathSegment('..', false)).toEqual(["may not be '..'"]);
  });

  it('keeps the name immutable on update', () => {
    const errs = validateObjectMetaUpdate({ name: 'b' }, { name: 'a' });
    expect(errs.map((e) => `${e.field}: ${e.message}`)).toEqual(['metadata.name: Invalid value: "b": field is immutable']);
  });

  it('refuses new finalizers on an object being deleted', () => {
    const errs = validateObjectMetaUpdate(
      { name: 'a', finalizers: ['x/y', 'a/b'] },
      { name: 'a', deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['x/y'] },
    );
    expect(errs[0].message).toBe('Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a/b"}');
  });
});

describe('generated names', () => {
  it('appends five characters from Kubernetes\' alphabet', () => {
    for (let i = 0; i < 50; i++) expect(generateNameSuffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(generateName('web-')).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('cuts a long prefix so the result fits in 63 characters', () => {
    expect(generateName('a'.repeat(80))).toHaveLength(63);
  });
});

describe('labels and values', () => {
  it('checks label keys as qualified names and values as label values', () => {
    expect(isQualifiedName('app.kubernetes.io/name')).toEqual([]);
    expect(isQualifiedName('a/b/c')[0]).toMatch(/^a qualified name must consist of/);
    expect(isQualifiedName('Example.com/x')).toEqual([`prefix part ${SUBDOMAIN_MSG}`]);
    expect(isValidLabelValue('has space')).toHaveLength(1);
    const errs = validateLabels({ app: 'bad value' }, 'metadata.labels');
    expect(errs[0].message).toMatch(/^Invalid value: "bad value": a valid label must be an empty string/);
  });

  it('checks ports and config keys', () => {
    expect(isValidPortNum(70000)).toEqual(['must be between 1 and 65535, inclusive']);
    expect(isValidPortName('http--web')).toEqual(['must not contain consecutive hyphens']);
    expect(isConfigMapKey('..data')).toEqual(["must not start with '..'"]);
    expect(isConfigMapKey('a b')[0]).toMatch(/^a valid config key must consist of alphanumeric characters/);
  });
});
