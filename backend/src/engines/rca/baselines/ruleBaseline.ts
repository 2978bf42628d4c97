/**
 * The rule-based baseline of the Nezha data README, for any source: per service, the number of its metric series
 * with an incident sample beyond 3σ of the fault-free window, the share of its incident spans slower than 3× their
 * operation's fault-free p95, and its error-keyword log lines; each normalised by its largest value across
 * services, summed. Evidence a source lacks (spans, logs) adds nothing.
 */
import { quantile, splitWindow } from '../metricChange.ts';
import { byScore, type BaselineInput, type ScoredService } from './types.ts';

const ERROR_KEYWORDS = /error|exception|fail/i;

export function ruleBaselineRanking(input: BaselineInput): ScoredService[] {
  const metricFlags = new Map<string, number>();
  for (const s of input.metrics) {
    const { base, inc } = splitWindow(s, input.window);
    if (base.length < 5 || inc.length === 0) {
      continue;
    }
    const mean = base.reduce((a, b) => a + b, 0) / base.length;
    const sd = Math.sqrt(base.reduce((a, b) => a + (b - mean) ** 2, 0) / base.length);
    const flagged = sd > 0 && inc.some((v) => Math.abs(v - mean) > 3 * sd) ? 1 : 0;
    metricFlags.set(s.service, (metricFlags.get(s.service) ?? 0) + flagged);
  }
  const slowShare = new Map<string, number>();
  if (input.spans) {
    const byOp = new Map<string, number[]>();
    for (const s of input.spans.baseline) {
      const key = `${s.service}|${s.operation}`;
      const xs = byOp.get(key) ?? [];
      xs.push(s.durationMs);
      byOp.set(key, xs);
    }
    const p95 = new Map(
      [...byOp].map(([k, xs]) => [
        k,
        quantile(
          [...xs].sort((a, b) => a - b),
          0.95
        ),
      ])
    );
    const slow = new Map<string, number>();
    const total = new Map<string, number>();
    for (const s of input.spans.incident) {
      total.set(s.service, (total.get(s.service) ?? 0) + 1);
      const limit = p95.get(`${s.service}|${s.operation}`);
      if (limit !== undefined && s.durationMs > 3 * limit) {
        slow.set(s.service, (slow.get(s.service) ?? 0) + 1);
      }
    }
    for (const [svc, n] of slow) {
      slowShare.set(svc, n / (total.get(svc) ?? 1));
    }
  }
  const errorWords = new Map<string, number>();
  for (const l of input.incidentLogs ?? []) {
    if (ERROR_KEYWORDS.test(l.message)) {
      errorWords.set(l.service, (errorWords.get(l.service) ?? 0) + 1);
    }
  }
  const norm = (m: Map<string, number>) => {
    const max = Math.max(0, ...m.values());
    return (svc: string) => (max > 0 ? (m.get(svc) ?? 0) / max : 0);
  };
  const [a, b, e] = [norm(metricFlags), norm(slowShare), norm(errorWords)];
  const services = new Set([...metricFlags.keys(), ...slowShare.keys(), ...errorWords.keys()]);
  return [...services]
    .map((service) => ({ service, score: a(service) + b(service) + e(service) }))
    .filter((x) => x.score > 0)
    .sort(byScore);
}
