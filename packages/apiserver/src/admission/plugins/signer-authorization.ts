// `certauthorization.IsAuthorizedForSignerName`: a verb (`approve`, `sign`) on the synthetic `signers` resource of
// certificates.k8s.io, named by the signerName or by `<domain>/*` for every signer of that domain.
import type { Authorizer, UserInfo } from '@hubspoke/auth';

/** What a signer permission check asks. */
export interface SignerPermission {
  user: UserInfo;
  verb: 'approve' | 'sign';
  signerName: string;
}

/** True when the authorizer allows `verb` on the signer, or on all signers of its domain. */
export async function isAuthorizedForSignerName(authorizer: Authorizer, ask: SignerPermission): Promise<boolean> {
  const domain = ask.signerName.split('/')[0];
  for (const name of [ask.signerName, `${domain}/*`]) {
    const decision = await authorizer.authorize({
      user: ask.user,
      verb: ask.verb,
      isResourceRequest: true,
      apiGroup: 'certificates.k8s.io',
      resource: 'signers',
      name,
    });
    if (decision.kind === 'allow') return true;
  }
  return false;
}
