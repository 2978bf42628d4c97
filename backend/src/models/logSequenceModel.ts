/**
 * Loads the shipped log-sequence model (models/logseq/aidpe-logseq-v1.onnx, its vocabulary and card) into
 * onnxruntime-node. Both files are checked against the card's sha256 first. A missing, tampered or
 * unloadable model is answered as "not available" with the reason; callers then score logs by template
 * frequency only and say so. Never throws.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TemplateVocabulary,
  type LogVocabularyFile,
  type NextTemplateProbabilities,
  type SequenceModelSpec,
} from '../engines/rca/logAnomaly.ts';
import { defaultModelsDir } from './paths.ts';

export const LOGSEQ_MODEL_NAME = 'aidpe-logseq-v1';

export type LogSequenceModelLoad =
  | {
      state: 'loaded';
      file: string;
      version: string | undefined;
      sha256: string;
      spec: SequenceModelSpec;
      vocabulary: TemplateVocabulary;
      nextTemplateProbabilities: NextTemplateProbabilities;
    }
  | { state: 'missing' | 'corrupt' | 'checksum_mismatch'; file: string; error: string };

interface LogSeqCard {
  version?: string;
  sha256?: string;
  window?: number;
  topG?: number;
  vocabulary?: { file?: string; sha256?: string; size?: number };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Loads `<modelsDir>/logseq/<name>.onnx`; the result says why when it cannot be used. */
export async function loadLogSequenceModel(
  opts: { modelsDir?: string | undefined; name?: string } = {}
): Promise<LogSequenceModelLoad> {
  const dir = join(opts.modelsDir ?? defaultModelsDir(), 'logseq');
  const name = opts.name ?? LOGSEQ_MODEL_NAME;
  const file = join(dir, `${name}.onnx`);
  const cardFile = join(dir, `${name}.card.json`);
  const notAvailable = (state: 'missing' | 'corrupt' | 'checksum_mismatch', error: string): LogSequenceModelLoad => ({
    state,
    file,
    error: `log sequence model not available: ${error}`,
  });
  if (!existsSync(file)) {
    return notAvailable('missing', `${file} is missing (train it with models/logseq/train.sh)`);
  }
  if (!existsSync(cardFile)) {
    return notAvailable('missing', `model card ${cardFile} is missing; the model cannot be verified`);
  }
  let card: LogSeqCard;
  try {
    card = JSON.parse(readFileSync(cardFile, 'utf8')) as LogSeqCard;
  } catch (err) {
    return notAvailable('corrupt', `model card ${cardFile} is not valid JSON: ${(err as Error).message}`);
  }
  if (!card.sha256) {
    return notAvailable('corrupt', `model card ${cardFile} has no sha256`);
  }
  if (!Number.isInteger(card.window) || card.window! < 1 || !Number.isInteger(card.topG) || card.topG! < 1) {
    return notAvailable('corrupt', `model card ${cardFile}: window and topG must be positive integers`);
  }
  const bytes = readFileSync(file);
  const digest = sha256(bytes);
  if (digest !== card.sha256) {
    return notAvailable(
      'checksum_mismatch',
      `${name}.onnx: sha256 ${digest.slice(0, 12)}… does not match the card's ${card.sha256.slice(0, 12)}…`
    );
  }
  const vocabFile = join(dir, card.vocabulary?.file ?? `${name}.vocab.json`);
  if (!existsSync(vocabFile)) {
    return notAvailable('missing', `vocabulary ${vocabFile} is missing`);
  }
  const vocabBytes = readFileSync(vocabFile);
  if (card.vocabulary?.sha256 && sha256(vocabBytes) !== card.vocabulary.sha256) {
    return notAvailable('checksum_mismatch', `${vocabFile}: sha256 does not match the card's`);
  }
  let vocabulary: TemplateVocabulary;
  try {
    vocabulary = new TemplateVocabulary(JSON.parse(vocabBytes.toString('utf8')) as LogVocabularyFile);
  } catch (err) {
    return notAvailable('corrupt', `vocabulary ${vocabFile}: ${(err as Error).message}`);
  }
  const spec: SequenceModelSpec = {
    h: card.window!,
    topG: card.topG!,
    vocabularySize: vocabulary.size,
    padId: vocabulary.padId,
    unkId: vocabulary.unkId,
  };
  try {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const input = session.inputNames[0]!;
    const output = session.outputNames[0]!;
    const nextTemplateProbabilities: NextTemplateProbabilities = async (window) => {
      if (window.length !== spec.h) {
        throw new Error(`log sequence model input: expected ${spec.h} template ids, got ${window.length}`);
      }
      const ids = BigInt64Array.from(window, (v) => BigInt(v));
      const out = await session.run({ [input]: new ort.Tensor('int64', ids, [1, spec.h]) });
      return out[output]!.data as Float32Array;
    };
    // One probe so a model of the wrong shape fails here, not mid-scoring.
    const probe = await nextTemplateProbabilities(new Int32Array(spec.h).fill(spec.padId));
    if (probe.length !== spec.vocabularySize) {
      return notAvailable(
        'corrupt',
        `${name}.onnx answers ${probe.length} probabilities, the vocabulary has ${spec.vocabularySize} ids`
      );
    }
    return {
      state: 'loaded',
      file,
      version: card.version,
      sha256: digest,
      spec,
      vocabulary,
      nextTemplateProbabilities,
    };
  } catch (err) {
    return notAvailable('corrupt', `${name}.onnx could not be loaded: ${(err as Error).message}`);
  }
}
