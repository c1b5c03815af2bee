import { describe, it, expect } from 'vitest';
import { podNodeName, podReferences } from './pod-references.ts';

describe('podReferences', () => {
  it('collects secrets, configmaps, claims and the ServiceAccount from every place a pod names them', () => {
    const refs = podReferences({
      metadata: { name: 'web-0', namespace: 'team' },
      spec: {
        nodeName: 'node-1',
        serviceAccountName: 'builder',
        imagePullSecrets: [{ name: 'registry' }],
        volumes: [
          { name: 'certs', secret: { secretName: 'tls' } },
          { name: 'conf', configMap: { name: 'settings' } },
          { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
          { name: 'scratch', ephemeral: { volumeClaimTemplate: {} } },
          {
            name: 'kube-api-access-abcde',
            projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { configMap: { name: 'kube-root-ca.crt' } }, { secret: { name: 'projected' } }] },
          },
          { name: 'csi', csi: { driver: 'x', nodePublishSecretRef: { name: 'csi-creds' } } },
        ],
        initContainers: [{ name: 'init', envFrom: [{ secretRef: { name: 'init-env' } }] }],
        containers: [
          {
            name: 'app',
            env: [
              { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
              { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'modes', key: 'mode' } } },
              { name: 'PLAIN', value: 'x' },
            ],
            envFrom: [{ configMapRef: { name: 'app-env' } }],
          },
        ],
        ephemeralContainers: [{ name: 'debug', env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'debug-token', key: 't' } } }] }],
      },
    });
    expect([...refs.secrets].sort()).toEqual(['csi-creds', 'db', 'debug-token', 'init-env', 'projected', 'registry', 'tls']);
    expect([...refs.configMaps].sort()).toEqual(['app-env', 'kube-root-ca.crt', 'modes', 'settings']);
    expect([...refs.persistentVolumeClaims].sort()).toEqual(['data-web-0', 'web-0-scratch']);
    expect(refs.serviceAccount).toBe('builder');
  });

  it('defaults the ServiceAccount and reports unscheduled pods', () => {
    const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } };
    expect(podReferences(pod).serviceAccount).toBe('default');
    expect(podNodeName(pod)).toBeUndefined();
  });
});
