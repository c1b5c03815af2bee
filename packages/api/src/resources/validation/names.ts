// Object name rules per kind (apimachinery's ValidateNameFunc family) and generateName, as the apiserver
// applies them. `prefix` is true when checking a generateName prefix, which may end in '-'.
import { randomInt } from 'node:crypto';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from './dns.ts';

/** Checks an object name (or a generateName prefix); returns the problems. */
export type NameValidator = (name: string, prefix: boolean) => string[];

// A prefix like "web-" is fine because a random suffix follows: check it as if it ended in a letter.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/** Most kinds: a DNS-1123 subdomain (`NameIsDNSSubdomain`). */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

/** Namespaces: a DNS-1123 label (`NameIsDNSLabel`). */
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** Services: a DNS-1035 label, since the name becomes a DNS name and an env var prefix (`NameIsDNS1035Label`). */
export const nameIsDNS1035Label: NameValidator = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** RBAC objects: anything usable as one URL path segment (`path.ValidatePathSegmentName`). */
export const nameIsPathSegment: NameValidator = (name, prefix) => {
  if (!prefix) {
    for (const illegal of ['.', '..']) if (name === illegal) return [`may not be '${illegal}'`];
  }
  const errs: string[] = [];
  for (const illegal of ['/', '%']) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  return errs;
};

/** CertificateSigningRequests: "We don't care what you call your certificate requests." */
export const nameIsAnything: NameValidator = () => [];

// utilrand's alphabet: no vowels (no accidental words) and no look-alikes such as 0/o, 1/l.
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIX_LENGTH = 5;
const MAX_NAME_LENGTH = 63;

/** Five random characters from Kubernetes' alphabet `bcdfghjklmnpqrstvwxz2456789`. */
export function generateNameSuffix(): string {
  let out = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) out += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return out;
}

/** `names.SimpleNameGenerator`: the prefix cut to 58 characters, then the random suffix. */
export function generateName(base: string): string {
  return base.slice(0, MAX_NAME_LENGTH - SUFFIX_LENGTH) + generateNameSuffix();
}
