// Kubernetes' age format (apimachinery util/duration.HumanDuration): about two significant figures, so
// `kubectl get` columns stay narrow. The thresholds are Kubernetes' own; values are truncated, not rounded.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration in milliseconds as `5s`, `3m12s`, `25m`, `5h3m`, `2d3h`, `45d`, `3y40d`, `10y`; `<invalid>` below -1s. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  // Two seconds of clock skew between machines still reads as "now".
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  const days = Math.trunc(ms / DAY);
  if (hours < 24 * 365 * 2) return `${days}d`;
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    const years = Math.trunc(days / 365);
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${Math.trunc(days / 365)}y`;
}

/** The age column's text for an RFC 3339 timestamp (`<unknown>` when absent or unparsable). */
export function ageSince(timestamp: string | undefined | null, now: Date): string {
  if (!timestamp) return '<unknown>';
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return '<unknown>';
  return humanDuration(now.getTime() - at);
}
