/**
 * CAD OSE — Contextual Anomaly Detector, Open Source Edition (Mikhail Smirnov, 2016, https://github.com/smirmik/CAD),
 * the NAB detector `context_ose` (nab/detectors/context_ose/cad_ose.py, context_operator.py,
 * context_ose_detector.py; NAB standard score 69.9). This is a port of that algorithm, step for step:
 *
 * - Each value is quantised into 2^3 = 8 levels of [min, max]; its 3 bits become 3 "sensor facts"
 *   (65536 + 2·bit index + bit value).
 * - A context is a pair (left facts → right facts): the previous step's facts (sensor facts + active "neuron" facts,
 *   one per recently active context) followed by the current sensor facts. Contexts are stored as left/right
 *   semi-contexts shared between contexts; each keeps counts of how often it was selected (its left side fully
 *   present) and how much of its right side then occurred. New contexts come from intersecting stored ones with the
 *   input (left part at most `maxLeftSemiContextsLength` facts).
 * - Anomaly of a step = (1 − share of selected contexts that became active + share of potential new contexts that
 *   were really new) / 2, and 0 when the sensor facts were all predicted by the best contexts of the last step.
 * - After a score ≥ `baseThreshold`, scores are muted for `restPeriod` steps (the original's aScoresHistory rule).
 *
 * Differences from the Python original, all deliberate:
 * - Streaming value range: NAB hands every detector the file's min/max (a look-ahead). Here, unless `range` is
 *   given, the first `rangeWarmup` values are buffered (scored 0), their min/max fixes the range, and the buffer is
 *   replayed through the detector (so it still learns from them). A later value outside the range widens it (by
 *   `rangeMargin`, default 0.6, of the span beyond the new extreme), restarts the model and replays the last
 *   `replayLength` values under the new quantisation before scoring the value — the closest streaming analogue of NAB's
 *   whole-file range (on NAB's 4 local categories: clamping instead scored 41.1 standard, the file range 62.2).
 *   Pass `range` to reproduce NAB's setting.
 * - Python 2's tuple hash orders equally-activated contexts; we use FNV-1a over the facts (deterministic, but ties
 *   may break differently, which changes which neurons are active in rare cases).
 * - Python's `newContextID != contextID` treats `False` as 0 (so context 0 is skipped when no zero-level context
 *   was created this step); kept as is for fidelity.
 * - Bounded memory: learning of new contexts stops at `maxContexts` (the original grows without bound); the
 *   detector keeps scoring with what it has.
 *
 * Pure and deterministic; state is a plain object (snapshot/restore) so a series can be scored in chunks.
 */

export interface CadOptions {
  /** NAB's default 0.75: a score at or above it mutes the next `restPeriod` scores. */
  baseThreshold?: number;
  /** Steps muted after a high score (NAB: probationary period / 5, at most 150; default 150). */
  restPeriod?: number;
  maxLeftSemiContextsLength?: number;
  maxActiveNeurons?: number;
  /** Bits per quantised value (NAB: 3 → 8 levels). */
  numNormValueBits?: number;
  /** A known value range (NAB hands detectors the file's min/max); otherwise learned from the warm-up. */
  range?: { min: number; max: number };
  /** Values buffered to learn the range when `range` is not given (default 300). */
  rangeWarmup?: number;
  /** Learned range only: recent values replayed after the range widens (default 500). */
  replayLength?: number;
  /**
   * Learned range only: a widened range gets this share of its span beyond the new extreme (default 0.6: fewer
   * restarts; on NAB's 4 local categories 0.5–0.65 all beat 0.1, see the README).
   */
  rangeMargin?: number;
  /** Cap on stored contexts (bounded memory and cost per point; default 20000). */
  maxContexts?: number;
  /** Learned range only: share of the warm-up span added beyond each warm-up extreme (default 0). */
  initialMargin?: number;
  /** Learned range only: consecutive values outside the range before it widens; earlier ones are clamped (default 1). */
  rangeExpandAfter?: number;
}

/** A potential new context: facts plus their precomputed keys (computed once per semi-context per step). */
interface Candidate {
  left: number[];
  right: number[];
  leftKey: string;
  rightKey: string;
}

interface LeftSemi {
  /** The semi-context's own facts (its key). */
  key: number[];
  /** Key string of `crossed` for this step ('' = not computed yet). */
  crossedKey: string;
  /** Facts of the current input that it contains (Python's [0]). */
  crossed: number[];
  /** Crossed count after the last crossing (Python's [2]). */
  count: number;
  /** rightSemiId → contextId (Python's [3]). */
  contexts: Map<number, number>;
  /** The same pairs in insertion order as flat arrays: iterating them is much cheaper than the Map's entries. */
  rightIds: number[];
  contextIds: number[];
}

interface RightSemi {
  key: number[];
  crossedKey: string;
  crossed: number[];
  count: number;
}

interface Context {
  /** Python's [0]: summed right-side sizes over selections. */
  total: number;
  /** Python's [1]: summed matched right-side facts. */
  success: number;
  /** Python's [2]: activations. */
  activations: number;
  rightFacts: number[];
  zeroLevel: boolean;
  leftHash: number;
  rightHash: number;
}

/** FNV-1a over the facts (stand-in for Python's tuple hash, used only to order ties). */
function hashFacts(facts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const f of facts) {
    let v = f;
    for (let k = 0; k < 5; k++) {
      h ^= v & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
      v = Math.floor(v / 256);
    }
  }
  return h;
}

const keyOf = (facts: readonly number[]): string => facts.join(',');

class ContextOperator {
  readonly factsLeft = new Map<number, LeftSemi[]>();
  readonly factsRight = new Map<number, RightSemi[]>();
  readonly leftIds = new Map<string, number>();
  readonly rightIds = new Map<string, number>();
  readonly lefts: LeftSemi[] = [];
  readonly rights: RightSemi[] = [];
  crossedLeft: LeftSemi[] = [];
  crossedRight: RightSemi[] = [];
  readonly contexts: Context[] = [];
  /** Python's `newContextID`: false when none was created this step. */
  newContextId: number | false = false;

  constructor(
    readonly maxLeftLength: number,
    readonly maxContexts: number
  ) {}

  addLeft(facts: number[], key = keyOf(facts)): number {
    let id = this.leftIds.get(key);
    if (id === undefined) {
      id = this.lefts.length;
      this.leftIds.set(key, id);
      const semi: LeftSemi = {
        key: facts,
        crossedKey: '',
        crossed: [],
        count: 0,
        contexts: new Map(),
        rightIds: [],
        contextIds: [],
      };
      this.lefts.push(semi);
      for (const f of facts) {
        let list = this.factsLeft.get(f);
        if (!list) {
          this.factsLeft.set(f, (list = []));
        }
        list.push(semi);
      }
    }
    return id;
  }

  addRight(facts: number[], key = keyOf(facts)): number {
    let id = this.rightIds.get(key);
    if (id === undefined) {
      id = this.rights.length;
      this.rightIds.set(key, id);
      const semi: RightSemi = { key: facts, crossedKey: '', crossed: [], count: 0 };
      this.rights.push(semi);
      for (const f of facts) {
        let list = this.factsRight.get(f);
        if (!list) {
          this.factsRight.set(f, (list = []));
        }
        list.push(semi);
      }
    }
    return id;
  }

  /** Python's getContextByFacts: with `zeroLevel`, returns whether the single context is new; else the number added. */
  getContextByFacts(newContexts: readonly Candidate[], zeroLevel: boolean): number | boolean {
    let added = 0;
    for (const cand of newContexts) {
      if (this.contexts.length >= this.maxContexts) {
        return zeroLevel ? false : added;
      }
      // Copies: the candidate's arrays are the semi-contexts' per-step crossing lists.
      const leftFacts = [...cand.left];
      const rightFacts = [...cand.right];
      const leftId = this.addLeft(leftFacts, cand.leftKey);
      const rightId = this.addRight(rightFacts, cand.rightKey);
      const left = this.lefts[leftId]!;
      const existing = left.contexts.get(rightId);
      if (existing === undefined) {
        const id = this.contexts.length;
        left.contexts.set(rightId, id);
        left.rightIds.push(rightId);
        left.contextIds.push(id);
        added++;
        this.contexts.push({
          total: 0,
          success: 0,
          activations: 0,
          rightFacts,
          zeroLevel,
          leftHash: hashFacts(leftFacts),
          rightHash: hashFacts(rightFacts),
        });
        if (zeroLevel) {
          this.newContextId = id;
          return true;
        }
      } else if (zeroLevel) {
        this.contexts[existing]!.zeroLevel = true;
        return false;
      }
    }
    return added;
  }

  /** Right crossing (Python's contextCrosser(1, …)): returns the active contexts and the potential new ones. */
  crossRight(
    facts: readonly number[],
    newContextFlag: boolean
  ): { active: Array<[number, number, number, number]>; selected: number; potential: Candidate[] } {
    for (const semi of this.crossedRight) {
      semi.crossed = [];
      semi.crossedKey = '';
      semi.count = 0;
    }
    for (const f of facts) {
      for (const semi of this.factsRight.get(f) ?? []) {
        semi.crossed.push(f);
      }
    }
    const crossed: RightSemi[] = [];
    for (const semi of this.rights) {
      semi.count = semi.crossed.length;
      if (semi.count > 0) {
        crossed.push(semi);
      }
    }
    this.crossedRight = crossed;
    return this.updateContextsAndGetActive(newContextFlag);
  }

  /** Left crossing (Python's contextCrosser(0, …)): stores the potential new contexts, returns predicted facts. */
  crossLeft(facts: readonly number[], potential: readonly Candidate[]): { added: number; predictions: Set<number> } {
    const added = potential.length > 0 ? (this.getContextByFacts(potential, false) as number) : 0;
    let maxWeight = 0;
    let predicting: Context[] = [];
    for (const semi of this.crossedLeft) {
      semi.crossed = [];
      semi.crossedKey = '';
      semi.count = 0;
    }
    for (const f of facts) {
      for (const semi of this.factsLeft.get(f) ?? []) {
        semi.crossed.push(f);
      }
    }
    const crossed: LeftSemi[] = [];
    for (const semi of this.lefts) {
      const n = semi.crossed.length;
      semi.count = n;
      if (n === 0) {
        continue;
      }
      crossed.push(semi);
      if (semi.key.length !== n) {
        continue;
      }
      for (const id of semi.contextIds) {
        const c = this.contexts[id]!;
        const weight = c.total > 0 ? c.success / c.total : 0;
        if (weight > maxWeight) {
          maxWeight = weight;
          predicting = [c];
        } else if (weight === maxWeight) {
          predicting.push(c);
        }
      }
    }
    this.crossedLeft = crossed;
    const predictions = new Set<number>();
    for (const c of predicting) {
      for (const f of c.rightFacts) {
        predictions.add(f);
      }
    }
    return { added, predictions };
  }

  private updateContextsAndGetActive(newContextFlag: boolean) {
    const active: Array<[number, number, number, number]> = [];
    const potential: Candidate[] = [];
    const candidate = (left: LeftSemi, right: RightSemi): Candidate => {
      if (left.crossedKey === '') {
        left.crossedKey = keyOf(left.crossed);
      }
      if (right.crossedKey === '') {
        right.crossedKey = keyOf(right.crossed);
      }
      return { left: left.crossed, right: right.crossed, leftKey: left.crossedKey, rightKey: right.crossedKey };
    };
    const full = this.contexts.length >= this.maxContexts;
    let selected = 0;
    // Python compares `self.newContextID != contextID` with newContextID possibly False, and False == 0.
    const skipId = this.newContextId === false ? 0 : this.newContextId;
    for (const left of this.crossedLeft) {
      const ids = left.contextIds;
      for (let k = 0; k < ids.length; k++) {
        const contextId = ids[k]!;
        const rightId = left.rightIds[k]!;
        if (contextId === skipId) {
          continue;
        }
        const c = this.contexts[contextId]!;
        const right = this.rights[rightId]!;
        const rightLen = right.key.length;
        if (left.key.length === left.count) {
          selected++;
          c.total += rightLen;
          if (right.count > 0) {
            c.success += right.count;
            if (rightLen === right.count) {
              c.activations++;
              active.push([contextId, c.activations, c.leftHash, c.rightHash]);
            } else if (!full && c.zeroLevel && newContextFlag && left.count <= this.maxLeftLength) {
              potential.push(candidate(left, right));
            }
          }
        } else if (!full && c.zeroLevel && newContextFlag && right.count > 0 && left.count <= this.maxLeftLength) {
          potential.push(candidate(left, right));
        }
      }
    }
    this.newContextId = false;
    return { active, selected, potential };
  }
}

/** Serialisable state: semi-contexts by their keys, crossings by index, contexts as plain data. */
export interface CadState {
  kind: 'cad-ose';
  version: 1;
  range: { min: number; max: number } | null;
  /** Before the range is known: the warm-up values; after: the last `replayLength` values (replayed when it widens). */
  warmup: number[];
  lefts: Array<{ key: number[]; crossed: number[]; contexts: Array<[number, number]> }>;
  rights: Array<{ key: number[]; crossed: number[] }>;
  crossedLeft: number[];
  crossedRight: number[];
  contexts: Array<[number, number, number, number[], boolean]>;
  leftFactsGroup: number[];
  lastPredicted: number[];
  /** The last `restPeriod` raw scores (the original keeps all of them, but reads only these). */
  recentScores: number[];
  /** Consecutive values outside the learned range so far (absent in older states: 0). */
  outsideRun?: number;
}

export interface CadDetector {
  /** Feeds the next value and returns its anomaly score in [0, 1]. */
  next(value: number): number;
  snapshot(): CadState;
  restore(state: CadState): void;
}

export function createCadDetector(options: CadOptions = {}): CadDetector {
  const baseThreshold = options.baseThreshold ?? 0.75;
  const restPeriod = Math.floor(options.restPeriod ?? 150);
  const maxLeft = options.maxLeftSemiContextsLength ?? 7;
  const maxActive = options.maxActiveNeurons ?? 15;
  const bits = options.numNormValueBits ?? 3;
  const rangeWarmup = Math.max(1, Math.floor(options.rangeWarmup ?? 300));
  const maxContexts = options.maxContexts ?? 20_000;
  if (!(bits >= 1 && bits <= 16 && Number.isInteger(bits))) {
    throw new Error(`numNormValueBits: expected an integer in 1..16, got ${bits}`);
  }
  if (!(restPeriod >= 0)) {
    throw new Error(`restPeriod: expected ≥ 0, got ${options.restPeriod}`);
  }
  if (options.range && !(options.range.max >= options.range.min)) {
    throw new Error(`range: max must be ≥ min`);
  }
  const maxBin = 2 ** bits - 1;

  let op = new ContextOperator(maxLeft, maxContexts);
  const fixedRange = options.range !== undefined;
  const replayLength = Math.max(1, Math.floor(options.replayLength ?? 500));
  const rangeMargin = options.rangeMargin ?? 0.6;
  if (!(rangeMargin >= 0)) {
    throw new Error(`rangeMargin: expected ≥ 0, got ${options.rangeMargin}`);
  }
  const initialMargin = options.initialMargin ?? 0;
  if (!(initialMargin >= 0)) {
    throw new Error(`initialMargin: expected ≥ 0, got ${options.initialMargin}`);
  }
  const rangeExpandAfter = options.rangeExpandAfter ?? 1;
  if (!(Number.isInteger(rangeExpandAfter) && rangeExpandAfter >= 1)) {
    throw new Error(`rangeExpandAfter: expected an integer ≥ 1, got ${options.rangeExpandAfter}`);
  }
  let outsideRun = 0;
  let range: { min: number; max: number } | null = options.range ? { ...options.range } : null;
  let warmup: number[] = [];
  let leftFactsGroup: number[] = [];
  let lastPredicted = new Set<number>();
  // The original starts its history with 1.0, which mutes the first restPeriod scores.
  let recent: number[] = [1.0];

  const reset = (): void => {
    op = new ContextOperator(maxLeft, maxContexts);
    leftFactsGroup = [];
    lastPredicted = new Set<number>();
    recent = [1.0];
  };

  const step = (sensFacts: number[]): { predictions: Set<number>; activeShare: number; newShare: number } => {
    const uniq = new Set<string>();
    let newContextFlag = false;
    if (leftFactsGroup.length > 0 && sensFacts.length > 0) {
      const zero: Candidate = {
        left: leftFactsGroup,
        right: sensFacts,
        leftKey: keyOf(leftFactsGroup),
        rightKey: keyOf(sensFacts),
      };
      uniq.add(zero.leftKey + '|' + zero.rightKey);
      newContextFlag = op.getContextByFacts([zero], true) as boolean;
    }
    const { active, selected, potential } = op.crossRight(sensFacts, newContextFlag);
    for (const c of potential) {
      uniq.add(c.leftKey + '|' + c.rightKey);
    }
    const activeShare = selected > 0 ? active.length / selected : 0;
    active.sort((x, y) => x[1] - y[1] || x[2] - y[2] || x[3] - y[3]);
    const neurons = active.slice(-maxActive).map((a) => 2 ** 31 + a[0]);
    leftFactsGroup = [...new Set([...sensFacts, ...neurons])].sort((a, b) => a - b);
    const left = op.crossLeft(leftFactsGroup, potential);
    const added = left.added + (newContextFlag ? 1 : 0);
    const newShare = newContextFlag && uniq.size > 0 ? added / uniq.size : 0;
    return { predictions: left.predictions, activeShare, newShare };
  };

  const score = (value: number, r: { min: number; max: number }): number => {
    let full = r.max - r.min;
    if (full === 0) {
      full = maxBin;
    }
    const stepSize = full / maxBin;
    const norm = Math.min(maxBin, Math.max(0, Math.trunc((value - r.min) / stepSize)));
    const sens: number[] = [];
    for (let b = 0; b < bits; b++) {
      sens.push(65536 + b * 2 + ((norm >> b) & 1));
    }
    sens.sort((a, b) => a - b);
    let deltas = 0;
    for (const f of sens) {
      if (!lastPredicted.has(f)) {
        deltas += 2 ** Math.floor((f - 65536) / 2);
      }
    }
    const predictionError = deltas / maxBin;
    const s = step(sens);
    lastPredicted = s.predictions;
    const current = predictionError > 0 ? (1 - s.activeShare + s.newShare) / 2 : 0;
    const window = restPeriod > 0 ? recent.slice(-restPeriod) : [];
    const muted = window.length > 0 && Math.max(...window) >= baseThreshold;
    recent.push(current);
    if (recent.length > Math.max(restPeriod, 1) * 2) {
      recent = recent.slice(-Math.max(restPeriod, 1));
    }
    return muted ? 0 : current;
  };

  return {
    next(value: number): number {
      if (!Number.isFinite(value)) {
        throw new Error(`value: expected a finite number, got ${value}`);
      }
      if (fixedRange) {
        return score(value, range!);
      }
      if (range) {
        const outside = value < range.min || value > range.max;
        outsideRun = outside ? outsideRun + 1 : 0;
        if (outside && outsideRun >= rangeExpandAfter) {
          // Values outside the learned range for `rangeExpandAfter` steps: widen it to cover them (with a margin, so
          // this stays rare), restart the model and replay the recent values under the new quantisation, then score
          // the value against what was relearned. Shorter excursions are clamped to the edge bins.
          let lo = Math.min(range.min, value);
          let hi = Math.max(range.max, value);
          for (let k = Math.max(0, warmup.length - (outsideRun - 1)); k < warmup.length; k++) {
            lo = Math.min(lo, warmup[k]!);
            hi = Math.max(hi, warmup[k]!);
          }
          const span = hi - lo;
          range = {
            min: lo < range.min ? lo - rangeMargin * span : range.min,
            max: hi > range.max ? hi + rangeMargin * span : range.max,
          };
          outsideRun = 0;
          reset();
          for (const v of warmup) {
            score(v, range);
          }
        }
        warmup.push(value);
        if (warmup.length > replayLength) {
          warmup.shift();
        }
        return score(value, range);
      }
      warmup.push(value);
      if (warmup.length < rangeWarmup) {
        return 0;
      }
      let min = Infinity;
      let max = -Infinity;
      for (const v of warmup) {
        if (v < min) {
          min = v;
        }
        if (v > max) {
          max = v;
        }
      }
      const pad = initialMargin * (max - min);
      range = { min: min - pad, max: max + pad };
      // Replay the warm-up so the model learns from it; the scores of those points stay 0 (already returned).
      let last = 0;
      for (const v of warmup) {
        last = score(v, range);
      }
      warmup = warmup.slice(-replayLength);
      return last;
    },
    snapshot(): CadState {
      const leftIndex = new Map(op.lefts.map((s, i) => [s, i]));
      const rightIndex = new Map(op.rights.map((s, i) => [s, i]));
      return {
        kind: 'cad-ose',
        version: 1,
        range: range ? { ...range } : null,
        warmup: [...warmup],
        lefts: op.lefts.map((s) => ({ key: [...s.key], crossed: [...s.crossed], contexts: [...s.contexts] })),
        rights: op.rights.map((s) => ({ key: [...s.key], crossed: [...s.crossed] })),
        crossedLeft: op.crossedLeft.map((s) => leftIndex.get(s)!),
        crossedRight: op.crossedRight.map((s) => rightIndex.get(s)!),
        contexts: op.contexts.map((c) => [c.total, c.success, c.activations, [...c.rightFacts], c.zeroLevel]),
        leftFactsGroup: [...leftFactsGroup],
        lastPredicted: [...lastPredicted],
        recentScores: recent.slice(-Math.max(restPeriod, 1)),
        outsideRun,
      };
    },
    restore(state: CadState): void {
      if (state?.kind !== 'cad-ose' || state.version !== 1) {
        throw new Error('state: not a cad-ose v1 state');
      }
      const fresh = new ContextOperator(maxLeft, maxContexts);
      for (const s of state.lefts) {
        fresh.addLeft([...s.key]);
      }
      for (const s of state.rights) {
        fresh.addRight([...s.key]);
      }
      state.lefts.forEach((s, i) => {
        const semi = fresh.lefts[i]!;
        semi.crossed = [...s.crossed];
        semi.count = s.crossed.length;
        for (const [r, c] of s.contexts) {
          semi.contexts.set(r, c);
          semi.rightIds.push(r);
          semi.contextIds.push(c);
        }
      });
      state.rights.forEach((s, i) => {
        const semi = fresh.rights[i]!;
        semi.crossed = [...s.crossed];
        semi.count = s.crossed.length;
      });
      // Context hashes and left keys are rebuilt from the semi-contexts that own them.
      const leftOf = new Array<number[]>(state.contexts.length);
      for (const s of state.lefts) {
        for (const [, c] of s.contexts) {
          leftOf[c] = s.key;
        }
      }
      state.contexts.forEach(([total, success, activations, rightFacts, zeroLevel], id) => {
        const leftKey = leftOf[id];
        if (!leftKey) {
          throw new Error(`state.contexts[${id}]: no left semi-context refers to it`);
        }
        fresh.contexts.push({
          total,
          success,
          activations,
          rightFacts: [...rightFacts],
          zeroLevel,
          leftHash: hashFacts(leftKey),
          rightHash: hashFacts(rightFacts),
        });
      });
      fresh.crossedLeft = state.crossedLeft.map((i) => fresh.lefts[i]!);
      fresh.crossedRight = state.crossedRight.map((i) => fresh.rights[i]!);
      op = fresh;
      range = state.range ? { ...state.range } : null;
      warmup = [...state.warmup];
      leftFactsGroup = [...state.leftFactsGroup];
      lastPredicted = new Set(state.lastPredicted);
      recent = [...state.recentScores];
      outsideRun = state.outsideRun ?? 0;
    },
  };
}

/** Runs CAD OSE over a whole series in one streaming pass. */
export function runCad(values: ArrayLike<number>, options: CadOptions = {}): Float64Array {
  const detector = createCadDetector(options);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = detector.next(values[i]!);
  }
  return out;
}
