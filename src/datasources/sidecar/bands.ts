/**
 * Display limit on forecast bands. On a short history the sidecar's conformal bands can fan out far beyond
 * anything the series has done (an 80% band reaching four times the level within an hour), which flattens the
 * history against the axis and says little. A prediction band wider than the series' own recent spread is
 * worse than that spread itself (the climatological band, which knows nothing of the present), so each band
 * is limited to {@link BAND_SPREAD_MULTIPLE}× the matching spread of the recent history around the median:
 * the 80% band by the history's p10–p50–p90, the 95% band by its p2.5–p50–p97.5, over the last
 * {@link RECENT_WINDOW_MS} of history (all of it when shorter). A series that never went below zero keeps its
 * band at or above zero. Whenever a band is limited, the frame says so (a notice with the widest ratio), so the
 * limit is never silent.
 */
import type { QueryResultMetaNotice } from '@grafana/data';
import type { SidecarFrameJson } from '../../api/types';

/** How far a band may reach, in multiples of the recent history's own spread on each side of the median. */
export const BAND_SPREAD_MULTIPLE = 2;
/** "Recent" history: the last day (a full daily cycle), or all of it when shorter. */
export const RECENT_WINDOW_MS = 24 * 3_600_000;
/** Fewer recent points than this: no spread to speak of, bands are left as they are. */
const MIN_POINTS = 10;

type Values = Array<number | null>;

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

interface BandSpec {
  lower: string;
  upper: string;
  qLow: number;
  qHigh: number;
  label: string;
}

const BANDS: readonly BandSpec[] = [
  { lower: 'lower', upper: 'upper', qLow: 0.1, qHigh: 0.9, label: '80% band' },
  { lower: 'lower95', upper: 'upper95', qLow: 0.025, qHigh: 0.975, label: '95% band' },
];

export interface BandLimit {
  frame: SidecarFrameJson;
  /** Set when a band was limited: how and by how much, for the panel. */
  notice?: QueryResultMetaNotice;
}

/** The frame with its bands limited to the recent history's spread (a copy; the input is not changed). */
export function limitBands(json: SidecarFrameJson): BandLimit {
  const field = (name: string) => json.fields.find((f) => f.name === name);
  const time = field('time')?.values;
  const value = field('value')?.values;
  const median = field('forecast')?.values;
  if (!time || !value || !median) {
    return { frame: json };
  }
  let lastActual = -1;
  for (let i = value.length - 1; i >= 0; i--) {
    if (typeof value[i] === 'number') {
      lastActual = i;
      break;
    }
  }
  if (lastActual < 0) {
    return { frame: json };
  }
  const since = Number(time[lastActual]) - RECENT_WINDOW_MS;
  const recent = value
    .filter((v, i): v is number => typeof v === 'number' && Number.isFinite(v) && Number(time[i]) > since)
    .sort((a, b) => a - b);
  if (recent.length < MIN_POINTS) {
    return { frame: json };
  }
  const p50 = quantile(recent, 0.5);
  const nonNegative = recent[0]! >= 0;

  const limited = new Map<string, Values>();
  const widest: Array<{ label: string; ratio: number }> = [];
  for (const band of BANDS) {
    const lower = field(band.lower)?.values;
    const upper = field(band.upper)?.values;
    if (!lower || !upper) {
      continue;
    }
    const below = p50 - quantile(recent, band.qLow);
    const above = quantile(recent, band.qHigh) - p50;
    if (!(below > 0 && above > 0)) {
      continue;
    }
    const lo = [...lower];
    const hi = [...upper];
    let ratio = 1;
    for (let k = lastActual + 1; k < median.length; k++) {
      const m = median[k];
      if (typeof m !== 'number') {
        continue;
      }
      const floor = Math.max(m - BAND_SPREAD_MULTIPLE * below, nonNegative ? 0 : -Infinity);
      const ceiling = m + BAND_SPREAD_MULTIPLE * above;
      const l = lo[k];
      const u = hi[k];
      if (typeof l === 'number' && l < floor) {
        ratio = Math.max(ratio, (m - l) / (m - floor || 1));
        lo[k] = floor;
      }
      if (typeof u === 'number' && u > ceiling) {
        ratio = Math.max(ratio, (u - m) / (ceiling - m));
        hi[k] = ceiling;
      }
    }
    if (ratio > 1) {
      limited.set(band.lower, lo);
      limited.set(band.upper, hi);
      widest.push({ label: band.label, ratio });
    }
  }
  if (limited.size === 0) {
    return { frame: json };
  }
  const hours = Math.round(
    Math.min(RECENT_WINDOW_MS, Number(time[lastActual]) - Number(time[value.findIndex((v) => v !== null)])) / 3_600_000
  );
  const frame: SidecarFrameJson = {
    ...json,
    fields: json.fields.map((f) => (limited.has(f.name) ? { ...f, values: limited.get(f.name)! } : f)),
  };
  const what = widest.map((w) => `the ${w.label} (up to ${w.ratio.toFixed(1)}× wider)`).join(' and ');
  return {
    frame,
    notice: {
      severity: 'info',
      text: `Shown limited to ${BAND_SPREAD_MULTIPLE}× the spread of the last ${hours || '<1'} h of history: ${what}; the model's band says the forecast is very uncertain`,
      inspect: 'meta',
    },
  };
}
