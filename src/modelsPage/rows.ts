/** Pure mapping of the sidecar's model list to what the Models page shows. */
import type { ForecastModelsResponse, ForecastModelStatus, ModelState } from '../api/types';

export interface ModelRow {
  id: string;
  name: string;
  version: string;
  state: ModelState;
  /** Short words for the state, and the error when it did not load. */
  stateText: string;
  parameters: string;
  trainedAt: string;
  checksum: string;
  /** e.g. "nab 0.427 · azure 0.493" (validation pinball loss per source, lower is better). */
  pinball: string;
  /** Mean 80%-interval coverage over the validation sources, as a percentage. */
  coverage80: string;
}

const STATE_TEXT: Record<ModelState, string> = {
  loaded: 'loaded',
  missing: 'file missing',
  corrupt: 'cannot load',
  checksum_mismatch: 'checksum does not match its card',
};

function formatCount(n: number | undefined): string {
  if (n === undefined) {
    return '—';
  }
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k` : String(n);
}

export function modelRow(m: ForecastModelStatus): ModelRow {
  const validation = Object.entries(m.card?.validation ?? {});
  const coverages = validation.map(([, v]) => v.coverage80).filter((c): c is number => typeof c === 'number');
  return {
    id: m.name,
    name: m.name,
    version: m.version ?? '—',
    state: m.state,
    stateText: m.error ? `${STATE_TEXT[m.state]}: ${m.error}` : STATE_TEXT[m.state],
    parameters: formatCount(m.card?.parameters),
    trainedAt: m.card?.trainedAt ? m.card.trainedAt.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '—',
    checksum: m.card?.sha256 ? `${m.card.sha256.slice(0, 12)}…` : '—',
    pinball: validation.length ? validation.map(([source, v]) => `${source} ${v.pinball.toFixed(3)}`).join(' · ') : '—',
    coverage80: coverages.length
      ? `${((100 * coverages.reduce((a, b) => a + b, 0)) / coverages.length).toFixed(1)}%`
      : '—',
  };
}

/** The one-line status the page leads with. */
export function modelsSummary(r: ForecastModelsResponse): { severity: 'success' | 'warning'; text: string } {
  const loaded = r.models.filter((m) => m.state === 'loaded').length;
  if (r.models.length === 0) {
    return {
      severity: 'warning',
      text: `No deep forecasting models installed: forecasts use the ${r.statistical.length} statistical models only.`,
    };
  }
  if (loaded < r.models.length) {
    return {
      severity: 'warning',
      text: `${loaded} of ${r.models.length} deep models loaded; forecasts fall back to the statistical models for the rest.`,
    };
  }
  return {
    severity: 'success',
    text: `${loaded} deep models loaded beside ${r.statistical.length} statistical models.`,
  };
}
