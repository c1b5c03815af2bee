import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { ApiError } from '@hubspoke/api';
import type { KubeObject, WatchEvent } from '@hubspoke/api';
import { createClient } from './client.ts';
import type { ApiClient } from './client.ts';
import { sendJson, startFakeHttpsServer } from './testing/fake-https-server.ts';
import type { FakeHttpsServer } from './testing/fake-https-server.ts';

let server: FakeHttpsServer;
let client: ApiClient;

beforeAll(async () => {
  server = await startFakeHttpsServer();
  client = createClient({ server: server.url, caCert: server.caCert });
});
afterAll(async () => {
  client.close();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

function pod(name: string, rv: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', resourceVersion: rv } };
}

async function collect(iter: AsyncIterable<WatchEvent>): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for await (const ev of iter) out.push(ev);
  return out;
}

describe('watch', () => {
  it('sends watch=true with the resourceVersion, selectors and bookmarks', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end();
    });
    await collect(
      client.watch('/api/v1/pods', { resourceVersion: '12', fieldSelector: 'spec.nodeName=n1', allowWatchBookmarks: true }),
    );
    const url = new URL(server.requests[0].url, 'https://x');
    expect(url.pathname).toBe('/api/v1/pods');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      watch: 'true',
      resourceVersion: '12',
      fieldSelector: 'spec.nodeName=n1',
      allowWatchBookmarks: 'true',
    });
  });

  it('decodes events whose JSON is split across chunks', async () => {
    const lines =
      JSON.stringify({ type: 'ADDED', object: pod('a', '1') }) +
      '\n' +
      JSON.stringify({ type: 'MODIFIED', object: pod('a', '2') }) +
      '\n' +
      JSON.stringify({ type: 'DELETED', object: pod('a', '3') }) +
      '\n';
    server.handle(async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // Odd-sized pieces with pauses force the client to see partial objects.
      for (let i = 0; i < lines.length; i += 37) {
        res.write(lines.slice(i, i + 37));
        await delay(2);
      }
      res.end();
    });
    const events = await collect(client.watch('/api/v1/pods'));
    expect(events.map((e) => [e.type, e.object.metadata.resourceVersion])).toEqual([
      ['ADDED', '1'],
      ['MODIFIED', '2'],
      ['DELETED', '3'],
    ]);
  });

  it('throws an ERROR event carrying a 410 Status as an ApiError', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: pod('a', '5') }) + '\n');
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 },
        }) + '\n',
      );
    });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const ev of client.watch('/api/v1/pods', { resourceVersion: '1' })) seen.push(ev.type);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['ADDED']);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)' });
  });

  it('throws a non-2xx watch answer as an ApiError', async () => {
    server.handle((_req, res) =>
      sendJson(res, 403, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'nope' }),
    );
    await expect(collect(client.watch('/api/v1/pods'))).rejects.toMatchObject({ code: 403, message: 'nope' });
  });

  it('ends quietly when aborted and closes the connection', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    server.handle((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: pod('a', '1') }) + '\n');
      res.on('close', closed);
    });
    const controller = new AbortController();
    const events: WatchEvent[] = [];
    for await (const ev of client.watch('/api/v1/pods', { signal: controller.signal })) {
      events.push(ev);
      controller.abort();
    }
    expect(events).toHaveLength(1);
    await serverSawClose;
  });
});
