import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logRecords, runtimeFixture, testPod, waitForLog, watchOutput } from '../testing.ts';

describe('hubspoke/logger', () => {
  let fixture: Awaited<ReturnType<typeof runtimeFixture>>;
  beforeEach(async () => (fixture = await runtimeFixture(testPod(20, 'logger-pod'))));
  afterEach(() => fixture.cleanup());

  it('writes numbered, timestamped lines every INTERVAL_MS with every 5th on stderr', async () => {
    const handle = await fixture.start({ image: 'hubspoke/logger', env: { INTERVAL_MS: '5' } });
    await watchOutput(handle).waitFor(/^6 /m);
    await handle.stop(1000);
    const records = await logRecords(handle);
    expect(records[0]).toMatch(/^stdout F 1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z hello from logger-pod$/);
    expect(records[4]).toMatch(/^stderr F 5 \S+ hello from logger-pod$/);
    expect(records.slice(0, 6).filter((r) => r.startsWith('stderr'))).toHaveLength(1);
  });

  it('takes its text from args', async () => {
    const handle = await fixture.start({ image: 'hubspoke/logger', args: ['tick', 'tock'], env: { INTERVAL_MS: '60000' } });
    expect((await waitForLog(handle, /^stdout F 1 \S+ (.*)$/))[1]).toBe('tick tock');
  });

  it('exits 0 on SIGTERM, saying so', async () => {
    const handle = await fixture.start({ image: 'hubspoke/logger', env: { INTERVAL_MS: '60000' } });
    expect(await handle.stop(10_000)).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect((await logRecords(handle)).at(-1)).toBe('stdout F received SIGTERM, exiting');
  });
});
