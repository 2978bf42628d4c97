/** Unix-nanosecond timestamps as Loki and Tempo send them: decimal strings, too wide for a JS number. */

/** Unix ms → unix ns decimal string. */
export function msToNs(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

/** Unix ns (a decimal integer string; throws otherwise) → unix ms with sub-ms fraction. */
export function nsToMs(ns: string): number {
  return Number(BigInt(ns) / 1_000_000n) + Number(BigInt(ns) % 1_000_000n) / 1e6;
}
