import { appendFile, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTimestamp, nowNanos, openCriLogWriter } from './cri-log.ts';
import { findTailStart, readContainerLog, type ReadLogOptions } from './cri-log-reader.ts';
import { tempDir } from './testing.ts';

const T0 = 1714979289000000000n; // 2024-05-06T07:08:09Z
const at = (seconds: number) => formatTimestamp(T0 + BigInt(seconds) * 1_000_000_000n, false);

async function readAll(path: string, opts?: ReadLogOptions): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of readContainerLog(path, opts)) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

describe('readContainerLog', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let path: string;
  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir.path, '0.log');
    await writeFile(
      path,
      [
        `${at(0)} stdout F line one`,
        `${at(1)} stderr F oops`,
        `${at(2)} stdout P par`,
        `${at(3)} stdout F tial`,
        `${at(4)} stdout F last`,
        '',
      ].join('\n'),
    );
  });
  afterEach(() => dir.cleanup());

  it('returns the content of every record, joining partial records into one line', async () => {
    expect(await readAll(path)).toBe('line one\noops\npartial\nlast\n');
  });

  it('prefixes each line with its fixed-width RFC3339Nano timestamp', async () => {
    const lines = (await readAll(path, { timestamps: true })).split('\n');
    expect(lines[0]).toBe('2024-05-06T07:08:09.000000000Z line one');
    expect(lines[2]).toBe('2024-05-06T07:08:11.000000000Z partial');
  });

  it('starts at the last N lines, counting a partial record and its end as one line', async () => {
    expect(await readAll(path, { tailLines: 2 })).toBe('partial\nlast\n');
    expect(await readAll(path, { tailLines: 3 })).toBe('oops\npartial\nlast\n');
    expect(await readAll(path, { tailLines: 0 })).toBe('');
    expect(await readAll(path, { tailLines: 50 })).toBe('line one\noops\npartial\nlast\n');
  });

  it('counts a trailing partial record as a line and ignores a record still being written', async () => {
    await appendFile(path, `${at(5)} stdout P / # \n${at(6)} stdout F incompl`);
    expect(await readAll(path, { tailLines: 1 })).toBe('/ # ');
    expect(await readAll(path, { tailLines: 2 })).toBe('last\n/ # ');
  });

  it('finds the tail across read blocks in a large file', async () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `${at(i)} stdout F line ${i}\n`).join('');
    await writeFile(path, lines);
    expect(await readAll(path, { tailLines: 3 })).toBe('line 19997\nline 19998\nline 19999\n');
    const file = await open(path, 'r');
    try {
      expect(await findTailStart(file, 20000)).toBe(0);
    } finally {
      await file.close();
    }
  });

  it('keeps only records at or after sinceTime', async () => {
    const sinceTime = new Date(Number((T0 + 3_000_000_000n) / 1_000_000n));
    expect(await readAll(path, { sinceTime })).toBe('tial\nlast\n');
  });

  it('applies sinceSeconds relative to now', async () => {
    const now = nowNanos();
    await writeFile(
      path,
      `${formatTimestamp(now - 60_000_000_000n, false)} stdout F old\n${formatTimestamp(now - 1_000_000_000n, false)} stdout F new\n`,
    );
    expect(await readAll(path, { sinceSeconds: 30 })).toBe('new\n');
  });

  it('cuts the output at limitBytes, mid-line', async () => {
    expect(await readAll(path, { limitBytes: 12 })).toBe('line one\noop');
    expect(await readAll(path, { limitBytes: 12, timestamps: true })).toBe('2024-05-06T0');
  });

  it('selects one stream', async () => {
    expect(await readAll(path, { stream: 'stderr' })).toBe('oops\n');
    expect(await readAll(path, { stream: 'stdout', tailLines: 3 })).toBe('line one\npartial\nlast\n');
  });

  it('fails for a log that does not exist', async () => {
    await expect(readAll(join(dir.path, 'missing.log'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('follows appended output until the container exits, then drains and ends', async () => {
    const followPath = join(dir.path, 'follow.log');
    const writer = await openCriLogWriter(followPath);
    await writer.write('stdout', Buffer.from('before\n'));
    let exit!: () => void;
    const until = new Promise<void>((resolve) => (exit = resolve));
    const received: string[] = [];
    const reading = (async () => {
      for await (const chunk of readContainerLog(followPath, { follow: true, until })) received.push(chunk.toString());
    })();
    await waitUntil(() => received.join('') === 'before\n');
    await writer.write('stdout', Buffer.from('during\n'));
    await waitUntil(() => received.join('').includes('during'));
    await writer.write('stderr', Buffer.from('last words\n'));
    await writer.close();
    exit();
    await reading;
    expect(received.join('')).toBe('before\nduring\nlast words\n');
  });

  it('stops following when its signal aborts', async () => {
    const controller = new AbortController();
    const reading = readAll(path, { follow: true, signal: controller.signal, tailLines: 1 });
    setTimeout(() => controller.abort(), 50);
    expect(await reading).toBe('last\n');
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
