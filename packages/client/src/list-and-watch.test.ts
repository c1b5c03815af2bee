import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '@hubspoke/api';
import { createClient } from './client.ts';
import type { ApiClient } from './client.ts';
import { listAndWatch } from './list-and-watch.ts';
import type { Informer } from './list-and-watch.ts';
import { sendJson, startFakeHttpsServer } from './testing/fake-https-server.ts';
import type { FakeHttpsServer, RecordedRequest } from './testing/fake-https-server.ts';

let server: FakeHttpsServer;
let client: ApiClient;
let informer: Informer<KubeObject> | undefined;

beforeAll(async () => {
  server = await startFakeHttpsServer();
  client = createClient({ server: server.url, caCert: server.caCert });
});
afterAll(async () => {
  client.close();
  await server.close();
});
beforeEach(async () => {
  await informer?.stop();
  informer = undefined;
  server.requests.length = 0;
});

function pod(name: string, rv: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', resourceVersion: rv } };
}

function podList(rv: string, items: KubeObject[]) {
  return { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: rv }, items };
}

function event(type: string, object: unknown): string {
  return JSON.stringify({ type, object }) + '\n';
}

/** Routes list and watch requests to per-call scripts, in order. */
function script(lists: Array<ReturnType<typeof podList>>, watches: Array<(res: ServerResponse) => void>) {
  let listCalls = 0;
  let watchCalls = 0;
  server.handle((req: RecordedRequest, res) => {
    const url = new URL(req.url, 'https://x');
    if (url.searchParams.get('watch') === 'true') {
      const run = watches[Math.min(watchCalls++, watches.length - 1)];
      res.writeHead(200, { 'Content-Type': 'application/json' });
      run(res);
    } else {
      sendJson(res, 200, lists[Math.min(listCalls++, lists.length - 1)]);
    }
  });
}

function recorder() {
  const log: string[] = [];
  return {
    log,
    handlers: {
      onAdd: (o: KubeObject) => log.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
      onUpdate: (o: KubeObject, old: KubeObject) =>
        log.push(`update ${o.metadata.name}@${old.metadata.resourceVersion}->${o.metadata.resourceVersion}`),
      onDelete: (o: KubeObject) => log.push(`delete ${o.metadata.name}`),
      onSync: (all: KubeObject[]) => log.push(`sync ${all.length}`),
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const watchRequests = () => server.requests.filter((r) => r.url.includes('watch=true'));
const listRequests = () => server.requests.filter((r) => !r.url.includes('watch=true'));

describe('listAndWatch', () => {
  it('lists, then watches from the list resourceVersion and applies events', async () => {
    script(
      [podList('10', [pod('a', '1')])],
      [
        (res) => {
          res.write(event('ADDED', pod('b', '11')));
          res.write(event('MODIFIED', pod('a', '12')));
          res.write(event('BOOKMARK', { kind: 'Pod', metadata: { resourceVersion: '13' } }));
          res.write(event('DELETED', pod('b', '14')));
        },
      ],
    );
    const { log, handlers } = recorder();
    informer = listAndWatch(client, '/api/v1/pods', { fieldSelector: 'spec.nodeName=n1' }, handlers);
    await informer.synced;
    await until(() => log.length === 5, 'events');
    expect(log).toEqual(['add a@1', 'sync 1', 'add b@11', 'update a@1->12', 'delete b']);
    expect(informer.list().map((o) => o.metadata.resourceVersion)).toEqual(['12']);
    const watchUrl = new URL(watchRequests()[0].url, 'https://x');
    expect(watchUrl.searchParams.get('resourceVersion')).toBe('10');
    expect(watchUrl.searchParams.get('fieldSelector')).toBe('spec.nodeName=n1');
    expect(watchUrl.searchParams.get('allowWatchBookmarks')).toBe('true');
  });

  it('relists after a 410 and reports the difference as adds, updates and deletes', async () => {
    script(
      [podList('10', [pod('a', '1'), pod('b', '2')]), podList('20', [pod('a', '15'), pod('c', '16')])],
      [
        (res) =>
          res.end(event('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version' })),
        () => {},
      ],
    );
    const { log, handlers } = recorder();
    const errors: unknown[] = [];
    informer = listAndWatch(client, '/api/v1/pods', { backoff: { initialMs: 5, maxMs: 10 }, onError: (e) => errors.push(e) }, handlers);
    await until(() => log.filter((l) => l.startsWith('sync')).length === 2, 'second sync');
    expect(log).toEqual(['add a@1', 'add b@2', 'sync 2', 'update a@1->15', 'add c@16', 'delete b', 'sync 2']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 410 });
    await until(() => watchRequests().length === 2, 'second watch');
    expect(new URL(watchRequests()[1].url, 'https://x').searchParams.get('resourceVersion')).toBe('20');
  });

  it('relists with back-off when the watch connection drops', async () => {
    script(
      [podList('10', [pod('a', '1')]), podList('30', [pod('a', '1'), pod('b', '25')])],
      [
        (res) => {
          res.write(event('ADDED', pod('b', '11')));
          setTimeout(() => res.socket?.destroy(), 20);
        },
        () => {},
      ],
    );
    const { log, handlers } = recorder();
    const errors: unknown[] = [];
    informer = listAndWatch(client, '/api/v1/pods', { backoff: { initialMs: 5, maxMs: 10 }, onError: (e) => errors.push(e) }, handlers);
    await until(() => listRequests().length === 2 && log.at(-1) === 'sync 2', 'relist');
    // Let the new watch arrive, so it cannot land in the next test's request log.
    await until(() => watchRequests().length === 2, 'second watch');
    expect(new URL(watchRequests()[1].url, 'https://x').searchParams.get('resourceVersion')).toBe('30');
    expect(log).toEqual(['add a@1', 'sync 1', 'add b@11', 'update b@11->25', 'sync 2']);
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });

  it('re-opens a watch the server ended normally from the last resourceVersion, without relisting', async () => {
    script(
      [podList('10', [])],
      [
        (res) => {
          res.end(event('ADDED', pod('a', '11')));
        },
        () => {},
      ],
    );
    const { log, handlers } = recorder();
    informer = listAndWatch(client, '/api/v1/pods', {}, handlers);
    await until(() => watchRequests().length === 2, 'second watch');
    expect(listRequests()).toHaveLength(1);
    expect(new URL(watchRequests()[1].url, 'https://x').searchParams.get('resourceVersion')).toBe('11');
    expect(log).toEqual(['sync 0', 'add a@11']);
  });

  it('stops: the loop exits and the watch connection closes', async () => {
    let closed = false;
    script([podList('1', [])], [(res) => res.on('close', () => (closed = true))]);
    informer = listAndWatch(client, '/api/v1/pods', {}, {});
    await informer.synced;
    await until(() => watchRequests().length === 1, 'watch');
    await informer.stop();
    await until(() => closed, 'server-side close');
    expect(listRequests()).toHaveLength(1);
  });
});
