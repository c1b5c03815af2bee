// The unit every issuer in this package returns.

/** A PEM certificate (possibly a chain, leaf first) and its PEM private key. */
export interface CertKey {
  cert: string;
  key: string;
}
