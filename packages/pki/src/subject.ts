// Subject distinguished names as Kubernetes reads them: CN is the user, each O is a group.

/** The identity part of a certificate or request. */
export interface SubjectSpec {
  commonName: string;
  organizations?: readonly string[];
}

/** A subject attribute in the shape selfsigned's `generate(attrs)` takes. */
export interface SubjectAttribute {
  name: 'organizationName' | 'commonName';
  value: string;
}

/**
 * Attributes in Go's pkix.Name order (O before CN), values escaped per RFC 4514 because selfsigned joins
 * them into one "O=…, CN=…" string that @peculiar/x509 parses back (a group such as "a, b" stays one O).
 */
export function subjectAttributes(subject: SubjectSpec): SubjectAttribute[] {
  if (subject.commonName === '') throw new Error('commonName must not be empty');
  return [
    ...(subject.organizations ?? []).map((o) => ({ name: 'organizationName' as const, value: escapeDnValue(o) })),
    { name: 'commonName', value: escapeDnValue(subject.commonName) },
  ];
}

/** The same subject as one RFC 4514-style string for @peculiar/x509 generators. */
export function subjectString(subject: SubjectSpec): string {
  return subjectAttributes(subject)
    .map((attribute) => `${attribute.name === 'commonName' ? 'CN' : 'O'}=${attribute.value}`)
    .join(', ');
}

function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^([#\s])/, '\\$1')
    .replace(/(\s)$/, '\\$1');
}
