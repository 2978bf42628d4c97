const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Short relative time for an ISO-8601 timestamp: "just now", "42s ago", "5m ago", "3h ago", "2d ago";
 * timestamps in the future read "in 5m". Returns "unknown" for missing or unparsable input.
 */
export function formatRelativeTime(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) {
    return 'unknown';
  }
  const at = Date.parse(iso);
  if (Number.isNaN(at)) {
    return 'unknown';
  }
  const deltaSeconds = Math.round((now - at) / 1000);
  const abs = Math.abs(deltaSeconds);
  if (abs < 5) {
    return 'just now';
  }
  const amount = compact(abs);
  return deltaSeconds > 0 ? `${amount} ago` : `in ${amount}`;
}

function compact(seconds: number): string {
  if (seconds < MINUTE) {
    return `${seconds}s`;
  }
  if (seconds < HOUR) {
    return `${Math.floor(seconds / MINUTE)}m`;
  }
  if (seconds < DAY) {
    return `${Math.floor(seconds / HOUR)}h`;
  }
  return `${Math.floor(seconds / DAY)}d`;
}

/** Uptime with the two most significant units: "45s", "3m 12s", "2h 5m", "4d 1h". */
export function formatUptime(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) {
    return 'unknown';
  }
  const s = Math.floor(totalSeconds);
  const days = Math.floor(s / DAY);
  const hours = Math.floor((s % DAY) / HOUR);
  const minutes = Math.floor((s % HOUR) / MINUTE);
  const seconds = s % MINUTE;
  if (days > 0) {
    return `${days}d ${hours}h`;
  }
  if (hours > 0) {
    return `${hours}h ${minutes}m`;
  }
  if (minutes > 0) {
    return `${minutes}m ${seconds}s`;
  }
  return `${seconds}s`;
}
