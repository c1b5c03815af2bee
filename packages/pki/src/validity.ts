// Certificate validity windows.

/** How long a certificate is valid: a length in days, or explicit bounds (for tests of expiry). */
export interface ValidityOptions {
  validityDays?: number;
  notBefore?: Date;
  notAfter?: Date;
}

/** A resolved validity window. */
export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

// Kubernetes' CSR signer backdates certificates by five minutes so a verifier whose clock runs a little
// behind the issuer's does not reject a certificate issued a moment ago.
const BACKDATE_MS = 5 * 60 * 1000;

/** Bounds from options: explicit dates win; otherwise now (backdated) plus `validityDays` or the default. */
export function resolveValidity(options: ValidityOptions, defaultDays: number, now = new Date()): Validity {
  const days = options.validityDays ?? defaultDays;
  if (!(days > 0)) throw new Error(`validityDays must be positive, got ${days}`);
  const notBefore = options.notBefore ?? new Date(now.getTime() - BACKDATE_MS);
  const notAfter = options.notAfter ?? new Date((options.notBefore ?? now).getTime() + days * DAY_MS);
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new Error(`notAfter (${notAfter.toISOString()}) must be after notBefore (${notBefore.toISOString()})`);
  }
  return { notBefore, notAfter };
}
