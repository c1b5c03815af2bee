// Which tag an image reference names, the way the apiserver decides a container's default pull policy
// (docker reference parsing: a registry port is not a tag, a digest pins the image).

/** The tag of an image reference: `nginx:1.27` → `1.27`; `nginx` → `latest`; `nginx@sha256:…` → ''. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const hasDigest = at >= 0;
  const name = hasDigest ? image.slice(0, at) : image;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : '';
  if (tag) return tag;
  return hasDigest ? '' : 'latest';
}

/** `SetDefaults_Container`: `Always` for `:latest` (or no tag), otherwise `IfNotPresent`. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}
