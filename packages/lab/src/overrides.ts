// `hubspoke up --profile … --apiserver-arg=… --kubelet-arg=… --kube-proxy-arg=…`: a profile's settings with any
// component flag on top, each read by that component's own parser so the lab accepts exactly what the binary
// does (names, values and error texts).
import { parseApiserverArgs } from '@hubspoke/apiserver';
import { parseKubeProxyArgs, type KubeProxyOptions } from '@hubspoke/kube-proxy';
import { parseKubeletArgs, type KubeletConfigInput } from '@hubspoke/kubelet';
import type { ClusterOptions } from './cluster.ts';
import type { EgressMode } from './egress.ts';
import { profile, type LabProfile } from './profiles.ts';

/** A profile and the command-line flags to apply over it. */
export interface LabFlags {
  profile: string;
  /** `--egress`: overrides the profile's egress. */
  egress?: EgressMode;
  apiserverArgs?: readonly string[];
  kubeletArgs?: readonly string[];
  kubeProxyArgs?: readonly string[];
}

/** The startCluster options of a profile with overrides, and the profile itself (for the summary). */
export interface ResolvedLabFlags {
  profile: LabProfile;
  /** The same for every node (a profile names no node). */
  options: Pick<ClusterOptions, 'apiserver' | 'kubeletServingCerts' | 'verifyKubelets' | 'egress'> & { kubelet: Partial<KubeletConfigInput> };
  kubeProxy: Partial<KubeProxyOptions>;
  warnings: string[];
}

/** A flag the lab cannot honour, named after the component whose parser refused it. */
export class LabFlagError extends Error {
  constructor(component: string, message: string) {
    super(`${component}: ${message}`);
    this.name = 'LabFlagError';
  }
}

/** Resolve a profile and its overrides; throws LabFlagError for a flag a component refuses. */
export async function resolveLabFlags(flags: LabFlags): Promise<ResolvedLabFlags> {
  const chosen = profile(flags.profile);
  const { settings } = chosen;
  const warnings: string[] = [];

  const api = parseApiserverArgs(flags.apiserverArgs ?? []);
  if (api.kind === 'error') throw new LabFlagError('kube-apiserver', api.message);
  if (api.kind === 'help') throw new LabFlagError('kube-apiserver', '--help is not an override');
  warnings.push(...api.warnings);
  // The lab owns where things listen and its PKI; a flag that moves them would leave the lab's kubeconfigs lying.
  for (const owned of ['securePort', 'bindAddress', 'tlsCert', 'tlsKey', 'clientCA'] as const) {
    if (owned in api.given) throw new LabFlagError('kube-apiserver', `${owned} is set by the lab (use --port, or run kube-apiserver yourself)`);
  }

  const kubelet = await parseKubeletArgs([...(flags.kubeletArgs ?? [])]);
  if (kubelet.kind === 'error') throw new LabFlagError('kubelet', kubelet.message);
  if (kubelet.kind === 'help') throw new LabFlagError('kubelet', '--help is not an override');
  warnings.push(...kubelet.warnings);
  // parseKubeletArgs always names its defaults and log level; only what was asked for overrides the profile.
  const { defaults, logLevel: _logLevel, ...kubeletGiven } = kubelet.input;
  const kubeletOverrides = defaults === 'kubelet-configuration' ? { ...kubeletGiven, defaults } : kubeletGiven;

  let kubeProxy: Partial<KubeProxyOptions> = {};
  if (flags.kubeProxyArgs?.length) {
    const proxy = await parseKubeProxyArgs([...flags.kubeProxyArgs]);
    if (proxy.kind === 'error') throw new LabFlagError('kube-proxy', proxy.message);
    if (proxy.kind === 'help') throw new LabFlagError('kube-proxy', '--help is not an override');
    warnings.push(...proxy.warnings);
    kubeProxy = {
      healthzBindAddress: proxy.config.healthzBindAddress,
      metricsBindAddress: proxy.config.metricsBindAddress,
      bindAddress: proxy.config.bindAddress,
    };
  }

  const given = api.given;
  return {
    profile: chosen,
    options: {
      apiserver: { ...settings.apiserver, ...given },
      kubelet: { ...settings.kubelet, ...kubeletOverrides },
      // A CA given by flag replaces the lab's own verification setting.
      verifyKubelets: given.kubeletCertificateAuthority ? false : settings.verifyKubelets,
      kubeletServingCerts: settings.kubeletServingCerts,
      egress: flags.egress ?? settings.egress,
    },
    kubeProxy,
    warnings,
  };
}
