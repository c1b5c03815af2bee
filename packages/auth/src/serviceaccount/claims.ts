// The claims of a bound ServiceAccount token (PROTOCOLS §8): registered JWT claims plus the private
// `kubernetes.io` claim that names the ServiceAccount and the object the token is bound to.

/** A name and uid pair, as the `kubernetes.io` claim records bound objects. */
export interface ObjectRef {
  name: string;
  uid: string;
}

/** The private `kubernetes.io` claim. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  /** Seconds since the epoch after which a client should have refreshed an extended token. */
  warnafter?: number;
}

/** The full payload of a bound token. */
export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': KubernetesClaim;
}

/** The claim key for the private claim. */
export const KUBERNETES_CLAIM = 'kubernetes.io';
