/**
 * Threshold-free anomaly-detection metrics. Pure functions over (scores, 0/1 labels).
 *
 * - `aucPr`: point-wise average precision, AP = Σ_k (R_k − R_{k−1})·P_k over the distinct score thresholds
 *   in descending order (scikit-learn's `average_precision_score`). A point is positive when its label is 1
 *   (for NAB: the row lies inside an anomaly window).
 * - `vusPr`: Volume Under the Surface of the range-based PR curve, as TSB-AD computes it (Paparrizos et al.,
 *   VLDB 2022; Liu & Paparrizos, NeurIPS 2024; TSB_AD/evaluation/basic_metrics.py `RangeAUC_volume_opt`), with the
 *   largest buffer from the data's period as TSB-AD's `get_metrics` takes it (`tsbadPeriod`). For each buffer ℓ:
 *     · each labelled range [s, e] is extended by ⌊ℓ/2⌋ rows on each side with soft labels √(1 − d/ℓ) at
 *       distance d (summed where buffers overlap, capped at 1);
 *     · for `thresholds` (default 250) thresholds taken at evenly spaced ranks of the sorted scores,
 *       pred = score ≥ t; TP = Σ label·pred over the extended ranges, where label is 1 inside the original range
 *       and soft·pred in the buffer; N_labels = Σ label; P' = (P + N_labels)/2 with P the labelled points;
 *       recall = min(TP/P', 1) × (share of extended ranges containing a prediction); precision = TP / #pred;
 *     · AP_ℓ = Σ_k (recall_k − recall_{k−1})·precision_k with recall_0 = 0.
 *   VUS-PR = mean of AP_ℓ over ℓ = 0..L. At ℓ = 0 this is a range-aware AP with an existence reward.
 */

export function aucPr(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (labels.length !== n) {
    throw new Error(`aucPr: ${n} scores but ${labels.length} labels`);
  }
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i]! > 0) {
      positives++;
    }
  }
  if (positives === 0) {
    return NaN;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  let k = 0;
  while (k < n) {
    const t = scores[order[k]!]!;
    while (k < n && scores[order[k]!]! === t) {
      if (labels[order[k]!]! > 0) {
        tp++;
      } else {
        fp++;
      }
      k++;
    }
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/** Maximal runs of positive labels as inclusive [start, end] pairs. */
export function labelRanges(labels: ArrayLike<number>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= labels.length; i++) {
    const on = i < labels.length && labels[i]! > 0;
    if (on && start < 0) {
      start = i;
    }
    if (!on && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  }
  return out;
}

/**
 * TSB-AD's `find_length_rank(data, rank=1)` (TSB_AD/utils/slidingWindows.py): the lag of the highest local maximum
 * of the autocorrelation (statsmodels `acf`, lags 3..400, over the first 20,000 values), or 125 when there is none
 * or it lies outside 3..300. TSB-AD passes twice this as VUS-PR's largest buffer.
 */
export function tsbadPeriod(data: ArrayLike<number>): number {
  const n = Math.min(20_000, data.length);
  const base = 3;
  const nlags = Math.min(400, n - 1);
  if (nlags <= base + 1) {
    return 125;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) {
    mean += data[i]!;
  }
  mean /= n;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = data[i]! - mean;
  }
  let c0 = 0;
  for (let i = 0; i < n; i++) {
    c0 += x[i]! * x[i]!;
  }
  if (!(c0 > 0)) {
    return 125;
  }
  const acf = new Float64Array(nlags + 1 - base);
  for (let k = base; k <= nlags; k++) {
    let c = 0;
    for (let i = 0; i + k < n; i++) {
      c += x[i]! * x[i + k]!;
    }
    acf[k - base] = c / c0;
  }
  // scipy argrelextrema(np.greater): strictly above both neighbours, ends excluded.
  let best = -1;
  for (let i = 1; i + 1 < acf.length; i++) {
    if (acf[i]! > acf[i - 1]! && acf[i]! > acf[i + 1]! && (best < 0 || acf[i]! > acf[best]!)) {
      best = i;
    }
  }
  if (best < 3 || best > 300) {
    return 125;
  }
  return best + base;
}

/**
 * VUS-PR as TSB-AD computes it (`RangeAUC_volume_opt` in TSB_AD/evaluation/basic_metrics.py, called by
 * `get_metrics` with windowSize = 2 × `tsbadPeriod(data)`): for every buffer ℓ = 0..`maxBuffer`, labels get soft
 * buffers of ⌊ℓ/2⌋ rows each side (√(1 − d/ℓ) at distance d, added over overlapping buffers and capped at 1),
 * extended ranges merge when their buffers touch (TSB-AD's `new_sequence`), and the range-aware AP over
 * `thresholds` score quantiles is averaged over ℓ.
 */
export function vusPr(scores: ArrayLike<number>, labels: ArrayLike<number>, maxBuffer = 100, thresholds = 250): number {
  const n = scores.length;
  if (labels.length !== n) {
    throw new Error(`vusPr: ${n} scores but ${labels.length} labels`);
  }
  const ranges = labelRanges(labels);
  if (ranges.length === 0 || n === 0) {
    return NaN;
  }
  let P = 0;
  for (const [s, e] of ranges) {
    P += e - s + 1;
  }
  const sorted = Float64Array.from(scores).sort().reverse();
  const ts: number[] = [];
  for (let k = 0; k < thresholds; k++) {
    // np.linspace(0, n − 1, thresholds).astype(int)
    const idx = thresholds === 1 ? 0 : Math.floor((k * (n - 1)) / (thresholds - 1));
    ts.push(sorted[idx]!);
  }
  const nPred = ts.map((t) => {
    let c = 0;
    for (let i = 0; i < n; i++) {
      if (scores[i]! >= t) {
        c++;
      }
    }
    return c;
  });
  const orig = new Uint8Array(n);
  for (const [s, e] of ranges) {
    orig.fill(1, s, e + 1);
  }
  // Rows by descending score: a threshold predicts a prefix of them, so each buffer length is one pass.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const soft = new Float64Array(n);
  const segment = new Int32Array(n);
  let total = 0;
  for (let l = 0; l <= maxBuffer; l++) {
    const half = Math.floor(l / 2);
    // TSB-AD's `sequencing`: buffers add up, then the labels are capped at 1.
    soft.set(orig);
    for (const [s, e] of ranges) {
      for (let d = 1; d <= half; d++) {
        const v = Math.sqrt(1 - d / l);
        if (e + d < n) {
          soft[e + d] = soft[e + d]! + v;
        }
        if (s - d >= 0) {
          soft[s - d] = soft[s - d]! + v;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      if (soft[i]! > 1) {
        soft[i] = 1;
      }
    }
    // TSB-AD's `new_sequence`: consecutive ranges stay apart only when end + ⌊ℓ/2⌋ < next start − ⌊ℓ/2⌋.
    const extended: Array<[number, number]> = [];
    let a = Math.max(ranges[0]![0] - half, 0);
    for (let r = 0; r < ranges.length - 1; r++) {
      if (ranges[r]![1] + half < ranges[r + 1]![0] - half) {
        extended.push([a, ranges[r]![1] + half]);
        a = ranges[r + 1]![0] - half;
      }
    }
    extended.push([a, Math.min(ranges[ranges.length - 1]![1] + half, n - 1)]);
    segment.fill(-1);
    extended.forEach(([lo, hi], k) => segment.fill(k, lo, hi + 1));
    const hit = new Uint8Array(extended.length);
    // Inside the extended ranges a predicted row counts its label: 1 in the original range, soft in the buffer;
    // unpredicted buffer rows count 0 and unpredicted original rows count 1 (in P).
    let tp = 0;
    let bufferLabels = 0;
    let existence = 0;
    let next = 0;
    let ap = 0;
    let prevRecall = 0;
    for (let k = 0; k < ts.length; k++) {
      const t = ts[k]!;
      while (next < n && scores[order[next]!]! >= t) {
        const i = order[next++]!;
        const seg = segment[i]!;
        if (seg < 0) {
          continue;
        }
        const label = orig[i] ? 1 : soft[i]!;
        tp += label;
        if (!orig[i]) {
          bufferLabels += label;
        }
        if (!hit[seg]) {
          hit[seg] = 1;
          existence++;
        }
      }
      const pNew = (P + P + bufferLabels) / 2;
      const recall = Math.min(tp / pNew, 1) * (existence / extended.length);
      const precision = tp / nPred[k]!;
      ap += (recall - prevRecall) * precision;
      prevRecall = recall;
    }
    total += ap;
  }
  return total / (maxBuffer + 1);
}
