// The runtime's error catalog. Messages follow the kubelet's wording where kubectl users see them.

/** The image is not one the runtime has; the kubelet reports reason `ErrImagePull`. */
export class ImagePullError extends Error {
  readonly reason = 'ErrImagePull';
  readonly code = 'ERR_IMAGE_PULL';

  constructor(
    readonly image: string,
    detail: string,
  ) {
    super(`Failed to pull image "${image}": ${detail}`);
    this.name = 'ImagePullError';
  }
}

/** exec into a container whose program has exited. */
export class ContainerNotRunningError extends Error {
  readonly code = 'ERR_CONTAINER_NOT_RUNNING';

  constructor(readonly containerId: string) {
    super(`container ${containerId} is not running`);
    this.name = 'ContainerNotRunningError';
  }
}
