/**
 * Bounded per-series history for the simulator: one shared ring of tick times, one Float64Array ring per
 * series (NaN where the series had no value at that tick, e.g. a pod that did not exist yet).
 */
import { RE2JS } from 're2js';
import type { MetricSeries } from '../telemetry/types.ts';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  label: string;
  op: MatchOp;
  value: string;
}

/** A compiled label matcher pattern: `test` is a full match. */
export interface LabelRegex {
  test(value: string): boolean;
}

const regexCache = new Map<string, LabelRegex>();

/**
 * Prometheus regex matchers are fully anchored and use Go's RE2 syntax, matched in linear time. So are these
 * (re2js, a port of RE2): a pattern such as `(.*.*)*X` cannot hang the event loop the way a backtracking
 * engine would. Throws on an invalid pattern.
 */
export function anchoredRegex(pattern: string): LabelRegex {
  let re = regexCache.get(pattern);
  if (!re) {
    const compiled = RE2JS.compile(pattern, RE2JS.DOTALL);
    re = { test: (value: string) => compiled.matches(value) };
    if (regexCache.size > 1000) {
      regexCache.clear();
    }
    regexCache.set(pattern, re);
  }
  return re;
}

export function matchesLabel(value: string | undefined, m: LabelMatcher): boolean {
  const v = value ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchoredRegex(m.value).test(v);
    case '!~':
      return !anchoredRegex(m.value).test(v);
  }
}

export function matchesAll(labels: Record<string, string>, matchers: readonly LabelMatcher[]): boolean {
  for (const m of matchers) {
    if (!matchesLabel(labels[m.label], m)) {
      return false;
    }
  }
  return true;
}

export interface StoredSeries {
  key: string;
  name: string;
  /** Labels including __name__ excluded; callers add it when they need it. */
  labels: Record<string, string>;
  values: Float64Array;
  lastTick: number;
}

export function seriesKey(name: string, labels: Record<string, string>): string {
  let key = name;
  for (const k of Object.keys(labels).sort()) {
    key += `\u0000${k}\u0001${labels[k]}`;
  }
  return key;
}

export class MetricHistory {
  readonly capacity: number;
  private readonly times: Float64Array;
  private readonly byKey = new Map<string, StoredSeries>();
  private readonly byName = new Map<string, Set<StoredSeries>>();
  /** Number of ticks recorded so far; the current tick is tickCount − 1. */
  private tickCount = 0;

  constructor(capacity: number) {
    if (!(capacity >= 2)) {
      throw new Error('MetricHistory: capacity must be >= 2');
    }
    this.capacity = Math.floor(capacity);
    this.times = new Float64Array(this.capacity);
  }

  get ticks(): number {
    return this.tickCount;
  }

  /** Oldest retained tick index. */
  get firstTick(): number {
    return Math.max(0, this.tickCount - this.capacity);
  }

  timeOf(tick: number): number {
    return this.times[tick % this.capacity] as number;
  }

  /** Opens a new tick at `timeMs`: every series gets NaN there until written. */
  beginTick(timeMs: number): void {
    const idx = this.tickCount % this.capacity;
    this.times[idx] = timeMs;
    const stale = this.tickCount - this.capacity;
    for (const s of this.byKey.values()) {
      s.values[idx] = NaN;
      if (s.lastTick <= stale) {
        this.drop(s);
      }
    }
    this.tickCount++;
  }

  private drop(s: StoredSeries): void {
    this.byKey.delete(s.key);
    const set = this.byName.get(s.name);
    if (set) {
      set.delete(s);
      if (set.size === 0) {
        this.byName.delete(s.name);
      }
    }
  }

  /** Writes a value for the current tick, creating the series if needed. */
  write(key: string, name: string, labels: Record<string, string>, value: number): void {
    if (this.tickCount === 0) {
      throw new Error('MetricHistory.write before beginTick');
    }
    let s = this.byKey.get(key);
    if (!s) {
      s = { key, name, labels: { ...labels }, values: new Float64Array(this.capacity).fill(NaN), lastTick: -1 };
      this.byKey.set(key, s);
      let set = this.byName.get(name);
      if (!set) {
        this.byName.set(name, (set = new Set()));
      }
      set.add(s);
    }
    const tick = this.tickCount - 1;
    s.values[tick % this.capacity] = value;
    s.lastTick = tick;
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** Series whose name is `name` (or any name when undefined) and whose labels match. */
  find(name: string | undefined, matchers: readonly LabelMatcher[]): StoredSeries[] {
    const out: StoredSeries[] = [];
    const pools = name === undefined ? [...this.byName.values()] : [this.byName.get(name) ?? new Set<StoredSeries>()];
    for (const pool of pools) {
      for (const s of pool) {
        if (matchesAll({ ...s.labels, __name__: s.name }, matchers)) {
          out.push(s);
        }
      }
    }
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  /** Tick index range [from, to] whose times fall within [startMs, endMs]; empty when from > to. */
  tickRange(startMs: number, endMs: number): [number, number] {
    let from = this.firstTick;
    let to = this.tickCount - 1;
    if (to < from) {
      return [0, -1];
    }
    // Times are increasing in tick order: binary search both ends.
    let lo = from;
    let hi = to + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.timeOf(mid) < startMs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    from = lo;
    lo = from;
    hi = to + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.timeOf(mid) <= endMs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    to = lo - 1;
    return [from, to];
  }

  valueAt(s: StoredSeries, tick: number): number {
    if (tick < this.firstTick || tick >= this.tickCount) {
      return NaN;
    }
    return s.values[tick % this.capacity] as number;
  }

  /** Raw samples of matching series in [startMs, endMs] (unix-seconds timestamps), NaN gaps skipped. */
  select(name: string | undefined, matchers: readonly LabelMatcher[], startMs: number, endMs: number): MetricSeries[] {
    const [from, to] = this.tickRange(startMs, endMs);
    const out: MetricSeries[] = [];
    for (const s of this.find(name, matchers)) {
      const samples: Array<[number, number]> = [];
      for (let k = from; k <= to; k++) {
        const v = s.values[k % this.capacity] as number;
        if (!Number.isNaN(v)) {
          samples.push([this.timeOf(k) / 1000, v]);
        }
      }
      if (samples.length > 0) {
        out.push({ labels: { __name__: s.name, ...s.labels }, samples });
      }
    }
    return out;
  }
}
