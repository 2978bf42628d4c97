/**
 * Synthetic request-rate traces (per minute) for training and for the evaluation's trace set, each
 * deterministic in its seed:
 * - `diurnal`: two daily peaks, random phase/amplitude and noise (one day by default);
 * - `bursty`: the same with random multiplicative bursts of 2–6× lasting 2–20 minutes;
 * - `flash`: several days of a weekly-modulated diurnal load with counting noise and flash crowds
 *   (a steep rise to 1.5–4× within 1–5 minutes, then a decay over 10–60 minutes), the shape of a
 *   public web service that gets linked from somewhere;
 * - `regime`: a diurnal load whose level shifts (×0.4–2.5) at random times and stays for hours, plus
 *   short spikes: the forecast's history stops describing the load (change points).
 * - `mix`: a mix of two or three diurnal components with different phases and widths, noise and a few
 *   bursts (a service fed by several regions or tenants).
 * `diurnal` and `bursty` are the RL environment's original training shapes and stay bit-identical.
 * Pure (no I/O).
 */
import { Rng } from '../../sim/random.ts';
import type { WorkloadTrace } from '../../sim/workload.ts';

export const SYNTHETIC_KINDS = ['diurnal', 'bursty', 'flash', 'regime', 'mix'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

/** Default length per kind, minutes: the RL shapes one day, the evaluation shapes three days. */
export function defaultSyntheticMinutes(kind: SyntheticKind): number {
  return kind === 'diurnal' || kind === 'bursty' ? 1440 : 3 * 1440;
}

/** The RL environment's original shapes (see the file comment); kept exactly as they were. */
export function syntheticTrainingTrace(kind: 'diurnal' | 'bursty', seed: number, minutes = 1440): WorkloadTrace {
  const rng = new Rng(seed);
  const rnd = (): number => rng.next();
  const values: number[] = [];
  const phase = rnd() * 24;
  const amp = 0.3 + 0.6 * rnd();
  const noise = 0.02 + 0.08 * rnd();
  let burstLeft = 0;
  let burstMul = 1;
  for (let i = 0; i < minutes; i++) {
    const h = (i / 60 + phase) % 24;
    const morning = Math.exp(-((h - 11) ** 2) / 8);
    const evening = 0.8 * Math.exp(-((h - 20) ** 2) / 6);
    let v = 1 - amp + amp * Math.max(morning, evening);
    if (kind === 'bursty') {
      if (burstLeft <= 0 && rnd() < 0.02) {
        burstLeft = 2 + Math.floor(rnd() * 19);
        burstMul = 2 + 4 * rnd();
      }
      if (burstLeft > 0) {
        v *= burstMul;
        burstLeft--;
      }
    }
    v *= 1 + noise * (2 * rnd() - 1);
    values.push(Math.max(0.01, v) * 1000);
  }
  return { name: `synthetic-${kind}#${seed}`, stepSeconds: 60, values };
}

/** A smooth daily profile in 0..1 with a peak at `peakHour` and the given width (hours). */
function dailyBump(hour: number, peakHour: number, width: number): number {
  const d = Math.min(Math.abs(hour - peakHour), 24 - Math.abs(hour - peakHour));
  return Math.exp(-(d * d) / (2 * width * width));
}

/** Counting noise around `mean` requests per minute (Poisson, normal above 1,000). */
function counts(rng: Rng, mean: number): number {
  return mean > 1000 ? Math.max(0, mean + rng.normal(0, Math.sqrt(mean))) : rng.poisson(mean);
}

function flashTrace(rng: Rng, minutes: number): number[] {
  const base = 200 + 800 * rng.next();
  const amp = 0.5 + 0.4 * rng.next();
  const peakHour = 12 + 6 * rng.next();
  const weekendDip = 0.15 + 0.3 * rng.next();
  const startDow = rng.int(7);
  const out: number[] = [];
  let extra = 0; // the flash crowd's extra multiple of the load
  let peak = 0;
  let risingLeft = 0;
  let decay = 1;
  for (let i = 0; i < minutes; i++) {
    const hour = (i / 60) % 24;
    const dow = (startDow + Math.floor(i / 1440)) % 7;
    const week = dow === 0 || dow === 6 ? 1 - weekendDip : 1;
    const level = base * week * (1 - amp + amp * dailyBump(hour, peakHour, 4));
    // Flash crowds: about two a day; a rise within 1–5 minutes, then an exponential decay.
    if (rng.next() < 2 / 1440) {
      peak = Math.max(extra, 0.5 + 3 * rng.next());
      risingLeft = 1 + rng.int(5);
      decay = Math.exp(-1 / (10 + 50 * rng.next()));
    }
    if (risingLeft > 0) {
      extra = Math.min(peak, extra + peak / risingLeft);
      risingLeft--;
    } else {
      extra *= decay;
    }
    out.push(counts(rng, level * (1 + extra)));
  }
  return out;
}

function regimeTrace(rng: Rng, minutes: number): number[] {
  const base = 300 + 700 * rng.next();
  const amp = 0.3 + 0.5 * rng.next();
  const peakHour = 10 + 8 * rng.next();
  const out: number[] = [];
  let level = 1;
  let nextShift = 360 + rng.int(1440);
  let spikeLeft = 0;
  let spikeMul = 1;
  for (let i = 0; i < minutes; i++) {
    if (i >= nextShift) {
      level = 0.4 + 2.1 * rng.next();
      nextShift = i + 240 + rng.int(1200);
    }
    if (spikeLeft <= 0 && rng.next() < 1 / 240) {
      spikeLeft = 1 + rng.int(6);
      spikeMul = 1.5 + 1.5 * rng.next();
    }
    let v = base * level * (1 - amp + amp * dailyBump((i / 60) % 24, peakHour, 5));
    if (spikeLeft > 0) {
      v *= spikeMul;
      spikeLeft--;
    }
    out.push(counts(rng, v));
  }
  return out;
}

function mixTrace(rng: Rng, minutes: number): number[] {
  const parts = 2 + rng.int(2);
  const comps = Array.from({ length: parts }, () => ({
    weight: 0.2 + rng.next(),
    peak: 24 * rng.next(),
    width: 2 + 4 * rng.next(),
  }));
  const base = 300 + 700 * rng.next();
  const floor = 0.1 + 0.3 * rng.next();
  const out: number[] = [];
  let burstLeft = 0;
  let burstMul = 1;
  for (let i = 0; i < minutes; i++) {
    const hour = (i / 60) % 24;
    let shape = floor;
    for (const c of comps) {
      shape += c.weight * dailyBump(hour, c.peak, c.width);
    }
    if (burstLeft <= 0 && rng.next() < 1 / 360) {
      burstLeft = 3 + rng.int(20);
      burstMul = 1.3 + 1.2 * rng.next();
    }
    let v = base * shape;
    if (burstLeft > 0) {
      v *= burstMul;
      burstLeft--;
    }
    out.push(counts(rng, v));
  }
  return out;
}

/** A synthetic trace of the given kind (see the file comment). */
export function syntheticTrace(
  kind: SyntheticKind,
  seed: number,
  minutes = defaultSyntheticMinutes(kind)
): WorkloadTrace {
  if (kind === 'diurnal' || kind === 'bursty') {
    return syntheticTrainingTrace(kind, seed, minutes);
  }
  const rng = new Rng(seed ^ (kind === 'flash' ? 0x5f1a : kind === 'regime' ? 0x2e61 : 0x3a11));
  const values =
    kind === 'flash'
      ? flashTrace(rng, minutes)
      : kind === 'regime'
        ? regimeTrace(rng, minutes)
        : mixTrace(rng, minutes);
  return { name: `synthetic-${kind}#${seed}`, stepSeconds: 60, values };
}

/** Parses `synthetic:KIND:SEED[:DAYS]`; undefined when `spec` is not a synthetic spec. Throws on a malformed one. */
export function parseSyntheticSpec(spec: string): WorkloadTrace | undefined {
  if (!spec.startsWith('synthetic:')) {
    return undefined;
  }
  const [, kind, seedText, daysText] = spec.split(':');
  if (!(SYNTHETIC_KINDS as readonly string[]).includes(kind ?? '')) {
    throw new Error(
      `${spec}: unknown synthetic kind ${JSON.stringify(kind)}; expected one of ${SYNTHETIC_KINDS.join(', ')}`
    );
  }
  const seed = Number(seedText ?? '0');
  if (!Number.isInteger(seed) || seed < 0) {
    throw new Error(`${spec}: the seed must be a whole number ≥ 0, got ${JSON.stringify(seedText)}`);
  }
  const days = daysText === undefined ? undefined : Number(daysText);
  if (days !== undefined && !(Number.isFinite(days) && days > 0 && days <= 60)) {
    throw new Error(`${spec}: days must be a number in (0, 60], got ${JSON.stringify(daysText)}`);
  }
  const k = kind as SyntheticKind;
  return syntheticTrace(k, seed, days !== undefined ? Math.round(days * 1440) : defaultSyntheticMinutes(k));
}
