import { describe, expect, it } from 'vitest';
import { containerFiles, replaceContents } from './mounts.ts';
import type { VolumeFiles } from './types.ts';

const volumes = new Map<string, VolumeFiles>([
  ['sa', new Map([['token', 'jwt'], ['ca.crt', 'CA'], ['namespace', 'shop']])],
  ['cfg', new Map([['app.conf', 'debug=true'], ['nested/deep.txt', 'deep']])],
  ['scratch', new Map()],
]);

const view = (mounts: Parameters<typeof containerFiles>[0]['mounts'], env: Record<string, string> = {}) =>
  Object.fromEntries(containerFiles({ mounts, volumes, env }));

describe('containerFiles', () => {
  it('places each volume under its mountPath', () => {
    expect(view([{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }, { name: 'cfg', mountPath: '/etc/app/' }])).toEqual({
      '/var/run/secrets/kubernetes.io/serviceaccount/token': 'jwt',
      '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt': 'CA',
      '/var/run/secrets/kubernetes.io/serviceaccount/namespace': 'shop',
      '/etc/app/app.conf': 'debug=true',
      '/etc/app/nested/deep.txt': 'deep',
    });
  });

  it('mounts a single file or a directory of the volume with subPath', () => {
    expect(view([{ name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' }])).toEqual({ '/etc/app.conf': 'debug=true' });
    expect(view([{ name: 'cfg', mountPath: '/opt/n', subPath: 'nested' }])).toEqual({ '/opt/n/deep.txt': 'deep' });
  });

  it('expands subPathExpr with the container environment', () => {
    expect(view([{ name: 'cfg', mountPath: '/opt/x', subPathExpr: '$(DIR)' }], { DIR: 'nested' })).toEqual({ '/opt/x/deep.txt': 'deep' });
  });

  it('lets a mount hide what a shallower one put below its path, whatever the declared order', () => {
    const files = view([
      { name: 'scratch', mountPath: '/etc/app/nested' },
      { name: 'cfg', mountPath: '/etc/app' },
    ]);
    expect(files).toEqual({ '/etc/app/app.conf': 'debug=true' });
  });

  it('ignores mounts of volumes the pod does not have', () => {
    expect(view([{ name: 'ghost', mountPath: '/x' }])).toEqual({});
  });
});

describe('replaceContents', () => {
  it('updates the same map in place: changed, added and removed paths', () => {
    const live = new Map<string, string | Buffer>([['/a', '1'], ['/b', '2']]);
    const same = live;
    replaceContents(live, new Map([['/a', '1'], ['/c', '3']]));
    expect(same).toBe(live);
    expect(Object.fromEntries(live)).toEqual({ '/a': '1', '/c': '3' });
  });
});
