/**
 * ε-Diagnosis (Shan et al., "ε-Diagnosis: Unsupervised and Real-time Diagnosis of Small-window Long-tail Latency
 * in Large-scale Microservice Platforms", WWW 2019), reimplemented from the paper: every metric's samples in
 * the (small) abnormal window are compared with as many of its most recent normal samples by a two-sample test
 * on the energy distance (Székely's ε-statistic); metrics whose distributions differ at level α are root-cause
 * candidates, ranked by the energy coefficient H = E / (2·E|X−Y|) in [0, 1] (scale-free, so metrics of any unit
 * compare). The p-value comes from a permutation test with a fixed seed (deterministic). A service scores its
 * best significant metric.
 */
import { maxPerService, type BaselineInput, type ScoredService } from './types.ts';
import { splitWindow } from '../metricChange.ts';

export const EPSILON_ALPHA = 0.05;
export const EPSILON_PERMUTATIONS = 200;

function meanAbsDiff(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (const x of a) {
    for (const y of b) {
      s += Math.abs(x - y);
    }
  }
  return s / (a.length * b.length);
}

/** Energy statistic parts: E = 2·E|X−Y| − E|X−X'| − E|Y−Y'|, and H = E / (2·E|X−Y|). */
export function energyCoefficient(x: readonly number[], y: readonly number[]): { e: number; h: number } {
  const xy = meanAbsDiff(x, y);
  const e = 2 * xy - meanAbsDiff(x, x) - meanAbsDiff(y, y);
  return { e, h: xy > 0 ? Math.max(0, e) / (2 * xy) : 0 };
}

/** Small deterministic generator (mulberry32) for the permutations. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function energyTest(
  x: readonly number[],
  y: readonly number[],
  permutations = EPSILON_PERMUTATIONS,
  seed = 1
): { h: number; p: number } {
  const observed = energyCoefficient(x, y);
  const pooled = [...x, ...y];
  const rand = mulberry32(seed);
  let atLeast = 0;
  for (let k = 0; k < permutations; k++) {
    for (let i = pooled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [pooled[i], pooled[j]] = [pooled[j]!, pooled[i]!];
    }
    if (energyCoefficient(pooled.slice(0, x.length), pooled.slice(x.length)).e >= observed.e - 1e-12) {
      atLeast++;
    }
  }
  return { h: observed.h, p: (atLeast + 1) / (permutations + 1) };
}

export function epsilonDiagnosisRanking(input: BaselineInput, alpha = EPSILON_ALPHA): ScoredService[] {
  const scores: Array<{ service: string; score: number }> = [];
  input.metrics.forEach((s, i) => {
    const { base, inc } = splitWindow(s, input.window);
    if (inc.length < 1 || base.length < 1) {
      return;
    }
    // Equal sizes: the most recent normal samples, as many as the abnormal window has.
    const n = Math.min(inc.length, base.length);
    const normal = base.slice(base.length - n);
    const abnormal = inc.slice(0, n);
    const { h, p } = energyTest(normal, abnormal, EPSILON_PERMUTATIONS, 1 + i);
    if (p <= alpha) {
      scores.push({ service: s.service, score: h });
    }
  });
  return maxPerService(scores);
}
