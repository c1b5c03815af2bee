import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { KubeObject } from '@hubspoke/api';
import { expandReferences, resolveContainerSpec } from './container-spec.ts';

const pod: KubeObject = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web' } },
  spec: { containers: [] },
};
const placement = { podIP: '127.244.1.2', hostIP: '10.0.0.5', nodeName: 'node-1' };

describe('resolveContainerSpec', () => {
  it('resolves literal values, references and downward-API fields', () => {
    const spec = resolveContainerSpec({
      pod,
      container: {
        name: 'c',
        image: 'hubspoke/logger',
        command: ['run', '$(GREETING)'],
        args: ['--ip=$(MY_IP)', '$$(ESCAPED)', '$(UNKNOWN)'],
        env: [
          { name: 'NAME', value: 'world' },
          { name: 'GREETING', value: 'hello $(NAME)' },
          { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        ],
        ports: [{ containerPort: 8080, name: 'http' }],
        stdin: true,
        tty: true,
      },
      placement,
      logger: pino({ level: 'silent' }),
    });
    expect(spec.env).toEqual({ NAME: 'world', GREETING: 'hello world', MY_IP: '127.244.1.2', POD: 'web', APP: 'web' });
    expect(spec.command).toEqual(['run', 'hello world']);
    expect(spec.args).toEqual(['--ip=127.244.1.2', '$(ESCAPED)', '$(UNKNOWN)']);
    expect(spec.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    expect(spec).toMatchObject({ stdin: true, tty: true });
  });

  it('skips sources it cannot resolve and warns', () => {
    const warnings: unknown[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
    const spec = resolveContainerSpec({
      pod,
      container: { name: 'c', image: 'x', env: [{ name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] },
      placement,
      logger,
    });
    expect(spec.env).toEqual({});
    expect(warnings).toMatchObject([{ env: 'SECRET', msg: 'Skipping environment variable whose source is not supported' }]);
  });
});

describe('resolveContainerSpec with service variables', () => {
  const serviceEnv = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', API_SERVICE_HOST: '10.96.1.1' };

  it('adds the service variables after the container entries, which override them', () => {
    const spec = resolveContainerSpec({
      pod,
      container: { name: 'c', image: 'x', env: [{ name: 'API_SERVICE_HOST', value: 'api.local' }, { name: 'MODE', value: 'prod' }] },
      placement,
      serviceEnv,
      logger: pino({ level: 'silent' }),
    });
    expect(Object.entries(spec.env)).toEqual([
      ['API_SERVICE_HOST', 'api.local'],
      ['MODE', 'prod'],
      ['KUBERNETES_SERVICE_HOST', '10.96.0.1'],
      ['KUBERNETES_SERVICE_PORT', '443'],
    ]);
  });

  it('expands $(VAR) in env values, command and args against them', () => {
    const spec = resolveContainerSpec({
      pod,
      container: {
        name: 'c',
        image: 'x',
        command: ['curl', 'https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)'],
        args: ['$(URL)', '$(API_SERVICE_HOST)'],
        env: [
          { name: 'URL', value: 'https://$(KUBERNETES_SERVICE_HOST)/$(LATER)' },
          { name: 'API_SERVICE_HOST', value: 'mine' },
          { name: 'LATER', value: 'x' },
        ],
      },
      placement,
      serviceEnv,
      logger: pino({ level: 'silent' }),
    });
    // An entry sees the entries before it and the service variables; a later entry stays unexpanded.
    expect(spec.env.URL).toBe('https://10.96.0.1/$(LATER)');
    expect(spec.command).toEqual(['curl', 'https://10.96.0.1:443']);
    expect(spec.args).toEqual(['https://10.96.0.1/$(LATER)', 'mine']);
  });

  it('hands the runtime the file view it is given', () => {
    const files = new Map([['/etc/x', 'y']]);
    const spec = resolveContainerSpec({ pod, container: { name: 'c', image: 'x' }, placement, files, logger: pino({ level: 'silent' }) });
    expect(spec.files).toBe(files);
  });
});

describe('expandReferences', () => {
  it('leaves text without references alone', () => {
    expect(expandReferences('plain $HOME $(', {})).toBe('plain $HOME $(');
  });
});
