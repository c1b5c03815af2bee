import { describe, expect, it } from 'vitest';
import { stopOnSignals } from './signals.ts';

function logger() {
  const lines: string[] = [];
  return { lines, info: (_: object, msg: string) => void lines.push(`info ${msg}`), error: (_: object, msg: string) => void lines.push(`error ${msg}`) };
}

describe('stopOnSignals', () => {
  it('stops once on the first signal and exits 0', async () => {
    const log = logger();
    let stops = 0;
    const codes: number[] = [];
    const shutdown = stopOnSignals({ component: 'demo', logger: log, stop: async () => void stops++, exit: (c) => void codes.push(c) });
    shutdown('SIGTERM');
    shutdown('SIGINT');
    await new Promise((r) => setImmediate(r));
    expect({ stops, codes, lines: log.lines }).toEqual({ stops: 1, codes: [0], lines: ['info Shutting down demo'] });
  });

  it('exits 1 and says so when stopping fails', async () => {
    const log = logger();
    const codes: number[] = [];
    stopOnSignals({ component: 'demo', logger: log, stop: () => Promise.reject(new Error('stuck')), exit: (c) => void codes.push(c) })('SIGINT');
    await new Promise((r) => setImmediate(r));
    expect({ codes, lines: log.lines }).toEqual({ codes: [1], lines: ['info Shutting down demo', 'error demo did not stop cleanly'] });
  });
});
