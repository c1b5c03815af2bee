// Builds the authenticator and authorizer chains from the configuration, in kube-apiserver's order:
// x509 → token file → ServiceAccount tokens → bootstrap tokens (each also offered through the WebSocket
// bearer subprotocol) → anonymous; authorizers in the order of --authorization-mode.
import {
  alwaysAllow,
  audienceAgnostic,
  alwaysDeny,
  authenticatedGroupAdded,
  bearerTokenCatchAll,
  bootstrapTokenAuthenticator,
  nodeAuthorizer,
  parseTokenFile,
  rbacAuthorizer,
  serviceAccountAuthenticator,
  tokenFileAuthenticator,
  unionAuthenticator,
  unionAuthorizer,
  websocketProtocolAuthenticator,
  withAnonymous,
  x509Authenticator,
  type Authenticator,
  type Authorizer,
  type ObjectSource,
} from '@hubspoke/auth';
import type { ApiserverConfig } from '../config.ts';

/** The authenticators that read a bearer token, in order; TokenReview uses this chain too. */
export function tokenAuthenticators(cfg: ApiserverConfig, source: ObjectSource): Authenticator[] {
  const list: Authenticator[] = [];
  if (cfg.tokenAuthFile) list.push(audienceAgnostic(tokenFileAuthenticator(parseTokenFile(cfg.tokenAuthFile)), cfg.apiAudiences));
  if (cfg.serviceAccountKeys.length) {
    list.push(
      serviceAccountAuthenticator({
        publicKeysPem: cfg.serviceAccountKeys,
        issuers: cfg.serviceAccountIssuers,
        apiAudiences: cfg.apiAudiences,
        source,
      }),
    );
  }
  if (cfg.enableBootstrapTokenAuth) list.push(audienceAgnostic(bootstrapTokenAuthenticator(source), cfg.apiAudiences));
  return list;
}

/** The request authenticator: who sent this request, or a rejection (401). */
export function buildAuthenticator(cfg: ApiserverConfig, source: ObjectSource): Authenticator {
  const tokens = tokenAuthenticators(cfg, source);
  const bearer = bearerTokenCatchAll(unionAuthenticator('bearer', tokens));
  const chain: Authenticator[] = [];
  if (cfg.clientCA) chain.push(x509Authenticator({ clientCAs: [cfg.clientCA] }));
  chain.push(bearer);
  chain.push(websocketProtocolAuthenticator(bearer));
  return withAnonymous(authenticatedGroupAdded(unionAuthenticator('authentication', chain)), cfg.anonymousAuth);
}

/** The authorizer chain of --authorization-mode. */
export function buildAuthorizer(cfg: ApiserverConfig, source: ObjectSource): Authorizer {
  return unionAuthorizer(
    cfg.authorizationModes.map((mode) => {
      switch (mode) {
        case 'AlwaysAllow':
          return alwaysAllow();
        case 'AlwaysDeny':
          return alwaysDeny();
        case 'Node':
          return nodeAuthorizer(source);
        case 'RBAC':
          return rbacAuthorizer(source);
      }
    }),
  );
}
