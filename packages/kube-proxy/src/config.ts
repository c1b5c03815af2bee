// The kube-proxy configuration the binary runs with: KubeProxyConfiguration's fields that hubspoke uses,
// their Kubernetes defaults, and the validation that turns a bad value into a startup error.
import { isIP } from 'node:net';
import { parseHostPort } from './host-port.ts';

/** The one proxy mode hubspoke has (what /proxyMode reports). */
export const PROXY_MODE = 'userspace';

/** The resolved configuration (KubeProxyConfiguration field names, flattened). */
export interface KubeProxyConfig {
  /** clientConnection.kubeconfig. */
  kubeconfig: string;
  hostnameOverride: string;
  bindAddress: string;
  /** '' (the best available, which for hubspoke is user space) or 'userspace'. */
  mode: string;
  healthzBindAddress: string;
  metricsBindAddress: string;
  /** pino level from -v. */
  logLevel: string;
}

/** Kubernetes' defaults for the fields above. */
export const DEFAULT_KUBE_PROXY_CONFIG: KubeProxyConfig = {
  kubeconfig: '',
  hostnameOverride: '',
  bindAddress: '0.0.0.0',
  mode: '',
  healthzBindAddress: '0.0.0.0:10256',
  metricsBindAddress: '127.0.0.1:10249',
  logLevel: 'info',
};

/** The problems with `cfg`, in Kubernetes' field-error wording; empty when it can run. */
export function validateKubeProxyConfig(cfg: KubeProxyConfig): string[] {
  const problems: string[] = [];
  if (cfg.mode !== '' && cfg.mode !== PROXY_MODE) {
    problems.push(
      `KubeProxyConfiguration.Mode: Invalid value: ${JSON.stringify(cfg.mode)}: hubspoke's kube-proxy proxies in user space only; ` +
        `use --proxy-mode=userspace (iptables, ipvs, nftables and kernelspace are not implemented)`,
    );
  }
  if (!isIP(cfg.bindAddress)) problems.push(`KubeProxyConfiguration.BindAddress: Invalid value: ${JSON.stringify(cfg.bindAddress)}: not a valid textual representation of an IP address`);
  for (const [field, value] of [['HealthzBindAddress', cfg.healthzBindAddress], ['MetricsBindAddress', cfg.metricsBindAddress]] as const) {
    try {
      parseHostPort(value, field);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (!cfg.kubeconfig) {
    problems.push('no kubeconfig: pass --kubeconfig (or clientConnection.kubeconfig in --config); hubspoke\'s kube-proxy runs on the host and has no in-cluster configuration');
  }
  return problems;
}
