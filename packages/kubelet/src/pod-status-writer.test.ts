import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { conflict, notFound } from '@hubspoke/api';
import type { ApiClient } from '@hubspoke/client';
import { PodStatusWriter } from './pod-status-writer.ts';
import type { PodStatus } from './pod-status.ts';

/** An ApiClient whose patch() answers from a script and records what it was sent. */
function scriptedClient(answers: Array<() => Promise<unknown>>) {
  const sent: Array<{ path: string; body: unknown; type: string }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client = {
    patch: async (path: string, body: unknown, type: string) => {
      sent.push({ path, body, type });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await (answers.shift() ?? (() => Promise.resolve({})))();
      } finally {
        inFlight--;
      }
    },
  } as unknown as ApiClient;
  return { client, sent, maxInFlight: () => maxInFlight };
}

const status = (phase: PodStatus['phase']) => ({ phase, conditions: [], hostIP: '10.0.0.1', hostIPs: [], startTime: 't', containerStatuses: [] }) as PodStatus;
const slow = () => new Promise((resolve) => setTimeout(() => resolve({}), 30));

function writer(client: ApiClient) {
  return new PodStatusWriter({ client, namespace: 'ns', name: 'p', uid: 'u1', logger: pino({ level: 'silent' }), retry: { initialMs: 5, maxMs: 10 } });
}

describe('PodStatusWriter', () => {
  it('PATCHes pods/<name>/status as a merge patch carrying the uid', async () => {
    const { client, sent } = scriptedClient([]);
    const w = writer(client);
    w.set(status('Pending'));
    await w.flush();
    expect(sent).toEqual([
      { path: '/api/v1/namespaces/ns/pods/p/status', type: 'merge', body: { metadata: { uid: 'u1' }, status: status('Pending') } },
    ]);
  });

  it('keeps one write in flight and sends only the newest of those queued meanwhile', async () => {
    const { client, sent, maxInFlight } = scriptedClient([slow, slow]);
    const w = writer(client);
    w.set(status('Pending'));
    w.set(status('Running'));
    w.set(status('Succeeded'));
    await w.flush();
    expect(sent.map((s) => (s.body as { status: PodStatus }).status.phase)).toEqual(['Pending', 'Succeeded']);
    expect(maxInFlight()).toBe(1);
  });

  it('skips a status equal to the last one sent', async () => {
    const { client, sent } = scriptedClient([]);
    const w = writer(client);
    w.set(status('Running'));
    await w.flush();
    w.set(status('Running'));
    await w.flush();
    expect(sent).toHaveLength(1);
  });

  it('retries after a conflict', async () => {
    const { client, sent } = scriptedClient([() => Promise.reject(conflict({ group: '', resource: 'pods' }, 'p', 'try again'))]);
    const w = writer(client);
    w.set(status('Running'));
    await w.flush();
    expect(sent).toHaveLength(2);
  });

  it('gives up for good once the pod is gone', async () => {
    const { client, sent } = scriptedClient([() => Promise.reject(notFound({ group: '', resource: 'pods' }, 'p'))]);
    const w = writer(client);
    w.set(status('Running'));
    await w.flush();
    w.set(status('Failed'));
    await w.flush();
    expect(sent).toHaveLength(1);
  });
});
