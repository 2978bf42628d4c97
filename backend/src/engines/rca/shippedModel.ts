/**
 * The evidence model that ships with AIDPE: fitted by `aidpe rca-fit` (leave-one-dataset-out cross-validation
 * over the Nezha day, the PetShop train split and the simulator suite) and stored with how it was fitted in
 * `models/rca/`. A static import, not a file read: the engine stays free of I/O.
 */
import file from '../../../../models/rca/aidpe-rca-evidence-v1.json' with { type: 'json' };
import { FEATURES, type EvidenceModel, type FeatureName } from './evidenceModel.ts';

function check(raw: typeof file): EvidenceModel {
  const features = raw.features as FeatureName[];
  const unknown = features.filter((f) => !(FEATURES as readonly string[]).includes(f));
  if (unknown.length > 0 || raw.weights.length !== features.length) {
    throw new Error(
      `models/rca/aidpe-rca-evidence-v1.json: unknown features ${unknown.join(', ')} or weights of the wrong length`
    );
  }
  return { version: raw.version, features, weights: raw.weights, tiers: raw.tiers };
}

export const SHIPPED_EVIDENCE_MODEL: EvidenceModel = check(file);
