/**
 * Loads the shipped RL autoscaling policy (models/autoscale/aidpe-ppo-v1.onnx with its card) into
 * onnxruntime-node and hands back the `infer(obs) → logits` function `RlPolicy` takes. The file is checked
 * against the card's sha256 before it is loaded; a missing, tampered or unloadable model is reported as
 * such (the caller then reports the policy as not available) and never crashes the caller.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_DIM, OBS_DIM, type RlInfer } from '../engines/optimiser/rl.ts';
import { defaultModelsDir } from './paths.ts';

export const RL_MODEL_NAME = 'aidpe-ppo-v1';

export type RlModelLoad =
  | { state: 'loaded'; infer: RlInfer; file: string; version: string | undefined; sha256: string }
  | { state: 'missing' | 'corrupt' | 'checksum_mismatch'; file: string; error: string };

interface RlCard {
  version?: string;
  sha256?: string;
  inputs?: Array<{ shape?: unknown[] }>;
  outputs?: Array<{ shape?: unknown[] }>;
}

/** Loads `<modelsDir>/autoscale/aidpe-ppo-v1.onnx`; the result says why when it cannot be used. */
export async function loadRlPolicyModel(
  opts: { modelsDir?: string | undefined; name?: string } = {}
): Promise<RlModelLoad> {
  const dir = join(opts.modelsDir ?? defaultModelsDir(), 'autoscale');
  const name = opts.name ?? RL_MODEL_NAME;
  const file = join(dir, `${name}.onnx`);
  const cardFile = join(dir, `${name}.card.json`);
  if (!existsSync(file)) {
    return { state: 'missing', file, error: `RL model ${file} is missing (train it with models/autoscale/train.sh)` };
  }
  if (!existsSync(cardFile)) {
    return { state: 'missing', file, error: `model card ${cardFile} is missing; the model cannot be verified` };
  }
  let card: RlCard;
  try {
    card = JSON.parse(readFileSync(cardFile, 'utf8')) as RlCard;
  } catch (err) {
    return { state: 'corrupt', file, error: `model card ${cardFile} is not valid JSON: ${(err as Error).message}` };
  }
  const bytes = readFileSync(file);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (!card.sha256) {
    return { state: 'corrupt', file, error: `model card ${cardFile} has no sha256; the model cannot be verified` };
  }
  if (card.sha256 !== digest) {
    return {
      state: 'checksum_mismatch',
      file,
      error: `${name}.onnx: sha256 ${digest.slice(0, 12)}… does not match the card's ${card.sha256.slice(0, 12)}…`,
    };
  }
  try {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const input = session.inputNames[0]!;
    const output = session.outputNames[0]!;
    const infer: RlInfer = async (obs) => {
      if (obs.length !== OBS_DIM) {
        throw new Error(`RL model input: expected ${OBS_DIM} features, got ${obs.length}`);
      }
      const out = await session.run({ [input]: new ort.Tensor('float32', obs, [1, OBS_DIM]) });
      const logits = out[output]!.data as Float32Array;
      if (logits.length !== ACTION_DIM) {
        throw new Error(`RL model output: expected ${ACTION_DIM} logits, got ${logits.length}`);
      }
      return logits;
    };
    // One probe so a model of the wrong shape fails here, not mid-replay.
    await infer(new Float32Array(OBS_DIM));
    return { state: 'loaded', infer, file, version: card.version, sha256: digest };
  } catch (err) {
    return { state: 'corrupt', file, error: `${name}.onnx could not be loaded: ${(err as Error).message}` };
  }
}
