// The admission chain (`admission.chainAdmissionHandler`): every enabled plugin in Kubernetes' order, the
// mutating phase first for all of them, then the validating phase; the first refusal ends the request.
import type { Attributes } from './attributes.ts';
import type { AdmissionContext, AdmissionPlugin } from './plugin.ts';

/** The two phases the REST operations call. Both throw the refusing plugin's ApiError. */
export interface AdmissionChain {
  /** The enabled plugins, in the order they run. */
  readonly plugins: readonly string[];
  /** Mutating phase: plugins may change `attrs.object`. */
  admit(attrs: Attributes): Promise<void>;
  /** Validating phase: `attrs.object` is what will be stored. */
  validate(attrs: Attributes): Promise<void>;
}

/** A chain over `plugins` (already in order) consulting `ctx`. */
export function admissionChain(plugins: readonly AdmissionPlugin[], ctx: AdmissionContext): AdmissionChain {
  const run = async (attrs: Attributes, phase: 'admit' | 'validate'): Promise<void> => {
    for (const plugin of plugins) {
      const step = plugin[phase];
      if (!step || !plugin.operations.includes(attrs.operation)) continue;
      const refusal = await step.call(plugin, attrs, ctx);
      if (refusal) throw refusal;
    }
  };
  return {
    plugins: plugins.map((p) => p.name),
    admit: (attrs) => run(attrs, 'admit'),
    validate: (attrs) => run(attrs, 'validate'),
  };
}

/** A chain that admits everything (`--disable-admission-plugins` of every plugin). */
export const admitEverything: AdmissionChain = {
  plugins: [],
  admit: async () => {},
  validate: async () => {},
};
