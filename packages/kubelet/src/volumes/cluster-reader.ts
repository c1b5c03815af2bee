// The VolumeSourceReader over the kubelet's API client: ConfigMaps and Secrets read on every (re)mount (the
// kubelet's `Get` change-detection strategy) and tokens from the token cache. Absence is reported the way the
// kubelet's object managers word it: `configmap "x" not found`, `secret "x" not found`.
import { ApiError } from '@hubspoke/api';
import type { KubeObject } from '@hubspoke/api';
import type { ApiClient } from '@hubspoke/client';
import { resourcePath } from '@hubspoke/client';
import type { IssuedTokenRequest, RequestToken, TokenManager } from './token-manager.ts';
import type { ObjectLookup, VolumeSourceReader } from './types.ts';

/** A reader that asks the apiserver through `client` and gets tokens from `tokens`. */
export function apiVolumeSourceReader(client: ApiClient, tokens: TokenManager): VolumeSourceReader {
  const read = async (resource: 'configmaps' | 'secrets', singular: string, namespace: string, name: string): Promise<ObjectLookup> => {
    try {
      const object = await client.get<KubeObject>(resourcePath({ version: 'v1', resource, namespace, name }));
      return { kind: 'found', object };
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return { kind: 'missing', message: `${singular} "${name}" not found` };
      return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
    }
  };
  return {
    configMap: (namespace, name) => read('configmaps', 'configmap', namespace, name),
    secret: (namespace, name) => read('secrets', 'secret', namespace, name),
    serviceAccountToken: (namespace, serviceAccount, spec) => tokens.getServiceAccountToken(namespace, serviceAccount, spec),
  };
}

/** TokenRequest (`POST …/serviceaccounts/SA/token`) through `client`. */
export function apiTokenRequester(client: ApiClient): RequestToken {
  return (namespace, serviceAccount, spec) =>
    client.create<IssuedTokenRequest>(
      resourcePath({ version: 'v1', resource: 'serviceaccounts', namespace, name: serviceAccount, subresource: 'token' }),
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec },
    );
}
