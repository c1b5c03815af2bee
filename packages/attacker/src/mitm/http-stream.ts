// HTTP/1.1 as an onlooker reads it: one direction of a connection, any chunking, split into message heads,
// decoded bodies (Content-Length, chunked, or until close) and, after an upgrade, the raw upgraded bytes.

/** A parsed start line and headers; header names lowercased, repeated headers joined with ", ". */
export interface HttpHead {
  /** The start line and headers as sent, without the blank line. */
  raw: string;
  /** Request: method, target. Response: status, reason. */
  method?: string;
  target?: string;
  status?: number;
  reason?: string;
  headers: Record<string, string>;
}

/** What a chunk of one direction contained, in order. */
export type HttpEvent =
  | { kind: 'head'; head: HttpHead }
  | { kind: 'body'; data: Buffer }
  | { kind: 'end' }
  | { kind: 'upgraded'; data: Buffer };

/** The facts about the other direction a response parser needs: the request's method, in order. */
type Role = { kind: 'request' } | { kind: 'response'; nextMethod: () => string | undefined };

/** One direction's parser; throws on bytes that are not HTTP/1.1. */
export class HttpStreamReader {
  private held = Buffer.alloc(0);
  private state:
    | { kind: 'head' }
    | { kind: 'length'; left: number }
    | { kind: 'chunk-size' }
    | { kind: 'chunk-data'; left: number }
    | { kind: 'chunk-crlf' }
    | { kind: 'trailers' }
    | { kind: 'until-close' }
    | { kind: 'upgraded' } = { kind: 'head' };

  constructor(private readonly role: Role) {}

  /** A reader of requests (apiserver → kubelet). */
  static requests(): HttpStreamReader {
    return new HttpStreamReader({ kind: 'request' });
  }

  /** A reader of responses; `nextMethod` answers the method of the request each response answers. */
  static responses(nextMethod: () => string | undefined): HttpStreamReader {
    return new HttpStreamReader({ kind: 'response', nextMethod });
  }

  /** Whether the connection has switched protocols in this direction. */
  get upgraded(): boolean {
    return this.state.kind === 'upgraded';
  }

  /** Take the next chunk. */
  feed(chunk: Buffer): HttpEvent[] {
    const events: HttpEvent[] = [];
    let data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    while (data.length) {
      const s = this.state;
      if (s.kind === 'upgraded' || s.kind === 'until-close') {
        events.push(s.kind === 'upgraded' ? { kind: 'upgraded', data } : { kind: 'body', data });
        return events;
      }
      if (s.kind === 'length' || s.kind === 'chunk-data') {
        const n = Math.min(s.left, data.length);
        events.push({ kind: 'body', data: data.subarray(0, n) });
        data = data.subarray(n);
        s.left -= n;
        if (s.left === 0) this.afterBody(events, s.kind === 'length' ? undefined : { kind: 'chunk-crlf' });
        continue;
      }
      // The rest are line-oriented: wait for the terminator.
      const terminator = s.kind === 'head' ? '\r\n\r\n' : '\r\n';
      const at = data.indexOf(terminator);
      if (at < 0) {
        this.held = Buffer.from(data);
        return events;
      }
      const text = data.subarray(0, at).toString('latin1');
      data = data.subarray(at + terminator.length);
      if (s.kind === 'head') this.onHead(text, events);
      else if (s.kind === 'chunk-size') {
        const size = parseInt(text.split(';')[0].trim(), 16);
        if (Number.isNaN(size)) throw new Error(`bad chunk size ${JSON.stringify(text)}`);
        this.state = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', left: size };
      } else if (s.kind === 'chunk-crlf') {
        if (text !== '') throw new Error('chunk data longer than its size');
        this.state = { kind: 'chunk-size' };
      } else if (text === '') this.afterBody(events, undefined); // the blank line after trailers
    }
    return events;
  }

  /** The peer closed this direction: a body read until close ends here. */
  close(): HttpEvent[] {
    return this.state.kind === 'until-close' ? [{ kind: 'end' }] : [];
  }

  private upgradeNext = false;

  private onHead(raw: string, events: HttpEvent[]): void {
    const [startLine, ...lines] = raw.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`bad header line ${JSON.stringify(line)}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const head: HttpHead = { raw, headers };
    const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
    const chunked = /\bchunked\b/i.test(headers['transfer-encoding'] ?? '');
    if (this.role.kind === 'request') {
      const m = /^(\S+) (\S+) HTTP\/1\.[01]$/.exec(startLine);
      if (!m) throw new Error(`bad request line ${JSON.stringify(startLine)}`);
      [, head.method, head.target] = m;
      events.push({ kind: 'head', head });
      // After an upgrade request the client speaks the new protocol once the server agrees; a client that
      // upgrades sends nothing before the answer, so everything after this request belongs to the new protocol.
      this.upgradeNext = /\bupgrade\b/i.test(headers.connection ?? '') && headers.upgrade !== undefined;
      this.startBody(events, chunked ? 'chunked' : length ?? 0);
      return;
    }
    const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(startLine);
    if (!m) throw new Error(`bad status line ${JSON.stringify(startLine)}`);
    head.status = Number(m[1]);
    head.reason = m[2];
    events.push({ kind: 'head', head });
    if (head.status === 101) {
      this.state = { kind: 'upgraded' };
      return;
    }
    if (head.status < 200) return; // 100 Continue and friends: the real response follows
    const method = this.role.nextMethod();
    if (method === 'HEAD' || head.status === 204 || head.status === 304) this.startBody(events, 0);
    else this.startBody(events, chunked ? 'chunked' : length ?? 'until-close');
  }

  private startBody(events: HttpEvent[], framing: number | 'chunked' | 'until-close'): void {
    if (framing === 'chunked') this.state = { kind: 'chunk-size' };
    else if (framing === 'until-close') this.state = { kind: 'until-close' };
    else if (framing > 0) this.state = { kind: 'length', left: framing };
    else this.afterBody(events, undefined);
  }

  private afterBody(events: HttpEvent[], next: { kind: 'chunk-crlf' } | undefined): void {
    if (next) {
      this.state = next;
      return;
    }
    events.push({ kind: 'end' });
    this.state = this.upgradeNext ? { kind: 'upgraded' } : { kind: 'head' };
    this.upgradeNext = false;
  }
}
