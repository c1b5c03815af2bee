// The authentication filter: sets req.user or answers 401. Credentials are removed from the request once
// used, so they never travel further (to a kubelet or a pod through a proxy).
import { unauthorized } from '@hubspoke/api';
import { stripWebsocketBearerProtocol, type Authenticator } from '@hubspoke/auth';
import type { ApiRequest } from '../request/context.ts';

/** Authenticate `req` in place; throws 401 Unauthorized. */
export async function authenticate(req: ApiRequest, authenticator: Authenticator): Promise<void> {
  const result = await authenticator.authenticate({ headers: req.headers, peerCertificates: req.peerCertificates });
  if (result.kind !== 'authenticated') throw unauthorized();
  req.user = result.user;
  req.audiences = result.audiences;
  delete req.headers['authorization'];
  const proto = req.headers['sec-websocket-protocol'];
  if (typeof proto === 'string') {
    const stripped = stripWebsocketBearerProtocol(proto);
    if (stripped) req.headers['sec-websocket-protocol'] = stripped;
    else delete req.headers['sec-websocket-protocol'];
  }
}
