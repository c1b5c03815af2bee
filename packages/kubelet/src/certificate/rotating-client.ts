// The kubelet's API client when its client certificate rotates (pkg/kubelet/certificate/transport.go): every
// call goes to a client holding the newest certificate, and a swap closes the old client's connections so
// open watches end and are re-opened — and re-authenticated — with the new certificate.
import type { ApiClient, ClientConfig, WatchOptions } from '@hubspoke/client';
import { createClient } from '@hubspoke/client';

/** An ApiClient whose TLS client credentials can be replaced. */
export interface RotatingClient extends ApiClient {
  /** New connections present `pair`; existing ones are closed. Undefined = no client certificate. */
  setClientCertificate(pair: { certPem: string; keyPem: string } | undefined): void;
}

/** A client for `base` (its own clientCert/clientKey are the starting credentials). */
export function createRotatingClient(base: ClientConfig): RotatingClient {
  let current = createClient(base);
  let closed = false;
  return {
    get server() {
      return current.server;
    },
    get: (path) => current.get(path),
    list: (path, opts) => current.list(path, opts),
    create: (path, obj, opts) => current.create(path, obj, opts),
    update: (path, obj) => current.update(path, obj),
    patch: (path, body, type) => current.patch(path, body, type),
    delete: (path, opts) => current.delete(path, opts),
    // Bound when iteration starts, so a watch opened after a swap uses the new credentials.
    watch: <T>(path: string, opts?: WatchOptions) => ({ [Symbol.asyncIterator]: () => current.watch<T>(path, opts)[Symbol.asyncIterator]() }),
    raw: (method, path, opts) => current.raw(method, path, opts),
    close: () => {
      closed = true;
      current.close();
    },
    setClientCertificate(pair) {
      const old = current;
      current = createClient({ ...base, clientCert: pair?.certPem, clientKey: pair?.keyPem });
      old.close();
      if (closed) current.close();
    },
  };
}
