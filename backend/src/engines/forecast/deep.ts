/**
 * Deep forecasters run through onnxruntime-node (the session is handed in already loaded). Contract v1
 * (models/forecast/CONTRACT.md): a 512-sample context normalised by its median and mean absolute deviation,
 * time-of-day / day-of-week features for past and future, two static covariates, and p10/p50/p90 for 288
 * steps out. Contract v2 (the global N-HiTS-style model): the same normalised context only, same output.
 * Every window of a request goes into one batched inference call.
 */
import type { Candidate, CandidateForecast, ForecastWindow } from './candidates.ts';

export const DEEP_CONTEXT = 512;
export const DEEP_HORIZON = 288;
export const DEEP_QUANTILES = [0.1, 0.5, 0.9] as const;

/** The slice of onnxruntime's InferenceSession the engine needs, so tests can hand in a fake. */
export interface OnnxSessionLike {
  run(feeds: Record<string, OnnxTensorLike>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
}
export interface OnnxTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
}
export type TensorFactory = (type: 'float32', data: Float32Array, dims: number[]) => OnnxTensorLike;
export type DeepContract = 'v1' | 'v2';

export interface DeepInputs {
  pastValues: Float32Array;
  pastTime: Float32Array;
  futureTime: Float32Array;
  static: Float32Array;
  loc: Float64Array;
  scale: Float64Array;
}

function timeFeatures(t: number, out: Float32Array, offset: number): void {
  const d = (((t % 86400) + 86400) % 86400) / 86400;
  const w = ((((t / 86400) % 7) + 7) % 7) / 7;
  out[offset] = Math.sin(2 * Math.PI * d);
  out[offset + 1] = Math.cos(2 * Math.PI * d);
  out[offset + 2] = Math.sin(2 * Math.PI * w);
  out[offset + 3] = Math.cos(2 * Math.PI * w);
}

/** Builds the four input tensors for a batch of windows (each with at least DEEP_CONTEXT samples). */
export function buildDeepInputs(windows: ForecastWindow[]): DeepInputs {
  const B = windows.length;
  const L = DEEP_CONTEXT;
  const H = DEEP_HORIZON;
  const inputs: DeepInputs = {
    pastValues: new Float32Array(B * L),
    pastTime: new Float32Array(B * L * 4),
    futureTime: new Float32Array(B * H * 4),
    static: new Float32Array(B * 2),
    loc: new Float64Array(B),
    scale: new Float64Array(B),
  };
  const sorted = new Float64Array(L);
  windows.forEach((w, b) => {
    const ctx = w.values.subarray(w.values.length - L);
    sorted.set(ctx);
    sorted.sort();
    const loc = (sorted[L / 2 - 1]! + sorted[L / 2]!) / 2;
    let mad = 0;
    for (const v of ctx) {
      mad += Math.abs(v - loc);
    }
    mad /= L;
    const scale = Math.max(mad, 1e-3 * Math.abs(loc), 1e-9);
    inputs.loc[b] = loc;
    inputs.scale[b] = scale;
    for (let i = 0; i < L; i++) {
      inputs.pastValues[b * L + i] = Math.min(50, Math.max(-50, (ctx[i]! - loc) / scale));
      timeFeatures(w.lastTimestamp - (L - 1 - i) * w.stepSeconds, inputs.pastTime, (b * L + i) * 4);
    }
    for (let k = 0; k < H; k++) {
      timeFeatures(w.lastTimestamp + (k + 1) * w.stepSeconds, inputs.futureTime, (b * H + k) * 4);
    }
    inputs.static[b * 2] = Math.log10(w.stepSeconds) / 4;
    inputs.static[b * 2 + 1] = Math.asinh(loc / scale) / 10;
  });
  return inputs;
}

export class DeepForecaster implements Candidate {
  constructor(
    readonly name: string,
    private readonly session: OnnxSessionLike,
    private readonly tensor: TensorFactory,
    private readonly contract: DeepContract = 'v1'
  ) {}

  applicable(window: ForecastWindow, horizon: number): boolean {
    return horizon <= DEEP_HORIZON && window.values.length >= DEEP_CONTEXT && window.stepSeconds > 0;
  }

  /** Raw model output for a batch: [B, 288, 3] in the original units. */
  async infer(windows: ForecastWindow[]): Promise<Float64Array[][]> {
    const B = windows.length;
    const x = buildDeepInputs(windows);
    const pastValues = this.tensor('float32', x.pastValues, [B, DEEP_CONTEXT]);
    const out = await this.session.run(
      this.contract === 'v2'
        ? { past_values: pastValues }
        : {
            past_values: pastValues,
            past_time: this.tensor('float32', x.pastTime, [B, DEEP_CONTEXT, 4]),
            future_time: this.tensor('float32', x.futureTime, [B, DEEP_HORIZON, 4]),
            static: this.tensor('float32', x.static, [B, 2]),
          }
    );
    const q = out['quantiles'];
    if (!q) {
      throw new Error(`${this.name}: model output "quantiles" missing`);
    }
    const data = q.data as Float32Array;
    if (data.length !== B * DEEP_HORIZON * 3) {
      throw new Error(`${this.name}: expected output [${B},${DEEP_HORIZON},3], got [${q.dims.join(',')}]`);
    }
    return windows.map((_, b) =>
      DEEP_QUANTILES.map((_, j) => {
        const series = new Float64Array(DEEP_HORIZON);
        for (let k = 0; k < DEEP_HORIZON; k++) {
          series[k] = x.loc[b]! + x.scale[b]! * data[(b * DEEP_HORIZON + k) * 3 + j]!;
        }
        return series;
      })
    );
  }

  async predict(windows: ForecastWindow[], horizon: number): Promise<CandidateForecast[]> {
    const raw = await this.infer(windows);
    return raw.map(([p10, p50, p90]) => ({
      p50: p50!.slice(0, horizon),
      quantiles: new Map([
        [0.1, p10!.slice(0, horizon)],
        [0.9, p90!.slice(0, horizon)],
      ]),
    }));
  }
}
