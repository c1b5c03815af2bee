import { describe, expect, it } from 'vitest';
import type { CapturedExchange } from '../mitm/capture.ts';
import { encodeForgedResponse } from './forged-response.ts';
import { SniffRecorder } from './sniff-capture.ts';

const init = { id: 1, client: '10.0.0.1:5000', destination: '10.244.1.2:8080', scheme: 'http' as const, impersonated: false };

/** A recorder whose completed requests and exchanges are listed by request target. */
function recorder(): { rec: SniffRecorder; requests: string[]; exchanges: CapturedExchange[] } {
  const requests: string[] = [];
  const exchanges: CapturedExchange[] = [];
  const rec = new SniffRecorder(init, { request: (x) => requests.push(`${x.request.target} ${x.request.body}`), exchange: (x) => exchanges.push(x) });
  return { rec, requests, exchanges };
}

describe('SniffRecorder', () => {
  it('reports a request only once its body is complete, however the bytes are split', () => {
    const { rec, requests } = recorder();
    const bytes = Buffer.from('POST /echo HTTP/1.1\r\nHost: pod\r\nContent-Length: 11\r\n\r\nhello world');
    for (let i = 0; i < bytes.length; i += 7) {
      expect(requests).toEqual([]);
      rec.fromClient(bytes.subarray(i, i + 7));
    }
    expect(requests).toEqual(['/echo hello world']);
    expect(rec.capture).toMatchObject({ destination: '10.244.1.2:8080', scheme: 'http', impersonated: false });
  });

  it('reports each exchange of a kept-alive connection when its chunked response ends', () => {
    const { rec, exchanges } = recorder();
    rec.fromClient(Buffer.from('GET /a HTTP/1.1\r\nHost: pod\r\n\r\nGET /b HTTP/1.1\r\nHost: pod\r\n\r\n'));
    rec.fromServer(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n'));
    expect(exchanges).toEqual([]);
    rec.fromServer(Buffer.from('0\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope'));
    expect(exchanges.map((x) => [x.request.target, x.response?.status, x.response?.body])).toEqual([
      ['/a', 200, 'first'],
      ['/b', 404, 'nope'],
    ]);
  });

  it('completes a response read until close when the connection ends', () => {
    const { rec, exchanges } = recorder();
    rec.fromClient(Buffer.from('GET / HTTP/1.1\r\nHost: pod\r\n\r\n'));
    rec.fromServer(Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nstreamed'));
    expect(exchanges).toEqual([]);
    rec.close();
    expect(exchanges.map((x) => x.response?.body)).toEqual(['streamed']);
    expect(rec.capture.closed).toBe(true);
  });

  it('stops reporting, without throwing, once the bytes are not HTTP', () => {
    const { rec, requests } = recorder();
    expect(() => rec.fromClient(Buffer.from('\x16\x03\x01 not http\r\n\r\n'))).not.toThrow();
    expect(requests).toEqual([]);
    expect(rec.capture.unparsable).toMatch(/bad request line/);
  });
});

describe('encodeForgedResponse', () => {
  it('frames the body with Content-Length and lets headers override the type', () => {
    const bytes = encodeForgedResponse({ body: 'owned', headers: { 'Content-Type': 'text/html' } });
    expect(bytes.toString()).toBe('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 5\r\n\r\nowned');
  });

  it('sends no body for HEAD and none and no length for 204', () => {
    expect(encodeForgedResponse({ body: 'owned' }, 'HEAD').toString()).toMatch(/content-length: 5\r\n\r\n$/);
    expect(encodeForgedResponse({ status: 204, body: 'owned' }).toString()).toBe('HTTP/1.1 204 No Content\r\ncontent-type: text/plain; charset=utf-8\r\n\r\n');
  });
});
