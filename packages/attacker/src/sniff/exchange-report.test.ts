import { describe, expect, it } from 'vitest';
import { exchangeRecord, formatExchange } from './exchange-report.ts';
import { SniffRecorder } from './sniff-capture.ts';

/** A capture of one exchange, built from bytes as the sniffer builds it. */
function captured(request: string, response: string, impersonated = false) {
  const rec = new SniffRecorder({ id: 4, client: '10.203.9.1:50000', destination: '10.244.9.2:8443', scheme: 'https', impersonated });
  rec.fromClient(Buffer.from(request));
  rec.fromServer(Buffer.from(response));
  return { capture: rec.capture, exchange: rec.capture.exchanges[0] };
}

describe('exchange reports', () => {
  it('shows the summary, then the request and the response with their bodies', () => {
    const { capture, exchange } = captured('POST /login HTTP/1.1\r\nHost: pod\r\nContent-Length: 8\r\n\r\npw=hunt2', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n', true);
    expect(formatExchange(capture, exchange)).toBe(
      [
        '#4 10.203.9.1:50000 → 10.244.9.2:8443 (https, answered by the attacker): POST /login → 200',
        '  > POST /login HTTP/1.1',
        '  > Host: pod',
        '  > Content-Length: 8',
        '  > ',
        '  > pw=hunt2',
        '  < HTTP/1.1 200 OK',
        '  < Content-Length: 3',
        '  < ',
        '  < ok',
        '',
      ].join('\n'),
    );
  });

  it('cuts long bodies and says how much was left out', () => {
    const { capture, exchange } = captured('GET / HTTP/1.1\r\n\r\n', `HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789`);
    expect(formatExchange(capture, exchange, { maxBody: 4 })).toContain('  < 0123… (6 more characters)\n');
  });

  it('saves where the exchange went and both messages in plaintext', () => {
    const { capture, exchange } = captured('GET /a HTTP/1.1\r\n\r\n', 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    expect(exchangeRecord(capture, exchange, new Date('2026-01-02T03:04:05Z'))).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      capture: 4,
      client: '10.203.9.1:50000',
      destination: '10.244.9.2:8443',
      scheme: 'https',
      impersonated: false,
      request: { raw: 'GET /a HTTP/1.1', body: '' },
      response: { raw: 'HTTP/1.1 404 Not Found\r\nContent-Length: 0', status: 404, body: '' },
    });
  });
});
