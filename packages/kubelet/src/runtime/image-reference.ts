// Image references as users write them (`nginx`, `nginx:1.27`, `docker.io/library/busybox:latest`,
// `hubspoke/logger@sha256:…`) reduced to the repository name the toy catalog is keyed by.

/** A parsed image reference. */
export interface ImageReference {
  /** Repository without the Docker Hub registry and `library/` prefix, e.g. "nginx", "hubspoke/logger". */
  repository: string;
  tag?: string;
  digest?: string;
  /** The fully qualified form containerd would pull, e.g. "docker.io/library/nginx:latest". */
  canonical: string;
}

const DOCKER_HUB = /^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//;

/** Parses an image reference. */
export function parseImageReference(image: string): ImageReference {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const hub = DOCKER_HUB.test(rest) || !/^[^/]*[.:]/.test(rest) || rest === 'localhost';
  let repository = rest.replace(DOCKER_HUB, '');
  if (hub) repository = repository.replace(/^library\//, '');
  const qualified = !hub ? rest : repository.includes('/') ? `docker.io/${repository}` : `docker.io/library/${repository}`;
  const canonical = digest ? `${qualified}@${digest}` : `${qualified}:${tag ?? 'latest'}`;
  return { repository: repository.toLowerCase(), tag, digest, canonical };
}
