/**
 * Grafana units from Prometheus metric names, by the naming conventions Prometheus documents (base units as a
 * suffix: `_seconds`, `_bytes`, `_ratio`, …), so a forecast or anomaly chart of a latency reads "250 ms" rather
 * than "0.25". Used only when the field config sets no unit; a user's unit always wins.
 */
const SUFFIX_UNITS: ReadonlyArray<[RegExp, string]> = [
  [/_seconds(_total)?$/, 's'],
  [/_milliseconds(_total)?$/, 'ms'],
  [/_bytes(_total)?$/, 'bytes'],
  [/_ratio$/, 'percentunit'],
  [/_percent$/, 'percent'],
  [/_celsius$/, 'celsius'],
  [/_(request_rate|requests_per_second|rps)$/, 'reqps'],
];

/** The unit a metric name implies, or `undefined` when it implies none. */
export function unitForMetric(metric: string | undefined): string | undefined {
  if (!metric) {
    return undefined;
  }
  return SUFFIX_UNITS.find(([pattern]) => pattern.test(metric))?.[1];
}
