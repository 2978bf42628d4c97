/**
 * Choosing rule values on a set of training systems: coordinate ascent from a fixed start. Rule by rule
 * (in a fixed order, repeated until nothing changes), each other value of the rule is tried; a change is
 * kept only when it raises the mean objective over the training systems AND its largest loss on one
 * training system is no bigger than its largest gain on another (a rule that helps one system and hurts
 * another by more is dropped). Deterministic: the order, the start and the tie-breaks are fixed.
 */

export interface RuleSpace<R> {
  names: ReadonlyArray<keyof R & string>;
  values: (name: keyof R & string) => ReadonlyArray<R[keyof R]>;
}

export interface SelectionStep {
  pass: number;
  rule: string;
  from: string;
  to: string;
  /** Mean objective gain over the training systems. */
  gain: number;
}

export interface Selection<R> {
  rules: R;
  /** Mean objective over the training systems with the chosen rules. */
  objective: number;
  steps: SelectionStep[];
}

export function coordinateAscent<R extends object>(
  space: RuleSpace<R>,
  start: R,
  systems: readonly string[],
  objective: (rules: R, system: string) => number,
  maxPasses = 4
): Selection<R> {
  let current = { ...start };
  let scores = systems.map((s) => objective(current, s));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  const steps: SelectionStep[] = [];
  for (let pass = 1; pass <= maxPasses; pass++) {
    let changed = false;
    for (const name of space.names) {
      let best: { rules: R; scores: number[]; gain: number } | undefined;
      for (const value of space.values(name)) {
        if (value === current[name]) {
          continue;
        }
        const candidate = { ...current, [name]: value } as R;
        const candScores = systems.map((s) => objective(candidate, s));
        const deltas = candScores.map((x, i) => x - scores[i]!);
        const gain = mean(deltas);
        const maxGain = Math.max(0, ...deltas);
        const maxLoss = Math.max(0, ...deltas.map((d) => -d));
        if (gain > 1e-9 && maxLoss <= maxGain && (!best || gain > best.gain + 1e-12)) {
          best = { rules: candidate, scores: candScores, gain };
        }
      }
      if (best) {
        steps.push({
          pass,
          rule: name,
          from: String(current[name]),
          to: String(best.rules[name]),
          gain: best.gain,
        });
        current = best.rules;
        scores = best.scores;
        changed = true;
      }
    }
    if (!changed) {
      break;
    }
  }
  return { rules: current, objective: mean(scores), steps };
}
