/**
 * Bounded buffers for the residual detector: a ring of numbers, a window that keeps a sorted copy for O(log n)
 * median and MAD, and the autocorrelation used to detect a seasonal period.
 */
/** Fixed-capacity ring buffer of numbers. */
export class Ring {
  private readonly buf: Float64Array;
  private start = 0;
  size = 0;
  constructor(readonly capacity: number) {
    this.buf = new Float64Array(capacity);
  }
  /** Pushes x; returns the evicted value, or undefined. */
  push(x: number): number | undefined {
    if (this.size < this.capacity) {
      this.buf[(this.start + this.size) % this.capacity] = x;
      this.size++;
      return undefined;
    }
    const old = this.buf[this.start]!;
    this.buf[this.start] = x;
    this.start = (this.start + 1) % this.capacity;
    return old;
  }
  clear(): void {
    this.start = 0;
    this.size = 0;
  }
  /** Contents oldest first. */
  values(): number[] {
    const out = new Array<number>(this.size);
    for (let i = 0; i < this.size; i++) {
      out[i] = this.at(i);
    }
    return out;
  }
  /** k-th most recent value (0 = newest). */
  back(k: number): number {
    return this.buf[(this.start + this.size - 1 - k) % this.capacity]!;
  }
  /** i-th oldest value (0 = oldest). */
  at(i: number): number {
    return this.buf[(this.start + i) % this.capacity]!;
  }
}

/** Bounded window that keeps a sorted copy for medians. */
export class SortedWindow {
  private readonly ring: Ring;
  private readonly sorted: number[] = [];
  constructor(capacity: number) {
    this.ring = new Ring(capacity);
  }
  get size(): number {
    return this.sorted.length;
  }
  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
  push(x: number): void {
    const old = this.ring.push(x);
    if (old !== undefined) {
      this.sorted.splice(this.lowerBound(old), 1);
    }
    this.sorted.splice(this.lowerBound(x), 0, x);
  }
  clear(): void {
    this.ring.clear();
    this.sorted.length = 0;
  }
  /** Contents in arrival order, oldest first (the sorted copy is rebuilt from them). */
  values(): number[] {
    return this.ring.values();
  }
  median(): number {
    return medianOfSorted(this.sorted, this.sorted.length);
  }
  /**
   * Median absolute deviation from m in O(log n): the deviations are two sorted runs (m − x below m, read
   * outwards, and x − m from m up), so their median is a k-th smallest of two sorted arrays. Exactly the value a
   * full sort of |x − m| gives (m − x and x − m are the same doubles as |x − m|).
   */
  mad(m: number): number {
    const n = this.sorted.length;
    if (n === 0) {
      return 0;
    }
    const h = n >> 1;
    const pos = this.lowerBound(m);
    return n % 2 === 1
      ? this.kthDeviation(h, m, pos)
      : 0.5 * (this.kthDeviation(h - 1, m, pos) + this.kthDeviation(h, m, pos));
  }
  /** k-th smallest (0-based) deviation: A[i] = m − sorted[pos−1−i] (i < pos), B[j] = sorted[pos+j] − m. */
  private kthDeviation(k: number, m: number, pos: number): number {
    const s = this.sorted;
    const na = pos;
    const nb = s.length - pos;
    // i = how many of the k+1 smallest come from A: the first i with A[i] ≥ B[k−i].
    let lo = Math.max(0, k + 1 - nb);
    let hi = Math.min(k + 1, na);
    while (lo < hi) {
      const i = (lo + hi) >> 1;
      if (m - s[pos - 1 - i]! < s[pos + k - i]! - m) {
        lo = i + 1;
      } else {
        hi = i;
      }
    }
    const j = k + 1 - lo;
    const fromA = lo > 0 ? m - s[pos - lo]! : -Infinity;
    const fromB = j > 0 ? s[pos + j - 1]! - m : -Infinity;
    return fromA > fromB ? fromA : fromB;
  }
  /** Mean absolute deviation from m (the fallback scale when the MAD is 0), O(n) but only then. */
  meanAbs(m: number): number {
    const n = this.sorted.length;
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += Math.abs(this.sorted[i]! - m);
    }
    return n === 0 ? 0 : s / n;
  }
}

export function medianOfSorted(a: ArrayLike<number>, n: number): number {
  if (n === 0) {
    return 0;
  }
  const h = n >> 1;
  return n % 2 === 1 ? a[h]! : 0.5 * (a[h - 1]! + a[h]!);
}

export function autocorrelation(r: Ring, lag: number): number {
  const n = r.size;
  if (n < 2 * lag) {
    return 0;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) {
    mean += r.at(i);
  }
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = r.at(i) - mean;
    den += d * d;
    if (i >= lag) {
      num += d * (r.at(i - lag) - mean);
    }
  }
  return den === 0 ? 0 : num / (n - lag) / (den / n);
}
