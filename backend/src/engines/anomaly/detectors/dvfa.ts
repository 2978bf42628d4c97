/**
 * Dual-vigilance fuzzy ART (DVFA) as ARTime uses it: the "compacted" DVFA of ARTimeNAB.jl
 * (`src/AdaptiveResonanceCompact.jl`, itself derived from AdaptiveResonance.jl, MIT), over complement-coded
 * feature vectors. Categories are hyper-boxes; activation M = (|x ∧ w|/|w|)³ · e², where e is the "energy"
 * similarity of the newest value (the last feature and its complement). Categories with M ≥ ρ_ub learn by fast
 * commit (w ← x ∧ w); otherwise the best category with M ≥ ρ_lb spawns a new category of its cluster; otherwise
 * a new cluster is made and −1 is returned: the anomaly candidate.
 *
 * Differences from the original: weights are float32 (a snapshot restores bit-identically), and memory is bounded:
 * at `maxCategories` no category is added (a mismatch is still reported and existing categories keep learning).
 * Forgetting the least recently used category instead scored 2.5–3 points lower on NAB (old shapes came back as
 * "new"); the default cap (128, in `artime.ts`) scored within noise of no cap there.
 */

export interface DvfaState {
  rhoLb: number;
  rhoUb: number;
  clusters: number;
  lastA: number;
  lastAe: number;
  labels: number[];
  /** Category weights, row-major, as base64 of little-endian float32 (compact in JSON). */
  weights: string;
}

export class Dvfa {
  rhoLb = 0;
  rhoUb = 0;
  /** Category weights, row-major: category j at [j·dim, (j+1)·dim). */
  private w: Float32Array;
  private wNorm: Float64Array;
  private labels: number[] = [];
  n = 0;
  private clusters = 0;
  private m: Float64Array;
  private me: Float64Array;
  private readonly x: Float64Array;
  /** Activation and energy similarity of the best category for the last sample (A, Ae of the original). */
  lastA = 0;
  lastAe = 0;

  constructor(
    readonly dim: number,
    private readonly maxCategories: number
  ) {
    const cap = Math.min(64, maxCategories);
    this.w = new Float32Array(cap * dim);
    this.wNorm = new Float64Array(cap);
    this.m = new Float64Array(cap);
    this.me = new Float64Array(cap);
    this.x = new Float64Array(dim);
  }

  private grow(): void {
    const cap = Math.min(this.maxCategories, this.wNorm.length * 2);
    const w = new Float32Array(cap * this.dim);
    w.set(this.w);
    this.w = w;
    const wn = new Float64Array(cap);
    wn.set(this.wNorm);
    this.wNorm = wn;
    this.m = new Float64Array(cap);
    this.me = new Float64Array(cap);
  }

  private add(sample: Float64Array | null, label: number): void {
    if (this.n >= this.maxCategories) {
      return; // at the cap no category is added; a mismatch is still reported, and existing categories still learn
    }
    if (this.n === this.wNorm.length) {
      this.grow();
    }
    const slot = this.n;
    const base = slot * this.dim;
    for (let k = 0; k < this.dim; k++) {
      this.w[base + k] = sample ? sample[k]! : 1;
    }
    this.wNorm[slot] = this.normOf(slot);
    this.labels.push(label);
    this.n++;
  }

  /**
   * One sample (features in [0, 1], not complement-coded): the label of the resonant category, or −1 when none
   * resonated (a new cluster was made, when learning). The best activation is in lastA/lastAe.
   */
  train(f: Float64Array, learning: boolean): number {
    const half = f.length;
    const x = this.x;
    for (let k = 0; k < half; k++) {
      x[k] = f[k]!;
      x[half + k] = 1 - f[k]!;
    }
    if (this.n === 0) {
      // The original's first category is all ones, and the first sample is not learned.
      this.add(null, 1);
      this.clusters = 1;
      this.lastA = 0;
      this.lastAe = 0;
      return 1;
    }
    const dim = this.dim;
    const ei = half - 1;
    const ee = dim - 1;
    const w = this.w;
    for (let j = 0; j < this.n; j++) {
      const base = j * dim;
      let num = 0;
      for (let k = 0; k < dim; k++) {
        const wk = w[base + k]!;
        const xk = x[k]!;
        num += xk < wk ? xk : wk;
      }
      const nW = this.wNorm[j]! === 0 ? 0.001 : this.wNorm[j]!;
      const fs = num / nW;
      const wE1 = w[base + ei]!;
      const wE2 = w[base + ee]!;
      const em = Math.min(x[ei]!, wE1) + Math.min(x[ee]!, wE2);
      // 0/0 (a category that has seen both extremes of the newest value) counts as no energy match.
      const es = wE1 + wE2 > 0 ? em / (wE1 + wE2) : 0;
      this.m[j] = fs * fs * fs * es * es;
      this.me[j] = es;
    }
    // The original sorts by activation and walks down: every category at or above ρ_ub learns (the best names the
    // label); otherwise the best, if at or above ρ_lb, spawns a category of its cluster. No sort is needed for that.
    let best = 0;
    for (let j = 1; j < this.n; j++) {
      if (this.m[j]! > this.m[best]!) {
        best = j;
      }
    }
    const maxA = this.m[best]! > 0 ? this.m[best]! : 0;
    const maxAe = this.m[best]! > 0 ? this.me[best]! : 0;
    let mismatch = true;
    let label = -1;
    if (learning) {
      if (maxA >= this.rhoUb) {
        for (let j = 0; j < this.n; j++) {
          if (this.m[j]! >= this.rhoUb) {
            this.commit(j, x);
          }
        }
        label = this.labels[best]!;
        mismatch = false;
      } else if (maxA >= this.rhoLb) {
        label = this.labels[best]!;
        this.add(x, label);
        mismatch = false;
      }
    }
    this.lastA = maxA;
    this.lastAe = maxAe;
    if (mismatch && learning) {
      label = -1;
      this.clusters++;
      this.add(x, this.clusters);
    }
    return label;
  }

  /**
   * Maps feature dimensions [from, to) from u to a·u + b (a ≥ 0): a category's box [w_k, 1 − w_{k+half}] maps to
   * [a·w_k + b, a·(1 − w_{k+half}) + b], so what was learned survives a change of scale. The uncommitted all-ones
   * category stays as it is.
   */
  remap(from: number, to: number, a: number, b: number): void {
    const half = this.dim / 2;
    const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
    for (let j = 0; j < this.n; j++) {
      const base = j * this.dim;
      if (this.wNorm[j] === this.dim) {
        continue;
      }
      for (let k = from; k < to; k++) {
        const lo = this.w[base + k]!;
        const hi = 1 - this.w[base + half + k]!;
        this.w[base + k] = clamp(a * lo + b);
        this.w[base + half + k] = clamp(1 - (a * hi + b));
      }
      this.wNorm[j] = this.normOf(j);
    }
  }

  /** Fast commit: w ← x ∧ w. */
  private commit(j: number, x: Float64Array): void {
    const base = j * this.dim;
    for (let k = 0; k < this.dim; k++) {
      this.w[base + k] = Math.min(x[k]!, this.w[base + k]!);
    }
    this.wNorm[j] = this.normOf(j);
  }

  /** |w_j|₁ of the stored (float32) weights. */
  private normOf(j: number): number {
    const base = j * this.dim;
    let norm = 0;
    for (let k = 0; k < this.dim; k++) {
      norm += this.w[base + k]!;
    }
    return norm;
  }

  snapshot(): DvfaState {
    const f32 = this.w.slice(0, this.n * this.dim);
    return {
      rhoLb: this.rhoLb,
      rhoUb: this.rhoUb,
      clusters: this.clusters,
      lastA: this.lastA,
      lastAe: this.lastAe,
      labels: [...this.labels],
      weights: Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64'),
    };
  }

  /** Restores a snapshot; throws naming the field when it does not fit this DVFA. */
  restore(s: DvfaState): void {
    const fail = (field: string, why: string): never => {
      throw new Error(`detector state: art.${field} ${why}`);
    };
    for (const k of ['rhoLb', 'rhoUb', 'clusters', 'lastA', 'lastAe'] as const) {
      if (typeof s?.[k] !== 'number' || !Number.isFinite(s[k])) {
        fail(k, 'must be a finite number');
      }
    }
    if (!Array.isArray(s.labels) || s.labels.length > this.maxCategories) {
      fail('labels', `must be an array of at most ${this.maxCategories} numbers`);
    }
    const n = s.labels.length;
    if (!s.labels.every((l) => typeof l === 'number' && Number.isFinite(l))) {
      fail('labels', 'must hold finite numbers');
    }
    if (typeof s.weights !== 'string') {
      fail('weights', 'must be a base64 string');
    }
    const bytes = Buffer.from(s.weights, 'base64');
    if (bytes.length !== n * this.dim * 4) {
      fail('weights', `must hold ${n}×${this.dim} float32 values`);
    }
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    const f32 = new Float32Array(copy.buffer);
    while (this.wNorm.length < n) {
      this.grow();
    }
    this.n = n;
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < this.dim; k++) {
        const v = f32[j * this.dim + k]!;
        if (!(v >= 0 && v <= 1)) {
          fail('weights', 'must lie in [0, 1]');
        }
        this.w[j * this.dim + k] = v;
      }
      this.wNorm[j] = this.normOf(j);
    }
    this.labels = [...s.labels];
    this.rhoLb = s.rhoLb;
    this.rhoUb = s.rhoUb;
    this.clusters = s.clusters;
    this.lastA = s.lastA;
    this.lastAe = s.lastAe;
  }
}
