// When to renew a certificate (client-go's nextRotationDeadline): at a random point between 70 % and 90 %
// of its lifetime, so a fleet of kubelets issued certificates together does not renew together, and each
// renews with time to spare before its certificate expires.

/** A certificate's validity window. */
export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/** notBefore + lifetime × (0.7 + 0.2 × random()); `random` returns [0, 1) like Math.random. */
export function nextRotationDeadline(validity: Validity, random: () => number = Math.random): Date {
  const start = validity.notBefore.getTime();
  const lifetime = validity.notAfter.getTime() - start;
  return new Date(start + lifetime * (0.7 + 0.2 * random()));
}
