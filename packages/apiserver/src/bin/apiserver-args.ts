// kube-apiserver's command line: Kubernetes' flag names and pflag's habits parsed into ApiserverOptions, as a
// function so that the binary, the lab's `--apiserver-arg` overrides and the compose check share one parser.
import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { parseFeatureGates } from '@hubspoke/cli';
import { Command, CommanderError, Option } from 'commander';
import type { ApiserverOptions, AuthorizationMode } from '../config.ts';
import { addClusterSigningFlags, addEgressFlags, collectList, deprecatedFlagWarnings, collectRepeat, parseBool, parseDuration, parseIntFlag } from './flags.ts';

/** The outcome of parsing a kube-apiserver command line. */
export type ParsedApiserverArgs =
  | {
      kind: 'run';
      /** Every option, defaults included, with the files the flags name read in. */
      options: ApiserverOptions;
      /** Only what the command line set (for overriding another configuration). */
      given: Partial<ApiserverOptions>;
      /** pflag's deprecation warnings, one line each. */
      warnings: string[];
    }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

/** How the parser reads the files flags name (the lab passes its own to check paths without reading them). */
export interface ApiserverArgsOptions {
  readFile?: (path: string) => string;
}

/** kube-apiserver's flags (commander), with Kubernetes' names and help texts. */
export function apiserverCommand(): Command {
  return new Command('kube-apiserver')
    .description('hubspoke kube-apiserver: the hub of "Control Plane–Node Communication", wire-compatible with kubectl')
    .addOption(new Option('--secure-port <port>', 'The port on which to serve HTTPS with authentication and authorization. 0 = any free port.').argParser(parseIntFlag).default(6443))
    .option('--bind-address <ip>', 'The IP address on which to listen for the --secure-port port.', '0.0.0.0')
    .option('--advertise-address <ip>', 'The IP address on which to advertise the apiserver to members of the cluster (the kubernetes Endpoints).')
    .option('--tls-cert-file <file>', 'File containing the default x509 Certificate for HTTPS (CA cert, if any, concatenated after server cert).')
    .option('--tls-private-key-file <file>', 'File containing the default x509 private key matching --tls-cert-file.')
    .option('--cert-dir <dir>', 'The directory where a generated self-signed serving pair is written when --tls-cert-file is not given.')
    .option('--client-ca-file <file>', 'Any request presenting a client certificate signed by one of the authorities in this file is authenticated with the certificate CN as user and O as groups.')
    .option('--token-auth-file <file>', 'Static bearer tokens: CSV lines token,user,uid,"group1,group2".')
    .option('--anonymous-auth [bool]', 'Enables anonymous requests (user system:anonymous, group system:unauthenticated).', parseBool, true)
    .option('--authorization-mode <modes>', 'Ordered list of plug-ins for authorization: AlwaysAllow, AlwaysDeny, Node, RBAC.', collectList)
    .option('--enable-bootstrap-token-auth [bool]', 'Allow bootstrap tokens (Secrets of type bootstrap.kubernetes.io/token in kube-system) for TLS bootstrapping.', parseBool, false)
    .option('--service-account-key-file <file>', 'PEM public (or private) key used to verify ServiceAccount tokens. Repeatable.', collectRepeat)
    .option('--service-account-signing-key-file <file>', 'Private key used to sign ServiceAccount tokens (TokenRequest).')
    .option('--service-account-issuer <url>', 'Identifier of the ServiceAccount token issuer (the iss claim). Repeatable; the first one issues.', collectRepeat)
    .option('--service-account-jwks-uri <url>', 'Overrides the URI for the JSON Web Key Set in the discovery doc served at /.well-known/openid-configuration. Useful when the discovery doc and key set are served to relying parties from a URL other than the API server\'s external address.')
    .option('--api-audiences <list>', 'Audiences the API accepts in tokens. Defaults to the issuer.', collectList)
    .option('--service-cluster-ip-range <cidr>', 'CIDR from which Service ClusterIPs are allocated; the first address is the kubernetes Service.', '10.96.0.0/12')
    .option('--audit-log-path <file>', 'Write audit.k8s.io/v1 events (level Metadata) to this file; "-" means standard out.')
    .option('--kubelet-client-certificate <file>', 'Client certificate the apiserver presents to kubelets.')
    .option('--kubelet-client-key <file>', 'Key of --kubelet-client-certificate.')
    .option('--kubelet-certificate-authority <file>', 'CA that verifies kubelet serving certificates. UNSET (the default) MEANS KUBELETS ARE NOT VERIFIED.')
    .option('--kubelet-preferred-address-types <list>', 'Preferred NodeAddressTypes for kubelet connections.', collectList)
    .addOption(new Option('--kubelet-timeout <duration>', 'Timeout for kubelet operations (dialing and the TLS handshake).').argParser(parseDuration).default(5_000, '5s'))
    .option('--proxy-allow-loopback-addresses [bool]', 'hubspoke lab deviation: let pods/proxy and services/proxy reach loopback addresses (Kubernetes refuses them: "address not allowed").', parseBool, false)
    .option('--enable-admission-plugins <plugins>', 'admission plugins that should be enabled in addition to default enabled ones (NamespaceLifecycle, ServiceAccount, CertificateApproval, CertificateSigning, CertificateSubjectRestriction). Comma-delimited list of: NamespaceLifecycle, ServiceAccount, NodeRestriction, CertificateApproval, CertificateSigning, CertificateSubjectRestriction. The order of plugins in this flag does not matter.', collectList)
    .option('--disable-admission-plugins <plugins>', 'admission plugins that should be disabled although they are in the default enabled plugins list. The order of plugins in this flag does not matter.', collectList)
    .option('--feature-gates <mapping>', 'A set of key=value pairs that describe feature gates, e.g. AuthorizePodWebsocketUpgradeCreatePermission=true.', parseFeatureGates)
    .addOption(new Option('-v, --v <level>', 'Log verbosity (0 = info, 4+ = debug).').argParser(parseIntFlag).default(0));
}

/** Parse `argv` (flags only, no program name). Errors use pflag's words (`unknown flag: --foo`). */
export function parseApiserverArgs(argv: readonly string[], opts: ApiserverArgsOptions = {}): ParsedApiserverArgs {
  const program = addEgressFlags(addClusterSigningFlags(apiserverCommand()));
  program.exitOverride();
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { kind: 'help', text: program.helpInformation() };
    const unknown = /unknown option '([^']+)'/.exec(err.message);
    return { kind: 'error', message: unknown ? `unknown flag: ${unknown[1].split('=')[0]}` : err.message.replace(/^error: /, '') };
  }
  const o = program.opts();
  const readFile = opts.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  try {
    const read = (file: string | undefined): string | undefined => (file ? readFile(file) : undefined);
    const signingKey = read(o.serviceAccountSigningKeyFile);
    const verifyKeys: string[] = (o.serviceAccountKeyFile as string[] | undefined)?.map((f) => publicPem(readFile(f))) ?? [];
    if (signingKey && verifyKeys.length === 0) verifyKeys.push(publicPem(signingKey));
    // Each option with the flag (commander key) it comes from, so `given` can keep the command line's own.
    const fields: [keyof ApiserverOptions, string, unknown][] = [
      ['securePort', 'securePort', o.securePort],
      ['bindAddress', 'bindAddress', o.bindAddress],
      ['advertiseAddress', 'advertiseAddress', o.advertiseAddress],
      ['tlsCert', 'tlsCertFile', read(o.tlsCertFile)],
      ['tlsKey', 'tlsPrivateKeyFile', read(o.tlsPrivateKeyFile)],
      ['certDir', 'certDir', o.certDir],
      ['clientCA', 'clientCaFile', read(o.clientCaFile)],
      ['tokenAuthFile', 'tokenAuthFile', read(o.tokenAuthFile)],
      ['anonymousAuth', 'anonymousAuth', o.anonymousAuth],
      ['authorizationModes', 'authorizationMode', o.authorizationMode as AuthorizationMode[] | undefined],
      ['enableBootstrapTokenAuth', 'enableBootstrapTokenAuth', o.enableBootstrapTokenAuth],
      ['serviceAccountKeys', 'serviceAccountKeyFile', verifyKeys],
      ['serviceAccountSigningKey', 'serviceAccountSigningKeyFile', signingKey],
      ['serviceAccountIssuers', 'serviceAccountIssuer', o.serviceAccountIssuer],
      ['serviceAccountJwksUri', 'serviceAccountJwksUri', o.serviceAccountJwksUri],
      ['apiAudiences', 'apiAudiences', o.apiAudiences],
      ['serviceClusterIPRange', 'serviceClusterIpRange', o.serviceClusterIpRange],
      ['auditLogPath', 'auditLogPath', o.auditLogPath],
      ['kubeletClientCert', 'kubeletClientCertificate', read(o.kubeletClientCertificate)],
      ['kubeletClientKey', 'kubeletClientKey', read(o.kubeletClientKey)],
      ['kubeletCertificateAuthority', 'kubeletCertificateAuthority', read(o.kubeletCertificateAuthority)],
      ['kubeletPreferredAddressTypes', 'kubeletPreferredAddressTypes', o.kubeletPreferredAddressTypes],
      ['kubeletTimeoutMs', 'kubeletTimeout', o.kubeletTimeout],
      ['proxyAllowLoopback', 'proxyAllowLoopbackAddresses', o.proxyAllowLoopbackAddresses],
      ['clusterSigningCert', 'clusterSigningCertFile', read(o.clusterSigningCertFile)],
      ['clusterSigningKey', 'clusterSigningKeyFile', read(o.clusterSigningKeyFile)],
      ['clusterSigningDurationMs', 'clusterSigningDuration', o.clusterSigningDuration],
      ['enableAdmissionPlugins', 'enableAdmissionPlugins', o.enableAdmissionPlugins],
      ['disableAdmissionPlugins', 'disableAdmissionPlugins', o.disableAdmissionPlugins],
      ['featureGates', 'featureGates', o.featureGates],
      ['egressSelectorConfig', 'egressSelectorConfigFile', read(o.egressSelectorConfigFile)],
      ['sshUser', 'sshUser', o.sshUser],
      ['sshPrivateKey', 'sshKeyfile', read(o.sshKeyfile)],
      ['sshPort', 'sshPort', o.sshPort],
      ['sshKnownHosts', 'sshKnownHostsFile', read(o.sshKnownHostsFile)],
      ['logLevel', 'v', (o.v as number) >= 4 ? 'debug' : 'info'],
    ];
    const options = Object.fromEntries(fields.map(([field, , value]) => [field, value])) as ApiserverOptions;
    const given = Object.fromEntries(
      fields.filter(([, flag]) => program.getOptionValueSource(flag) === 'cli').map(([field, , value]) => [field, value]),
    ) as Partial<ApiserverOptions>;
    return { kind: 'run', options, given, warnings: deprecatedFlagWarnings(o) };
  } catch (err) {
    return { kind: 'error', message: (err as Error).message };
  }
}

function publicPem(pem: string): string {
  return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}
