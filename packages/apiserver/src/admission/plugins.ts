// The admission plugins hubspoke implements, in kube-apiserver 1.32's fixed order (`AllOrderedPlugins`), which
// of them are on by default, and how `--enable-admission-plugins` / `--disable-admission-plugins` change that.
// Names only: the implementations are wired in build.ts, so the configuration can validate without them.

/** Every plugin this apiserver knows, in the order they run whatever order the flags name them in. */
export const ORDERED_ADMISSION_PLUGINS = [
  'NamespaceLifecycle',
  'ServiceAccount',
  'NodeRestriction',
  'CertificateApproval',
  'CertificateSigning',
  'CertificateSubjectRestriction',
] as const;

/** A known plugin name. */
export type AdmissionPluginName = (typeof ORDERED_ADMISSION_PLUGINS)[number];

/** Off unless enabled, as in kube-apiserver (kubeadm enables NodeRestriction). */
const DEFAULT_OFF: ReadonlySet<AdmissionPluginName> = new Set(['NodeRestriction']);

/** What the two flags ask for. */
export interface AdmissionPluginSelection {
  enable: readonly string[];
  disable: readonly string[];
}

/** `AdmissionOptions.Validate`'s complaints about the flags, in its wording; empty when they are fine. */
export function admissionSelectionProblems(selection: AdmissionPluginSelection): string[] {
  const known = new Set<string>(ORDERED_ADMISSION_PLUGINS);
  const problems: string[] = [];
  for (const name of selection.enable) {
    if (!known.has(name)) problems.push(`enable-admission-plugins plugin "${name}" is unknown`);
  }
  for (const name of selection.disable) {
    if (!known.has(name)) problems.push(`disable-admission-plugins plugin "${name}" is unknown`);
  }
  const disabled = new Set(selection.disable);
  const both = [...new Set(selection.enable)].filter((name) => disabled.has(name)).sort();
  if (both.length > 0) problems.push(`[${both.join(' ')}] in enable-admission-plugins and disable-admission-plugins overlapped`);
  return problems;
}

/** The plugins that run: the defaults plus the enabled minus the disabled, in the fixed order. */
export function enabledAdmissionPlugins(selection: AdmissionPluginSelection): AdmissionPluginName[] {
  const enable = new Set(selection.enable);
  const disable = new Set(selection.disable);
  return ORDERED_ADMISSION_PLUGINS.filter((name) => !disable.has(name) && (enable.has(name) || !DEFAULT_OFF.has(name)));
}
