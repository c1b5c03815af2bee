// A ReviewToken backed by the apiserver: POST authentication.k8s.io/v1 TokenReview with the kubeconfig's credentials.
import { request } from 'node:https';
import type { ResolvedKubeconfig } from '@hubspoke/pki';
import type { ReviewToken, TokenReviewResult } from './agent-auth.ts';

/** Builds a reviewer that asks the apiserver named by `kubeconfig`; the caller checks user and audiences. */
export function apiserverTokenReviewer(kubeconfig: ResolvedKubeconfig, timeoutMs = 10_000): ReviewToken {
  const url = new URL('/apis/authentication.k8s.io/v1/tokenreviews', kubeconfig.server);
  return (token, audiences) =>
    new Promise<TokenReviewResult>((resolve, reject) => {
      const body = JSON.stringify({
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token, ...(audiences.length > 0 ? { audiences } : {}) },
      });
      const req = request(
        url,
        {
          method: 'POST',
          timeout: timeoutMs,
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'Content-Length': Buffer.byteLength(body),
            ...(kubeconfig.token ? { Authorization: `Bearer ${kubeconfig.token}` } : {}),
          },
          ca: kubeconfig.caCert,
          cert: kubeconfig.clientCert,
          key: kubeconfig.clientKey,
          rejectUnauthorized: !kubeconfig.insecureSkipTLSVerify,
          ...(kubeconfig.tlsServerName ? { servername: kubeconfig.tlsServerName } : {}),
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            if (res.statusCode !== 201 && res.statusCode !== 200) {
              reject(new Error(`TokenReview answered ${res.statusCode}: ${text.slice(0, 200)}`));
              return;
            }
            try {
              resolve(toResult(JSON.parse(text)));
            } catch (error) {
              reject(new Error(`TokenReview answer is not JSON: ${(error as Error).message}`));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('TokenReview timed out')));
      req.on('error', reject);
      req.end(body);
    });
}

function toResult(review: { status?: { authenticated?: boolean; user?: { username?: string }; audiences?: string[]; error?: string } }): TokenReviewResult {
  const status = review.status ?? {};
  const result: TokenReviewResult = { authenticated: status.authenticated === true };
  if (status.user?.username) result.username = status.user.username;
  if (status.audiences) result.audiences = status.audiences;
  if (status.error) result.error = status.error;
  return result;
}
