/**
 * Dual-vigilance fuzzy ART (DVFA), bounded and streaming, with a match function for time-series windows.
 *
 * Written from the published descriptions: fuzzy ART with complement coding (G. Carpenter, S. Grossberg,
 * D. Rosen, "Fuzzy ART: fast stable learning and categorization of analog patterns by an adaptive resonance
 * system", Neural Networks 4(6), 1991) and its dual-vigilance form (L. E. Brito da Silva, I. Elnabarawy,
 * D. C. Wunsch II, "Dual vigilance fuzzy adaptive resonance theory", Neural Networks 109, 2019; the distributed
 * variant, Neural Networks 2020), with AdaptiveResonance.jl (MIT, S. Petrenko) read for the DVFA training loop.
 *
 * A category is a hyper-box: complement-coded weights w = (lo, 1 − hi) over the input's coordinates. An input x
 * (values in [0, 1], complement-coded here) is offered to the categories in order of choice T = |x ∧ w| / (α + |w|);
 * the first whose match reaches the lower vigilance decides: at or above the upper vigilance it learns
 * (fast learning, w ← x ∧ w: the box grows to hold x), between the two a new category joins that category's
 * cluster (clusters of boxes take arbitrary shapes), and when none reaches the lower vigilance the input starts a
 * new cluster: it is novel. The first in choice order among those matching ≥ ρ_lb is the one with the highest
 * choice among them, so no sort is needed.
 *
 * The match used here is this project's own: the fuzzy overlap ratio |x ∧ w| / |w| over the shape coordinates,
 * raised to `power` (sharper than the plain ratio near 1), times the similarity of one designated coordinate
 * (`newestIndex`, the window's newest value on an absolute scale): 1 − `newestWeight` · its distance from the
 * category's interval on that coordinate. The newest value matters more than any one shape coordinate.
 *
 * Memory is bounded (`maxCategories`): at the cap nothing new is created (novelty is still reported) and existing
 * categories keep learning. Weights are float32; every state is JSON-exact, so a restored network continues
 * bit-identically.
 */

export interface DvfaOptions {
  /** Input coordinates before complement coding. */
  dim: number;
  /** Most categories kept (default 128). */
  maxCategories?: number;
  /** Choice parameter α > 0 (default 0.001). */
  alpha?: number;
  /** Exponent of the shape overlap ratio in the match (default 3). */
  power?: number;
  /** The coordinate matched by distance rather than overlap (default: none). */
  newestIndex?: number;
  /** Weight of the newest coordinate's distance in the match (default 1). */
  newestWeight?: number;
}

export type DvfaOutcome = 'learned' | 'category' | 'cluster' | 'full';

export interface DvfaResult {
  /**
   * What the network did: learned into a category, a new category in a cluster, a new cluster, or — at the category
   * cap — learned into the chosen category instead of a new one in its cluster (`full`, not novel) or nothing
   * (`full`, novel).
   */
  outcome: DvfaOutcome;
  /** The highest match over all categories before learning (0 for an empty network). */
  bestMatch: number;
  /** True when no category matched at or above the lower vigilance. */
  novel: boolean;
}

export interface DvfaState {
  dim: number;
  rhoUb: number;
  rhoLb: number;
  clusters: number;
  /** Cluster of each category. */
  labels: number[];
  /** Complement-coded weights, category after category (float32 values). */
  weights: number[];
}

const fail = (field: string, why: string): never => {
  throw new Error(`dvfa state: ${field} ${why}`);
};

export class Dvfa {
  readonly dim: number;
  readonly maxCategories: number;
  private readonly alpha: number;
  private readonly power: number;
  private readonly newestIndex: number;
  private readonly newestWeight: number;
  /** Upper vigilance: a category matching at or above it learns the input. */
  rhoUb = 0.9;
  /** Lower vigilance: below it for every category, the input is novel. */
  rhoLb = 0.8;
  private count = 0;
  private clusters = 0;
  private labels: Int32Array;
  private weights: Float32Array;
  private readonly coded: Float32Array;
  private readonly matches: Float64Array;
  private readonly choices: Float64Array;

  constructor(options: DvfaOptions) {
    const { dim } = options;
    if (!(Number.isInteger(dim) && dim > 0)) {
      throw new Error(`dvfa: dim must be a positive integer, got ${String(dim)}`);
    }
    this.dim = dim;
    this.maxCategories = options.maxCategories ?? 128;
    this.alpha = options.alpha ?? 1e-3;
    this.power = options.power ?? 3;
    this.newestIndex = options.newestIndex ?? -1;
    this.newestWeight = options.newestWeight ?? 1;
    if (!(Number.isInteger(this.maxCategories) && this.maxCategories > 0)) {
      throw new Error(`dvfa: maxCategories must be a positive integer, got ${this.maxCategories}`);
    }
    this.labels = new Int32Array(this.maxCategories);
    this.weights = new Float32Array(this.maxCategories * 2 * dim);
    this.coded = new Float32Array(2 * dim);
    this.matches = new Float64Array(this.maxCategories);
    this.choices = new Float64Array(this.maxCategories);
  }

  categories(): number {
    return this.count;
  }

  clusterCount(): number {
    return this.clusters;
  }

  /** Complement-codes x (clamped to [0, 1]) into the scratch input. */
  private code(x: ArrayLike<number>): void {
    const d = this.dim;
    for (let i = 0; i < d; i++) {
      const v = x[i]!;
      const c = v < 0 ? 0 : v > 1 ? 1 : v;
      this.coded[i] = c;
      this.coded[d + i] = 1 - c;
    }
  }

  /** Match and choice of the coded input against category j (into the scratch arrays). */
  private evaluate(j: number): void {
    const d = this.dim;
    const w = this.weights;
    const x = this.coded;
    const base = j * 2 * d;
    const k = this.newestIndex;
    let overlap = 0;
    let size = 0;
    let shapeOverlap = 0;
    let shapeSize = 0;
    for (let i = 0; i < d; i++) {
      const lo = w[base + i]!;
      const hiC = w[base + d + i]!;
      const a = x[i]! < lo ? x[i]! : lo;
      const b = x[d + i]! < hiC ? x[d + i]! : hiC;
      overlap += a + b;
      size += lo + hiC;
      if (i !== k) {
        shapeOverlap += a + b;
        shapeSize += lo + hiC;
      }
    }
    this.choices[j] = overlap / (this.alpha + size);
    let match = shapeSize > 0 ? shapeOverlap / shapeSize : 1;
    match = this.power === 3 ? match * match * match : Math.pow(match, this.power);
    if (k >= 0) {
      const v = x[k]!;
      const lo = w[base + k]!;
      const hi = 1 - w[base + d + k]!;
      const dist = v < lo ? lo - v : v > hi ? v - hi : 0;
      const sim = 1 - this.newestWeight * dist;
      match *= sim > 0 ? sim : 0;
    }
    this.matches[j] = match;
  }

  /** The highest match of x over the categories, without learning (0 for an empty network). */
  bestMatch(x: ArrayLike<number>): number {
    this.code(x);
    let best = 0;
    for (let j = 0; j < this.count; j++) {
      this.evaluate(j);
      if (this.matches[j]! > best) {
        best = this.matches[j]!;
      }
    }
    return best;
  }

  /** The match of x against the category that takes it (as `present` would), without learning. */
  private place(): { best: number; chosen: number } {
    let best = 0;
    let chosen = -1;
    for (let j = 0; j < this.count; j++) {
      this.evaluate(j);
      const m = this.matches[j]!;
      if (m > best) {
        best = m;
      }
      if (m >= this.rhoLb && (chosen < 0 || this.choices[j]! > this.choices[chosen]!)) {
        chosen = j;
      }
    }
    return { best, chosen };
  }

  /** One DVFA step: offer x, learn or create, say what happened. */
  present(x: ArrayLike<number>): DvfaResult {
    this.code(x);
    const { best, chosen } = this.place();
    if (chosen >= 0 && this.matches[chosen]! >= this.rhoUb) {
      this.learn(chosen);
      return { outcome: 'learned', bestMatch: best, novel: false };
    }
    if (chosen >= 0) {
      if (this.create(this.labels[chosen]!)) {
        return { outcome: 'category', bestMatch: best, novel: false };
      }
      // At the cap the category that would have grown a neighbour learns the input instead: memory stays bounded
      // and the network keeps adapting.
      this.learn(chosen);
      return { outcome: 'full', bestMatch: best, novel: false };
    }
    const created = this.create(this.clusters);
    if (created) {
      this.clusters++;
    }
    return { outcome: created ? 'cluster' : 'full', bestMatch: best, novel: true };
  }

  /**
   * The match of x against the category `present` would have learned into or grown from, or -1 when x is novel
   * (used to measure how typical the inputs are).
   */
  placedMatch(x: ArrayLike<number>): number {
    this.code(x);
    const { chosen } = this.place();
    return chosen >= 0 ? this.matches[chosen]! : -1;
  }

  private learn(j: number): void {
    const n = 2 * this.dim;
    const base = j * n;
    for (let i = 0; i < n; i++) {
      if (this.coded[i]! < this.weights[base + i]!) {
        this.weights[base + i] = this.coded[i]!;
      }
    }
  }

  private create(label: number): boolean {
    if (this.count >= this.maxCategories) {
      return false;
    }
    this.weights.set(this.coded, this.count * 2 * this.dim);
    this.labels[this.count] = label;
    this.count++;
    return true;
  }

  /**
   * Maps coordinate `index` of every category by v ↦ scale·v + offset (scale > 0): a box maps to a box, so what was
   * learned survives a change of that coordinate's scale. Bounds are clamped to [0, 1].
   */
  remapCoordinate(index: number, scale: number, offset: number): void {
    if (!(scale > 0)) {
      throw new Error(`dvfa: remap scale must be positive, got ${scale}`);
    }
    const d = this.dim;
    const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
    for (let j = 0; j < this.count; j++) {
      const base = j * 2 * d;
      const lo = this.weights[base + index]!;
      const hi = 1 - this.weights[base + d + index]!;
      this.weights[base + index] = clamp(scale * lo + offset);
      this.weights[base + d + index] = 1 - clamp(scale * hi + offset);
    }
  }

  snapshot(): DvfaState {
    const n = 2 * this.dim;
    return {
      dim: this.dim,
      rhoUb: this.rhoUb,
      rhoLb: this.rhoLb,
      clusters: this.clusters,
      labels: Array.from(this.labels.subarray(0, this.count)),
      weights: Array.from(this.weights.subarray(0, this.count * n)),
    };
  }

  restore(state: DvfaState): void {
    if (state === null || typeof state !== 'object') {
      fail('', 'must be an object');
    }
    if (state.dim !== this.dim) {
      fail('dim', `is ${String(state.dim)}; this network has ${this.dim}`);
    }
    for (const k of ['rhoUb', 'rhoLb'] as const) {
      if (!(typeof state[k] === 'number' && state[k] >= 0 && state[k] <= 1)) {
        fail(k, 'must be a number in [0, 1]');
      }
    }
    if (!Array.isArray(state.labels) || state.labels.length > this.maxCategories) {
      fail('labels', `must be an array of at most ${this.maxCategories} cluster ids`);
    }
    if (!(Number.isInteger(state.clusters) && state.clusters >= 0)) {
      fail('clusters', 'must be an integer ≥ 0');
    }
    if (!state.labels.every((l) => Number.isInteger(l) && l >= 0 && l < state.clusters)) {
      fail('labels', 'must be cluster ids below clusters');
    }
    const n = 2 * this.dim;
    if (!Array.isArray(state.weights) || state.weights.length !== state.labels.length * n) {
      fail('weights', `must hold ${n} numbers per category`);
    }
    if (!state.weights.every((w) => typeof w === 'number' && w >= 0 && w <= 1)) {
      fail('weights', 'must be numbers in [0, 1]');
    }
    this.rhoUb = state.rhoUb;
    this.rhoLb = state.rhoLb;
    this.clusters = state.clusters;
    this.count = state.labels.length;
    this.labels.fill(0);
    this.labels.set(state.labels);
    this.weights.fill(0);
    this.weights.set(state.weights);
  }
}
