/**
 * Loads the forecasting candidates: the fast statistical ones, augurs AutoETS and MSTL (WASM, augursRuntime.ts)
 * and the shipped deep models (models/forecast/*.onnx with their cards) in onnxruntime-node. Leave-one-source-
 * out fold models (models/forecast/loso/*.onnx, each trained without one source) are loaded for the evaluation.
 * A missing, corrupt or tampered model never stops the sidecar: the engine falls back to the other candidates
 * and the reason is reported (CLI warnings, /api/v1/health).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { augursCandidates } from '../engines/forecast/augurs.ts';
import { STATISTICAL_CANDIDATES, type Candidate } from '../engines/forecast/candidates.ts';
import { DeepForecaster, type DeepContract, type TensorFactory } from '../engines/forecast/deep.ts';
import { augursModels } from './augursRuntime.ts';
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
  /** Leave-one-source-out fold models: the deep candidate(s) trained without `source`. */
  folds?: Array<{ source: string; candidates: Candidate[] }>;
}

/** The candidates to evaluate a source with: its fold's deep models (never trained on it) when there are. */
export function candidatesForSource(loaded: LoadedForecastModels, source: string): Candidate[] {
  const fold = loaded.folds?.find((f) => f.source === source);
  if (!fold) {
    return loaded.candidates;
  }
  return [...loaded.candidates.filter((c) => !loaded.deepNames.includes(c.name)), ...fold.candidates];
}

interface Card {
  name?: string;
  /** Candidate name in the ensemble (default: from the file name). */
  candidate?: string;
  /** Input contract: v1 (values, time features, statics) or v2 (normalised values only). */
  contract?: DeepContract;
  /** Fold models: the source left out of training. */
  heldOutSource?: string;
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

function candidateName(file: string, card?: Card): string {
  if (card?.candidate) {
    return card.candidate;
  }
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

function statisticalAndAugurs(warnings: string[]): Candidate[] {
  const candidates = [...STATISTICAL_CANDIDATES];
  try {
    candidates.push(...augursCandidates(augursModels()));
  } catch (err) {
    warnings.push(`augurs AutoETS/MSTL unavailable (${(err as Error).message}); fast statistical models only`);
  }
  return candidates;
}

async function load(dir: string): Promise<LoadedForecastModels> {
  const warnings: string[] = [];
  const result: LoadedForecastModels = {
    candidates: statisticalAndAugurs(warnings),
    deepNames: [],
    models: [],
    warnings,
    folds: [],
  };
  if (!existsSync(dir)) {
    result.warnings.push(`no forecasting models in ${dir}; statistical models only`);
    return result;
  }
  const main = await loadDeepModels(dir, result.warnings);
  result.models.push(...main.map((m) => m.status));
  for (const m of main) {
    if (m.candidate) {
      result.candidates.push(m.candidate);
      result.deepNames.push(m.candidate.name);
    }
  }
  if (main.length === 0) {
    result.warnings.push(`no model cards in ${dir}; statistical models only`);
  }
  const foldDir = join(dir, 'loso');
  if (existsSync(foldDir)) {
    const bySource = new Map<string, Candidate[]>();
    for (const m of await loadDeepModels(foldDir, result.warnings)) {
      if (m.candidate && m.heldOutSource) {
        bySource.set(m.heldOutSource, [...(bySource.get(m.heldOutSource) ?? []), m.candidate]);
      }
    }
    result.folds = [...bySource].map(([source, candidates]) => ({ source, candidates }));
  }
  return result;
}

async function loadDeepModels(
  dir: string,
  warnings: string[]
): Promise<Array<{ status: ForecastModelStatus; candidate?: Candidate; heldOutSource?: string }>> {
  const cards = readdirSync(dir)
    .filter((f) => f.endsWith('.card.json'))
    .sort();
  const out: Array<{ status: ForecastModelStatus; candidate?: Candidate; heldOutSource?: string }> = [];
  let ort: typeof import('onnxruntime-node') | undefined;
  for (const cardFile of cards) {
    const file = cardFile.replace(/\.card\.json$/, '.onnx');
    const status: ForecastModelStatus = {
      name: candidateName(file),
      file: join(dir, file),
      version: undefined,
      state: 'loaded',
    };
    const entry: { status: ForecastModelStatus; candidate?: Candidate; heldOutSource?: string } = { status };
    out.push(entry);
    try {
      const card = JSON.parse(readFileSync(join(dir, cardFile), 'utf8')) as Card;
      status.name = candidateName(file, card);
      status.version = card.version;
      status.card = summarise(card);
      if (card.heldOutSource) {
        entry.heldOutSource = card.heldOutSource;
      }
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
      entry.candidate = new DeepForecaster(status.name, session, tensor, card.contract ?? 'v1');
    } catch (err) {
      if (status.state === 'loaded') {
        status.state = 'corrupt';
      }
      status.error = (err as Error).message;
      warnings.push(`${status.name}: ${status.error}; falling back to statistical models`);
    }
  }
  return out;
}
