/**
 * Threshold-free anomaly-detection metrics. Pure functions over (scores, 0/1 labels).
 *
 * - `aucPr`: point-wise average precision, AP = Σ_k (R_k − R_{k−1})·P_k over the distinct score thresholds
 *   in descending order (scikit-learn's `average_precision_score`). A point is positive when its label is 1
 *   (for NAB: the row lies inside an anomaly window).
 * - `vusPr`: Volume Under the Surface of the range-based PR curve, following TSB-AD's `RangeAUC_volume_opt`
 *   (Paparrizos et al., VLDB 2022; TSB-AD basic_metrics.py). For each buffer length ℓ = 0..L:
 *     · each labelled range [s, e] is extended by ⌊ℓ/2⌋ rows on each side with soft labels
 *       √(1 − d/ℓ) at distance d from the range (capped at 1);
 *     · for `thresholds` (default 250) thresholds taken at evenly spaced ranks of the sorted scores,
 *       pred = score ≥ t; TP = Σ soft·pred over the extended ranges; N_labels = Σ over extended ranges of
 *       (1 inside the original range, soft·pred in the buffer); P' = (P + N_labels)/2 with P the number of
 *       labelled points; recall = min(TP/P', 1) × (fraction of extended ranges containing a prediction);
 *       precision = TP / #pred;
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
  const soft = new Float64Array(n);
  let total = 0;
  for (let l = 0; l <= maxBuffer; l++) {
    // Soft labels for buffer length l.
    soft.fill(0);
    const half = Math.floor(l / 2);
    const extended: Array<[number, number]> = [];
    for (const [s, e] of ranges) {
      for (let i = s; i <= e; i++) {
        soft[i] = 1;
      }
      for (let d = 1; d <= half; d++) {
        const v = Math.sqrt(1 - d / l);
        if (s - d >= 0) {
          soft[s - d] = Math.min(1, Math.max(soft[s - d]!, v));
        }
        if (e + d < n) {
          soft[e + d] = Math.min(1, Math.max(soft[e + d]!, v));
        }
      }
      const lo = Math.max(0, s - half);
      const hi = Math.min(n - 1, e + half);
      const last = extended[extended.length - 1];
      if (last && lo <= last[1] + 1) {
        last[1] = Math.max(last[1], hi);
      } else {
        extended.push([lo, hi]);
      }
    }
    const orig = new Uint8Array(n);
    for (const [s, e] of ranges) {
      orig.fill(1, s, e + 1);
    }
    let ap = 0;
    let prevRecall = 0;
    for (let k = 0; k < ts.length; k++) {
      const t = ts[k]!;
      let tp = 0;
      let nLabels = 0;
      let existence = 0;
      for (const [lo, hi] of extended) {
        let hit = false;
        for (let i = lo; i <= hi; i++) {
          const pred = scores[i]! >= t;
          if (pred) {
            hit = true;
            tp += soft[i]!;
          }
          nLabels += orig[i] ? 1 : pred ? soft[i]! : 0;
        }
        if (hit) {
          existence++;
        }
      }
      const pNew = (P + nLabels) / 2;
      const recall = Math.min(tp / pNew, 1) * (existence / extended.length);
      const precision = nPred[k]! > 0 ? tp / nPred[k]! : 0;
      ap += (recall - prevRecall) * precision;
      prevRecall = recall;
    }
    total += ap;
  }
  return total / (maxBuffer + 1);
}
