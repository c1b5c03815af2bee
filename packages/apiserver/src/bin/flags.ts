// pflag-compatible helpers for commander: booleans as `--flag`, `--flag=true|false`; lists as
// comma-separated or repeated flags; Kubernetes' wording for unknown flags.
import { Command, InvalidArgumentError, Option } from 'commander';

/** Parse a pflag boolean (`true`, `false`, `1`, `0`, `t`, `f`). */
export function parseBool(value: string | boolean | undefined): boolean {
  if (value === undefined || value === true) return true;
  if (value === false) return false;
  const v = value.toLowerCase();
  if (['true', 't', '1'].includes(v)) return true;
  if (['false', 'f', '0'].includes(v)) return false;
  throw new InvalidArgumentError(`strconv.ParseBool: parsing "${value}": invalid syntax`);
}

/** Parse an integer flag. */
export function parseIntFlag(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

/** Accumulate a string-slice flag (repeatable and comma-separated). */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** Accumulate a repeatable flag without splitting on commas (file paths, URLs). */
export function collectRepeat(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Go's time.ParseDuration for the units flags use (h, m, s, ms, us, ns), in milliseconds. */
export function parseDuration(value: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (value === '0') return 0;
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) throw new InvalidArgumentError(`time: invalid duration ${JSON.stringify(value)}`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * units[p[2]], 0);
}

// The built-in CSR controllers run inside this apiserver, so it takes kube-controller-manager's flags for them.
const KCM = 'kube-controller-manager flag (this apiserver runs the built-in controllers):';

/** Adds kube-controller-manager's --cluster-signing-cert-file, --cluster-signing-key-file and --cluster-signing-duration. */
export function addClusterSigningFlags(program: Command): Command {
  return program
    .option('--cluster-signing-cert-file <file>', `${KCM} Filename containing a PEM-encoded X509 CA certificate used to issue cluster-scoped certificates.`)
    .option('--cluster-signing-key-file <file>', `${KCM} Filename containing a PEM-encoded RSA or ECDSA private key used to sign cluster-scoped certificates.`)
    .addOption(
      new Option(
        '--cluster-signing-duration <duration>',
        `${KCM} The max length of duration signed certificates will be given. Individual CSRs may request shorter certs by setting spec.expirationSeconds.`,
      )
        .argParser(parseDuration)
        .default(8760 * 3_600_000, '8760h0m0s'),
    );
}

/**
 * Adds the egress flags: `--egress-selector-config-file`, the deprecated `--ssh-user`/`--ssh-keyfile`, and
 * hubspoke's `--ssh-port` and `--ssh-known-hosts-file`.
 */
export function addEgressFlags(program: Command): Command {
  return program
    .option('--egress-selector-config-file <file>', 'File with apiserver egress selector configuration (EgressSelectorConfiguration). hubspoke uses the "cluster" selection (HTTPConnect or Direct; GRPC is not supported).')
    .option('--ssh-user <user>', `DEPRECATED: ${SSH_DEPRECATION} If non-empty, use secure SSH proxy to the nodes, using this user name`)
    .option('--ssh-keyfile <file>', `DEPRECATED: ${SSH_DEPRECATION} If non-empty, use secure SSH proxy to the nodes, using this user keyfile`)
    .addOption(new Option('--ssh-port <port>', 'hubspoke: the port of the nodes\' sshd for --ssh-user tunnels (single-host labs).').argParser(parseIntFlag).default(22))
    .option('--ssh-known-hosts-file <file>', 'hubspoke: OpenSSH known_hosts file that node host keys must match. Without it host keys are NOT checked, as Kubernetes\' SSH tunneler did.');
}

const SSH_DEPRECATION = 'This flag will be removed in a future version.';

/** pflag's warnings for the deprecated flags that were set, one line each. */
export function deprecatedFlagWarnings(opts: { sshUser?: string; sshKeyfile?: string }): string[] {
  const set = [opts.sshUser !== undefined && 'ssh-user', opts.sshKeyfile !== undefined && 'ssh-keyfile'].filter((f): f is string => Boolean(f));
  return set.map((flag) => `Flag --${flag} has been deprecated, ${SSH_DEPRECATION}`);
}
