import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatCriRecords, formatTimestamp, nowNanos, openCriLogWriter, parseCriRecord, parseTimestamp } from './cri-log.ts';
import { tempDir } from './testing.ts';

const TS = '2024-05-06T07:08:09.123456789Z';

describe('CRI log records', () => {
  it('writes one F record per complete line and a P record for the unterminated rest', () => {
    const out = formatCriRecords({ stream: 'stdout', data: Buffer.from('one\ntwo\nthr'), timestamp: TS }).toString();
    expect(out).toBe(`${TS} stdout F one\n${TS} stdout F two\n${TS} stdout P thr\n`);
  });

  it('keeps an empty line as an F record with empty content', () => {
    expect(formatCriRecords({ stream: 'stderr', data: Buffer.from('\n'), timestamp: TS }).toString()).toBe(`${TS} stderr F \n`);
  });

  it('splits a line longer than the maximum record size into P records ending with F', () => {
    const out = formatCriRecords({ stream: 'stdout', data: Buffer.from('abcdefghij\n'), timestamp: TS, maxRecordBytes: 4 });
    expect(out.toString()).toBe(`${TS} stdout P abcd\n${TS} stdout P efgh\n${TS} stdout F ij\n`);
  });

  it('parses a record back, including content with spaces and a colon-tagged partial', () => {
    const record = parseCriRecord(Buffer.from(`${TS} stderr P:x a b  c`));
    expect(record).toEqual({ time: 1714979289123456789n, stream: 'stderr', partial: true, content: Buffer.from('a b  c') });
    expect(parseCriRecord(Buffer.from(`${TS} stdout F`))?.content.length).toBe(0);
  });

  it('rejects lines that are not CRI records', () => {
    expect(parseCriRecord(Buffer.from('hello world'))).toBeUndefined();
    expect(parseCriRecord(Buffer.from(`${TS} stdin F x`))).toBeUndefined();
    expect(parseCriRecord(Buffer.from(`${TS} stdout X x`))).toBeUndefined();
  });
});

describe('CRI timestamps', () => {
  it('formats RFC3339Nano with trailing zeros dropped, and the fixed nine-digit form', () => {
    const ns = 1714979289120000000n;
    expect(formatTimestamp(ns, false)).toBe('2024-05-06T07:08:09.12Z');
    expect(formatTimestamp(ns, true)).toBe('2024-05-06T07:08:09.120000000Z');
    expect(formatTimestamp(1714979289000000000n, false)).toBe('2024-05-06T07:08:09Z');
  });

  it('parses timestamps with any fraction length and a zone offset', () => {
    expect(parseTimestamp('2024-05-06T07:08:09.5Z')).toBe(1714979289500000000n);
    expect(parseTimestamp('2024-05-06T09:08:09.000000001+02:00')).toBe(1714979289000000001n);
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });

  it('gives nanosecond times that never go backwards and agree with the wall clock', () => {
    const a = nowNanos();
    const b = nowNanos();
    expect(b >= a).toBe(true);
    expect(Math.abs(Number(a / 1_000_000n) - Date.now())).toBeLessThan(1000);
  });
});

describe('CRI log writer', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => (dir = await tempDir()));
  afterEach(() => dir.cleanup());

  it('creates parent directories and appends records in write order', async () => {
    const path = join(dir.path, 'pods', 'ns_pod_uid', 'c', '0.log');
    const writer = await openCriLogWriter(path);
    await Promise.all([
      writer.write('stdout', Buffer.from('first\n')),
      writer.write('stderr', Buffer.from('second\n')),
      writer.write('stdout', Buffer.from('third')),
    ]);
    await writer.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.slice(0, 3).map((l) => l.replace(/^\S+ /, ''))).toEqual(['stdout F first', 'stderr F second', 'stdout P third']);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z /);
    await expect(writer.write('stdout', Buffer.from('late\n'))).rejects.toThrow(/closed/);
  });

  it('appends to an existing log instead of truncating it', async () => {
    const path = join(dir.path, 'c.log');
    for (const word of ['a', 'b']) {
      const writer = await openCriLogWriter(path);
      await writer.write('stdout', Buffer.from(`${word}\n`));
      await writer.close();
    }
    expect((await readFile(path, 'utf8')).match(/F (a|b)$/gm)).toEqual(['F a', 'F b']);
  });
});
