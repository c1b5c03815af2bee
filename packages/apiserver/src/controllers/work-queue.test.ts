import { describe, expect, it } from 'vitest';
import { eventually, recordingLogger } from './test-support.ts';
import { WorkQueue } from './work-queue.ts';

describe('WorkQueue', () => {
  it('runs each waiting key once however often it was added', async () => {
    const seen: string[] = [];
    const queue = new WorkQueue({ name: 't', logger: recordingLogger(), handler: async (key) => void seen.push(key) });
    queue.add('a');
    queue.add('b');
    queue.add('a');
    await queue.idle();
    expect(seen).toEqual(['a', 'b']);
    queue.stop();
  });

  it('runs a key again when it is added while being reconciled', async () => {
    let runs = 0;
    const queue: WorkQueue = new WorkQueue({
      name: 't',
      logger: recordingLogger(),
      handler: async (key) => {
        if (++runs === 1) queue.add(key);
      },
    });
    queue.add('a');
    await eventually(() => runs === 2);
    await queue.idle();
    expect(runs).toBe(2);
    queue.stop();
  });

  it('logs a failure and retries the key with backoff until it succeeds', async () => {
    const logger = recordingLogger();
    let attempts = 0;
    const queue = new WorkQueue({
      name: 'flaky',
      logger,
      baseDelayMs: 1,
      handler: async () => {
        if (++attempts < 4) throw new Error('storage hiccup');
      },
    });
    queue.add('x');
    await eventually(() => attempts === 4);
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(3);
    expect(warnings.map((w) => (w.fields as { delayMs: number }).delayMs)).toEqual([1, 2, 4]);
    expect(warnings[0].fields).toMatchObject({ controller: 'flaky', key: 'x', attempt: 1 });
    queue.stop();
  });

  it('does nothing after stop', async () => {
    let runs = 0;
    const queue = new WorkQueue({ name: 't', logger: recordingLogger(), handler: async () => void runs++ });
    queue.addAfter('later', 1);
    queue.stop();
    queue.add('now');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runs).toBe(0);
    expect(queue.size).toBe(0);
  });
});
