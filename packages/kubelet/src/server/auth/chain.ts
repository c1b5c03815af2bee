// Builds the kubelet's authenticator and authorizer from its configuration, in Kubernetes' order
// (k8s.io/apiserver authenticatorfactory.DelegatingAuthenticatorConfig): x509 client certificates
// (`--client-ca-file`) → bearer tokens by TokenReview (`--authentication-token-webhook`, also offered through
// the WebSocket bearer subprotocol) → anonymous (`--anonymous-auth`); then AlwaysAllow or Webhook.
import {
  alwaysAllow,
  authenticatedGroupAdded,
  unionAuthenticator,
  websocketProtocolAuthenticator,
  withAnonymous,
  x509Authenticator,
  type Authenticator,
  type Authorizer,
} from '@hubspoke/auth';
import type { ApiClient } from '@hubspoke/client';
import type { Logger } from 'pino';
import { subjectAccessReviewAuthorizer } from './subject-access-review.ts';
import { tokenReviewAuthenticator } from './token-review.ts';

/** Who may call a kubelet, and what they may do. */
export interface KubeletAuth {
  /** The node requests are authorized against (`nodes/<subresource>` named this). */
  readonly nodeName: string;
  /** KubeletWebsocketUpgradeCreatePermission: exec, attach, run and portForward are authorized as `create`. */
  readonly commandsNeedCreate?: boolean;
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
}

/** Cache lifetimes of the webhooks; Kubernetes' kubelet defaults when absent. */
export interface WebhookCacheTtls {
  /** Accepted tokens (default 2 min). */
  tokenSuccessTtlMs?: number;
  /** Tokens the apiserver did not accept (default 2 min). */
  tokenFailureTtlMs?: number;
  /** Allowed SubjectAccessReviews (default 5 min). */
  authorizedTtlMs?: number;
  /** Denied SubjectAccessReviews (default 30 s). */
  unauthorizedTtlMs?: number;
}

/** The kubelet's authentication and authorization settings. */
export interface KubeletAuthOptions {
  nodeName: string;
  /** `--client-ca-file` contents: client certificates signed by these CAs authenticate as CN / O. */
  clientCA?: string;
  /** `--authentication-token-webhook`: bearer tokens are checked with TokenReviews. */
  authenticationTokenWebhook: boolean;
  /** `--anonymous-auth`: requests without credentials run as `system:anonymous`. */
  anonymousAuth: boolean;
  /** `--authorization-mode`. */
  authorizationMode: 'AlwaysAllow' | 'Webhook';
  /** KubeletWebsocketUpgradeCreatePermission (default off). */
  commandsNeedCreate?: boolean;
  /** The kubelet's own apiserver client; required by the token webhook and by Webhook authorization. */
  client?: Pick<ApiClient, 'create'>;
  cacheTtls?: WebhookCacheTtls;
  logger?: Logger;
  /** Clock of the webhook caches (tests). */
  now?: () => number;
}

/**
 * The kubelet's authenticator and authorizer. Throws when the settings cannot work: a webhook without a client,
 * or no way to authenticate at all (Kubernetes' `No authentication method configured`).
 */
export function buildKubeletAuth(options: KubeletAuthOptions): KubeletAuth {
  const ttls = options.cacheTtls ?? {};
  const authenticators: Authenticator[] = [];
  if (options.clientCA) authenticators.push(x509Authenticator({ clientCAs: [options.clientCA] }));
  if (options.authenticationTokenWebhook) {
    const tokens = tokenReviewAuthenticator({
      client: required(options.client, 'authentication token webhook'),
      successTtlMs: ttls.tokenSuccessTtlMs,
      failureTtlMs: ttls.tokenFailureTtlMs,
      logger: options.logger,
      now: options.now,
    });
    authenticators.push(tokens, websocketProtocolAuthenticator(tokens));
  }
  if (authenticators.length === 0 && !options.anonymousAuth) throw new Error('No authentication method configured');

  const authenticator = withAnonymous(
    authenticatedGroupAdded(unionAuthenticator('kubelet', authenticators)),
    options.anonymousAuth,
  );

  const authorizer =
    options.authorizationMode === 'Webhook'
      ? subjectAccessReviewAuthorizer({
          client: required(options.client, 'Webhook authorization'),
          authorizedTtlMs: ttls.authorizedTtlMs,
          unauthorizedTtlMs: ttls.unauthorizedTtlMs,
          now: options.now,
        })
      : alwaysAllow();

  return { nodeName: options.nodeName, commandsNeedCreate: options.commandsNeedCreate ?? false, authenticator, authorizer };
}

function required(client: Pick<ApiClient, 'create'> | undefined, what: string): Pick<ApiClient, 'create'> {
  if (!client) throw new Error(`${what} needs a kubeconfig to reach the apiserver`);
  return client;
}
