// The toy runtime: resolves an image reference to a program in the catalog and starts it as a container.
import { createHash } from 'node:crypto';
import { startToyContainer } from './container.ts';
import { ImagePullError } from './errors.ts';
import { parseImageReference } from './image-reference.ts';
import { defaultImages } from './images/index.ts';
import type { ToyImage } from './program.ts';
import type { Runtime } from './types.ts';

/** Options for createToyRuntime. */
export interface ToyRuntimeOptions {
  /** Extra images (or replacements), keyed by repository name like the built-in catalog. */
  images?: Record<string, ToyImage>;
  /**
   * Running host commands from exec is not implemented; the toy shell serves every exec.
   * The option exists so a configuration can state it explicitly.
   */
  allowHostExec?: false;
}

/** A Runtime whose images are hubspoke's own in-process programs. */
export function createToyRuntime(opts: ToyRuntimeOptions = {}): Runtime {
  const catalog: Record<string, ToyImage> = { ...defaultImages(), ...opts.images };
  return {
    images: () => Object.keys(catalog).sort(),
    async startContainer(pod, spec, { logPath, attempt }) {
      const reference = parseImageReference(spec.image);
      const image = catalog[reference.repository];
      if (!image) {
        const known = [...new Set(Object.values(catalog).map((i) => i.name))].sort().join(', ');
        throw new ImagePullError(spec.image, `not found: "${reference.canonical}" is not a hubspoke toy image (images: ${known})`);
      }
      // A stable digest per image program, so imageID looks and compares like a real one.
      const digest = createHash('sha256').update(`hubspoke-toy-image:${image.name}`).digest('hex');
      return startToyContainer({ pod, spec, image, imageID: `${reference.repository}@sha256:${digest}`, logPath, attempt });
    },
  };
}
