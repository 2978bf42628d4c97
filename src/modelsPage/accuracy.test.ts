import type { ModelAccuracy } from '../api/types';
import { driftBadge, metricPoints, rollingVsReference, seriesAccuracyRow } from './accuracy';

const base: ModelAccuracy = {
  model: 'lstm',
  kind: 'deep',
  metric: 'relativeToNaive',
  points: [
    { t: 1, backtestMase: 2, relativeToNaive: 0.5 },
    { t: 2, backtestMase: 3 },
    { t: 3, backtestMase: 2, relativeToNaive: 0.9 },
  ],
  rolling: 0.9,
  rollingCoverage80: null,
  reference: { value: 0.5, source: 'model card (sim validation, mae/naiveMae)' },
  ratio: 1.8,
  drift: true,
  coverageDrift: false,
  status: 'drift',
  reason: 'r',
};

describe('accuracy rows', () => {
  it('takes the judged metric only', () => {
    expect(metricPoints(base)).toEqual([
      { t: 1, v: 0.5 },
      { t: 3, v: 0.9 },
    ]);
  });

  it('colours the drift badge: red for drift, orange for coverage drift, green within, blue while collecting', () => {
    expect(driftBadge(base)).toEqual({ color: 'red', text: 'drift ×1.80' });
    expect(driftBadge({ ...base, drift: false, coverageDrift: true })).toEqual({
      color: 'orange',
      text: 'coverage drift',
    });
    expect(driftBadge({ ...base, drift: false, ratio: 1.1, status: 'ok' })).toEqual({
      color: 'green',
      text: 'ok ×1.10',
    });
    expect(driftBadge({ ...base, drift: false, rolling: null, ratio: null, status: 'insufficient' }).color).toBe(
      'blue'
    );
  });

  it('states the rolling value against the reference and where it comes from', () => {
    expect(rollingVsReference(base)).toBe('0.900 vs 0.500 (model card (sim validation, mae/naiveMae))');
    expect(rollingVsReference({ ...base, reference: null })).toBe('0.900 vs no reference yet');
  });

  it('formats a series row, with dashes before the first forecast matures', () => {
    const s = {
      key: 'k',
      name: 'rate{service="cart"}',
      query: 'q',
      labels: {},
      model: 'naive',
      lastIssuedMs: 0,
      pendingForecasts: 2,
    };
    expect(seriesAccuracyRow({ ...s, realised: null })).toMatchObject({
      mase: '—',
      coverage80: '—',
      issued: 'not matured yet',
      pending: 2,
    });
    const row = seriesAccuracyRow({
      ...s,
      realised: {
        issuedAtMs: Date.UTC(2025, 0, 1, 3),
        scoredAtMs: 0,
        mase: 0.75,
        coverage80: 0.8,
        wql: 0.1234,
        scaledPinball: 0.2,
        points: 30,
      },
    });
    expect(row).toMatchObject({ mase: '0.750', coverage80: '80%', wql: '0.123', issued: '2025-01-01 03:00 UTC' });
  });
});
