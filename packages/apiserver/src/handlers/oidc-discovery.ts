// ServiceAccount issuer discovery: the OpenID Provider metadata and the JWK set that let a relying party (a
// cloud IAM, Vault, another cluster) verify ServiceAccount tokens without calling the apiserver.
import { jwks } from '@hubspoke/auth';
import type { ApiResponse } from '../request/context.ts';

/** Where the OpenID Provider Configuration document is served. */
export const OPENID_CONFIG_PATH = '/.well-known/openid-configuration';
/** Where the key set is served, and the path of the default `jwks_uri`. */
export const JWKS_PATH = '/openid/v1/jwks';

// Overrides the apiserver's `private, no-cache`: relying parties may cache keys for an hour.
const CACHE_CONTROL = 'public, max-age=3600';
// RFC 7517 §8.5.1.
const JWK_SET_TYPE = 'application/jwk-set+json';

/** What discovery is built from. */
export interface OidcDiscoveryOptions {
  /** The first `--service-account-issuer`. */
  issuer: string;
  /** `--service-account-jwks-uri`; absent = `https://<external address>/openid/v1/jwks`. */
  jwksUri?: string;
  /** `--service-account-key-file` contents: the keys published in the set. */
  publicKeysPem: string[];
}

/** The two discovery endpoints, rendered once at startup. */
export interface OidcDiscovery {
  /** The response for `path` (trailing slash already removed), or undefined when it is not a discovery path. */
  serve(path: string, externalAddress: string): ApiResponse | undefined;
}

/** Discovery, or why it is not served (Kubernetes logs the reason and installs no endpoints). */
export type OidcDiscoverySetup = { ok: true; discovery: OidcDiscovery } | { ok: false; reason: string };

/** The OpenID Provider metadata: the subset of OIDC Discovery 1.0 a relying party needs to verify ID tokens. */
export interface OpenIdMetadata {
  issuer: string;
  jwks_uri: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
}

/** Validate the options and render the key set; an issuer that is not a plain https URL disables discovery. */
export function createOidcDiscovery(options: OidcDiscoveryOptions): OidcDiscoverySetup {
  if (options.issuer === '') return { ok: false, reason: 'empty issuer URL' };
  const issuerProblem = httpsProblem(options.issuer, 'issuer URL');
  if (issuerProblem) return { ok: false, reason: issuerProblem };
  if (options.jwksUri) {
    const jwksProblem = httpsProblem(options.jwksUri, 'jwksURI');
    if (jwksProblem) return { ok: false, reason: jwksProblem };
  }
  let keySet: ReturnType<typeof jwks>;
  try {
    keySet = jwks(options.publicKeysPem);
  } catch (err) {
    return { ok: false, reason: `could not marshal issuer keys JSON, error: ${(err as Error).message}` };
  }
  if (keySet.keys.length === 0) return { ok: false, reason: 'no keys provided for validating keyset' };
  const keySetJson = JSON.stringify(keySet);
  const algorithms = [...new Set(keySet.keys.map((k) => k.alg))].sort();

  const metadata = (externalAddress: string): OpenIdMetadata => ({
    issuer: options.issuer,
    jwks_uri: options.jwksUri || `https://${bracketHost(externalAddress)}${JWKS_PATH}`,
    // Kubernetes issues ID tokens only, and every subject is the same to every client.
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: algorithms,
  });

  return {
    ok: true,
    discovery: {
      serve(path, externalAddress) {
        if (path === OPENID_CONFIG_PATH) {
          return { status: 200, body: JSON.stringify(metadata(externalAddress)), headers: { 'content-type': 'application/json', 'cache-control': CACHE_CONTROL } };
        }
        if (path === JWKS_PATH) return { status: 200, body: keySetJson, headers: { 'content-type': JWK_SET_TYPE, 'cache-control': CACHE_CONTROL } };
        return undefined;
      },
    },
  };
}

// OIDC Discovery requires an https issuer without query or fragment; the wording follows Kubernetes.
function httpsProblem(value: string, what: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${what} must be a valid URL, got: ${value}`;
  }
  if (url.protocol !== 'https:') return `${what} must use https scheme, got: ${value}`;
  if (url.search !== '') return `${what} may not include a query, got: ${value}`;
  if (url.hash !== '') return `${what} may not include a fragment, got: ${value}`;
  return undefined;
}

// `host:port` with an IPv6 host bracketed, as Go's net.JoinHostPort writes the external address.
function bracketHost(address: string): string {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  return host.includes(':') && !host.startsWith('[') ? `[${host}]${address.slice(colon)}` : address;
}
