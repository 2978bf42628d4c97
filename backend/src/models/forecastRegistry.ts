/**
 * Loads the shipped forecasting models (models/forecast/*.onnx with their cards) into onnxruntime-node.
 * A missing, corrupt or tampered model never stops the sidecar: the engine falls back to the
 * statistical candidates and the reason is reported (CLI warnings, /api/v1/health).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATISTICAL_CANDIDATES, type Candidate } from '../engines/forecast/candidates.ts';
import { DeepForecaster, type TensorFactory } from '../engines/forecast/deep.ts';
import { defaultModelsDir } from './paths.ts';

export interface ForecastModelStatus {
  /** Candidate name in the ensemble: lstm or tft_lite. */
  name: string;
  file: string;
  version: string | undefined;
  state: 'loaded' | 'missing' | 'corrupt' | 'checksum_mismatch';
  error?: string;
  /** What the model card says, for the UI's Models page. */
  card?: ModelCardSummary;
}

export interface ModelCardSummary {
  architecture?: string;
  parameters?: number;
  trainedAt?: string;
  sha256?: string;
  /** Validation metrics per data source (normalised units): windows, pinball loss, MAE, 80% coverage. */
  validation: Record<string, { windows: number; pinball: number; mae: number; coverage80: number; naiveMae?: number }>;
}

export interface LoadedForecastModels {
  candidates: Candidate[];
  deepNames: string[];
  models: ForecastModelStatus[];
  warnings: string[];
}

interface Card {
  name?: string;
  version?: string;
  sha256?: string;
  architecture?: string;
  parameters?: number;
  trainedAt?: string;
  validation?: {
    metrics?: Record<
      string,
      { windows?: number; pinball?: number; mae?: number; coverage80?: number; naiveMae?: number }
    >;
  };
}

function summarise(card: Card): ModelCardSummary {
  const validation: ModelCardSummary['validation'] = {};
  for (const [source, m] of Object.entries(card.validation?.metrics ?? {})) {
    if ([m?.windows, m?.pinball, m?.mae, m?.coverage80].every((x) => typeof x === 'number' && Number.isFinite(x))) {
      validation[source] = { windows: m.windows!, pinball: m.pinball!, mae: m.mae!, coverage80: m.coverage80! };
      // The naive forecast's error on the same windows: mae / naiveMae is what the accuracy tracker can compare live.
      if (typeof m.naiveMae === 'number' && Number.isFinite(m.naiveMae)) {
        validation[source]!.naiveMae = m.naiveMae;
      }
    }
  }
  return {
    validation,
    ...(card.architecture ? { architecture: card.architecture } : {}),
    ...(typeof card.parameters === 'number' ? { parameters: card.parameters } : {}),
    ...(card.trainedAt ? { trainedAt: card.trainedAt } : {}),
    ...(card.sha256 ? { sha256: card.sha256 } : {}),
  };
}

function candidateName(file: string): string {
  return /lstm/i.test(file) ? 'lstm' : /tft/i.test(file) ? 'tft_lite' : file.replace(/\.onnx$/, '');
}

const cache = new Map<string, { loaded: Promise<LoadedForecastModels>; at: number }>();
/** A load with problems is retried after this long, so a model fixed on disk is picked up without a restart. */
const RETRY_FAILED_AFTER_MS = 60_000;

/** Loads once per directory; later calls share the sessions. */
export function loadForecastCandidates(
  opts: { modelsDir?: string | undefined; now?: number } = {}
): Promise<LoadedForecastModels> {
  const dir = join(opts.modelsDir ?? defaultModelsDir(), 'forecast');
  const now = opts.now ?? Date.now();
  const entry = cache.get(dir);
  if (entry) {
    const stale = now - entry.at > RETRY_FAILED_AFTER_MS;
    if (!stale) {
      return entry.loaded;
    }
    return entry.loaded.then((l) => {
      if (l.warnings.length === 0) {
        return l;
      }
      const fresh = load(dir);
      cache.set(dir, { loaded: fresh, at: now });
      return fresh;
    });
  }
  const loaded = load(dir);
  cache.set(dir, { loaded, at: now });
  return loaded;
}

async function load(dir: string): Promise<LoadedForecastModels> {
  const result: LoadedForecastModels = {
    candidates: [...STATISTICAL_CANDIDATES],
    deepNames: [],
    models: [],
    warnings: [],
  };
  if (!existsSync(dir)) {
    result.warnings.push(`no forecasting models in ${dir}; statistical models only`);
    return result;
  }
  const cards = readdirSync(dir)
    .filter((f) => f.endsWith('.card.json'))
    .sort();
  if (cards.length === 0) {
    result.warnings.push(`no model cards in ${dir}; statistical models only`);
  }
  let ort: typeof import('onnxruntime-node') | undefined;
  for (const cardFile of cards) {
    const file = cardFile.replace(/\.card\.json$/, '.onnx');
    const name = candidateName(file);
    const status: ForecastModelStatus = { name, file: join(dir, file), version: undefined, state: 'loaded' };
    result.models.push(status);
    try {
      const card = JSON.parse(readFileSync(join(dir, cardFile), 'utf8')) as Card;
      status.version = card.version;
      status.card = summarise(card);
      if (!existsSync(status.file)) {
        status.state = 'missing';
        throw new Error(`model file ${status.file} is missing`);
      }
      const bytes = readFileSync(status.file);
      const digest = createHash('sha256').update(bytes).digest('hex');
      if (card.sha256 && card.sha256 !== digest) {
        status.state = 'checksum_mismatch';
        throw new Error(
          `${file}: sha256 ${digest.slice(0, 12)}… does not match the card's ${card.sha256.slice(0, 12)}…`
        );
      }
      ort ??= await import('onnxruntime-node');
      const session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
      const runtime = ort;
      const tensor: TensorFactory = (type, data, dims) => new runtime.Tensor(type, data, dims);
      result.candidates.push(new DeepForecaster(name, session, tensor));
      result.deepNames.push(name);
    } catch (err) {
      if (status.state === 'loaded') {
        status.state = 'corrupt';
      }
      status.error = (err as Error).message;
      result.warnings.push(`${name}: ${status.error}; falling back to statistical models`);
    }
  }
  return result;
}
