import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logRecords, runtimeFixture, testPod } from '../testing.ts';

describe('hubspoke/exit', () => {
  let fixture: Awaited<ReturnType<typeof runtimeFixture>>;
  beforeEach(async () => (fixture = await runtimeFixture(testPod(21, 'exit-pod'))));
  afterEach(() => fixture.cleanup());

  it('exits 0 by default after writing a line', async () => {
    const handle = await fixture.start({ image: 'hubspoke/exit' });
    expect(await handle.exited).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(await logRecords(handle)).toEqual(['stdout F exiting with code 0 after 0 ms (attempt 0)']);
  });

  it('exits with EXIT_CODE after DELAY_MS, once per attempt', async () => {
    for (const attempt of [0, 1]) {
      const begun = Date.now();
      const handle = await fixture.start({ name: 'crashy', image: 'hubspoke/exit', env: { EXIT_CODE: '3', DELAY_MS: '50' } }, attempt);
      expect(await handle.exited).toMatchObject({ exitCode: 3, reason: 'Error' });
      expect(Date.now() - begun).toBeGreaterThanOrEqual(45);
      expect(handle.restartCount).toBe(attempt);
      expect((await logRecords(handle))[0]).toContain(`(attempt ${attempt})`);
    }
  });

  it('is ended by SIGTERM with 143', async () => {
    const handle = await fixture.start({ image: 'hubspoke/exit', env: { DELAY_MS: '60000' } });
    expect(await handle.stop(30_000)).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });
  });
});
