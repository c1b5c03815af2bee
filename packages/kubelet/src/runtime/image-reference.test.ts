import { describe, expect, it } from 'vitest';
import { parseImageReference } from './image-reference.ts';

describe('image references', () => {
  it('reduces Docker Hub references to the repository name', () => {
    expect(parseImageReference('nginx')).toMatchObject({ repository: 'nginx', canonical: 'docker.io/library/nginx:latest' });
    expect(parseImageReference('nginx:1.27')).toMatchObject({ repository: 'nginx', tag: '1.27' });
    expect(parseImageReference('docker.io/library/busybox:1.36')).toMatchObject({ repository: 'busybox', tag: '1.36' });
    expect(parseImageReference('hubspoke/logger')).toMatchObject({ repository: 'hubspoke/logger', canonical: 'docker.io/hubspoke/logger:latest' });
  });

  it('keeps digests and other registries', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`hubspoke/echo@${digest}`)).toMatchObject({ repository: 'hubspoke/echo', digest });
    expect(parseImageReference('registry.k8s.io/pause:3.10')).toMatchObject({
      repository: 'registry.k8s.io/pause',
      canonical: 'registry.k8s.io/pause:3.10',
    });
    expect(parseImageReference('localhost:5000/app')).toMatchObject({ repository: 'localhost:5000/app' });
  });
});
