/**
 * Loads the shipped multivariate autoencoder (models/mvae/aidpe-mvae-v1.onnx and its card) into
 * onnxruntime-node, checked against the card's sha256 first. A missing, tampered or unloadable model is
 * answered as "not available" with the reason; the anomaly route then scores groups with PCA and says so.
 * Never throws. The answered `reconstruct` is batched: one `session.run` per call, any batch size.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MvNormalisation, Reconstruct } from '../engines/anomaly/detectors/autoencoder.ts';
import { defaultModelsDir } from './paths.ts';

export const MVAE_MODEL_NAME = 'aidpe-mvae-v1';

export interface MvaeSpec {
  window: number;
  features: string[];
  warmUp: number;
  normalisation: MvNormalisation;
  /** The card's scoring weight of the newest window step (1 when the card has none). */
  newestStepWeight: number;
}

export type MvaeModelLoad =
  | {
      state: 'loaded';
      file: string;
      version: string | undefined;
      sha256: string;
      spec: MvaeSpec;
      reconstruct: Reconstruct;
    }
  | { state: 'missing' | 'corrupt' | 'checksum_mismatch'; file: string; error: string };

interface MvaeCard {
  version?: string;
  sha256?: string;
  window?: number;
  features?: string[];
  normalisation?: Partial<MvNormalisation> & { warmUp?: number };
  scoring?: { newestStepWeight?: number };
}

/** Loads `<modelsDir>/mvae/<name>.onnx`; the result says why when it cannot be used. */
export async function loadMvaeModel(
  opts: { modelsDir?: string | undefined; name?: string } = {}
): Promise<MvaeModelLoad> {
  const dir = join(opts.modelsDir ?? defaultModelsDir(), 'mvae');
  const name = opts.name ?? MVAE_MODEL_NAME;
  const file = join(dir, `${name}.onnx`);
  const cardFile = join(dir, `${name}.card.json`);
  const notAvailable = (state: 'missing' | 'corrupt' | 'checksum_mismatch', error: string): MvaeModelLoad => ({
    state,
    file,
    error: `multivariate autoencoder not available: ${error}`,
  });
  if (!existsSync(file)) {
    return notAvailable('missing', `${file} is missing (train it with models/mvae/train.sh)`);
  }
  if (!existsSync(cardFile)) {
    return notAvailable('missing', `model card ${cardFile} is missing; the model cannot be verified`);
  }
  let card: MvaeCard;
  try {
    card = JSON.parse(readFileSync(cardFile, 'utf8')) as MvaeCard;
  } catch (err) {
    return notAvailable('corrupt', `model card ${cardFile} is not valid JSON: ${(err as Error).message}`);
  }
  if (!card.sha256) {
    return notAvailable('corrupt', `model card ${cardFile} has no sha256`);
  }
  const n = card.normalisation;
  if (
    !Number.isInteger(card.window) ||
    card.window! < 1 ||
    !Array.isArray(card.features) ||
    card.features.length < 2 ||
    !n
  ) {
    return notAvailable(
      'corrupt',
      `model card ${cardFile}: needs window (positive integer), features (two or more) and normalisation`
    );
  }
  const normalisation: MvNormalisation = {
    alpha: Number(n.alpha),
    normWarmUp: Number(n.normWarmUp),
    sdFloor: Number(n.sdFloor),
    clip: Number(n.clip),
  };
  if (!Object.values(normalisation).every((v) => Number.isFinite(v) && v > 0)) {
    return notAvailable(
      'corrupt',
      `model card ${cardFile}: normalisation alpha, normWarmUp, sdFloor and clip must be positive numbers`
    );
  }
  const bytes = readFileSync(file);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== card.sha256) {
    return notAvailable(
      'checksum_mismatch',
      `${name}.onnx: sha256 ${digest.slice(0, 12)}… does not match the card's ${card.sha256.slice(0, 12)}…`
    );
  }
  const newestStepWeight = card.scoring?.newestStepWeight ?? 1;
  if (!(Number.isFinite(newestStepWeight) && newestStepWeight > 0)) {
    return notAvailable('corrupt', `model card ${cardFile}: scoring.newestStepWeight must be a positive number`);
  }
  const spec: MvaeSpec = {
    window: card.window!,
    features: card.features,
    warmUp: Number.isInteger(n.warmUp) ? n.warmUp! : 288,
    normalisation,
    newestStepWeight,
  };
  const width = spec.window * spec.features.length;
  try {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const input = session.inputNames[0]!;
    const output = session.outputNames[0]!;
    const reconstruct: Reconstruct = async (batch, count) => {
      if (batch.length !== count * width) {
        throw new Error(`multivariate autoencoder input: expected ${count} × ${width} values, got ${batch.length}`);
      }
      const out = await session.run({ [input]: new ort.Tensor('float32', batch, [count, width]) });
      return out[output]!.data as Float32Array;
    };
    // One probe so a model of the wrong shape fails here, not mid-scoring.
    const probe = await reconstruct(new Float32Array(width), 1);
    if (probe.length !== width) {
      return notAvailable('corrupt', `${name}.onnx answers ${probe.length} values for an input of ${width}`);
    }
    return { state: 'loaded', file, version: card.version, sha256: digest, spec, reconstruct };
  } catch (err) {
    return notAvailable('corrupt', `${name}.onnx could not be loaded: ${(err as Error).message}`);
  }
}
