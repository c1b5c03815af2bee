// Go's time.Duration text form, as KubeletConfiguration files and kubelet messages use it ("10s", "4h0m0s").

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds of a Go duration string (`1h2m3.5s`, `300ms`, `-1s`, `0`); throws on anything else. */
export function parseGoDuration(text: string): number {
  const input = text.trim();
  if (input === '0' || input === '+0' || input === '-0') return 0;
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(input);
  if (!match) throw new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let total = 0;
  for (const part of input.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * unitMs[part[2]];
  }
  return match[1] === '-' ? -total : total;
}

/** Go's Duration.String() for a number of milliseconds: `50ms`, `10s`, `1m20s`, `5m0s`, `4h0m0s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return '-' + formatGoDuration(-ms);
  if (ms < 1) return `${trim(ms * 1000)}µs`;
  if (ms < 1000) return `${trim(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = trim((ms % 60_000) / 1000);
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

function trim(value: number): string {
  // Nanosecond precision at most, without trailing zeros, as Go prints fractions.
  return String(Number(value.toFixed(9)));
}
