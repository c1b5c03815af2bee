import { describe, expect, it } from 'vitest';
import { HttpStreamReader, type HttpEvent } from './http-stream.ts';

function feedAll(reader: HttpStreamReader, wire: string, step: number): HttpEvent[] {
  const bytes = Buffer.from(wire, 'latin1');
  const events: HttpEvent[] = [];
  for (let i = 0; i < bytes.length; i += step) events.push(...reader.feed(bytes.subarray(i, i + step)));
  return events;
}

const bodyOf = (events: HttpEvent[]) => events.map((e) => (e.kind === 'body' ? e.data.toString() : '')).join('');

describe('HttpStreamReader', () => {
  it('decodes a chunked response split at every byte, then reads the next response on the connection', () => {
    const methods = ['GET', 'GET'];
    const reader = HttpStreamReader.responses(() => methods.shift());
    const wire =
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nline1\n\r\n6\r\nline2\n\r\n0\r\n\r\n' +
      'HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found';
    const events = feedAll(reader, wire, 1);
    const heads = events.flatMap((e) => (e.kind === 'head' ? [[e.head.status, e.head.headers['content-type']]] : []));
    expect(heads).toEqual([[200, 'text/plain'], [404, undefined]]);
    expect(bodyOf(events)).toBe('line1\nline2\nnot found');
    expect(events.filter((e) => e.kind === 'end')).toHaveLength(2);
  });

  it('hands over the bytes after a 101 as the upgraded stream', () => {
    const reader = HttpStreamReader.responses(() => 'GET');
    const events = reader.feed(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n\x82\x02\x01a', 'latin1'));
    expect(events[0]).toMatchObject({ kind: 'head', head: { status: 101, headers: { 'sec-websocket-protocol': 'v5.channel.k8s.io' } } });
    expect(events[1]).toEqual({ kind: 'upgraded', data: Buffer.from('\x82\x02\x01a', 'latin1') });
    expect(reader.upgraded).toBe(true);
  });

  it('reads a request line with its query and switches to the upgraded stream after an upgrade request', () => {
    const reader = HttpStreamReader.requests();
    const events = feedAll(reader, 'GET /exec/default/p/c?command=echo&command=hi&output=1 HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', 7);
    expect(events[0]).toMatchObject({ kind: 'head', head: { method: 'GET', target: '/exec/default/p/c?command=echo&command=hi&output=1' } });
    expect(reader.upgraded).toBe(true);
  });

  it('reads a response without length until the connection closes', () => {
    const reader = HttpStreamReader.responses(() => 'GET');
    const events = [...reader.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nabc')), ...reader.feed(Buffer.from('def')), ...reader.close()];
    expect(bodyOf(events)).toBe('abcdef');
    expect(events.at(-1)).toEqual({ kind: 'end' });
  });

  it('rejects bytes that are not HTTP', () => {
    expect(() => HttpStreamReader.requests().feed(Buffer.from('\x16\x03\x01 hello\r\n\r\n', 'latin1'))).toThrow(/bad request line/);
  });
});
