import { anomalyRegion, anomalyResponse, feedbackRecord, NOW, seriesAnomalies, STEP_MS } from '../../test/fixtures';
import { describeFeedback, latestFeedbackByRegion, regionsToRows, summarizeRegions } from './rows';

describe('regionsToRows', () => {
  test('one row per region with display strings (UTC in tests)', () => {
    const [row] = regionsToRows(anomalyResponse());
    const region = anomalyRegion();
    expect(row).toEqual({
      id: region.id,
      series: 'aidpe_sim_latency_seconds{quantile="0.95", service="cart"}',
      seriesKey: region.seriesKey,
      service: 'cart',
      startMs: region.startMs,
      endMs: region.endMs,
      start: '2025-01-01 11:57:00',
      end: '2025-01-01 11:59:00',
      duration: '2m',
      severity: 'high',
      severityRank: 2,
      peakScore: 0.99731,
      peakScoreText: '0.9973',
      threshold: 0.988,
      thresholdSource: 'default',
    });
  });

  test('most recent first across series, then by series name; single-point regions last one step', () => {
    const early = anomalyRegion({
      id: 'early',
      startMs: NOW - 60 * STEP_MS,
      endMs: NOW - 60 * STEP_MS,
      severity: 'critical',
    });
    const response = anomalyResponse({
      series: [
        seriesAnomalies({ service: 'frontend' }),
        seriesAnomalies({ service: 'cart', regions: [early, anomalyRegion()] }),
      ],
    });
    const rows = regionsToRows(response);
    expect(rows.map((r) => [r.id, r.series.match(/service="(\w+)"/)![1]])).toEqual([
      [anomalyRegion().id, 'cart'],
      [`an-frontend-${NOW - 3 * STEP_MS}`, 'frontend'],
      ['early', 'cart'],
    ]);
    expect(rows[2]).toMatchObject({ duration: 'one step', severity: 'critical', severityRank: 3 });
  });

  test('the latest feedback per region is attached', () => {
    const older = feedbackRecord({ id: 1, verdict: 'true_positive' });
    const newer = feedbackRecord({ id: 2, verdict: 'false_positive' });
    const other = feedbackRecord({ id: 3, regionId: 'an-elsewhere' });
    const byRegion = latestFeedbackByRegion([older, newer, other]);
    expect(byRegion.get(anomalyRegion().id)).toBe(newer);
    expect(byRegion.size).toBe(2);
    const [row] = regionsToRows(anomalyResponse(), byRegion);
    expect(row.feedback).toBe(newer);
    expect(regionsToRows(anomalyResponse())[0]).not.toHaveProperty('feedback');
  });

  test('no series or no regions: no rows', () => {
    expect(regionsToRows(anomalyResponse({ series: [] }))).toEqual([]);
    expect(regionsToRows(anomalyResponse({ series: [seriesAnomalies({ regions: [] })] }))).toEqual([]);
  });
});

test('summarizeRegions', () => {
  expect(summarizeRegions(anomalyResponse({ series: [seriesAnomalies({ regions: [] })] }))).toBe(
    'No anomalous regions on 1 series'
  );
  expect(summarizeRegions(anomalyResponse())).toBe('1 anomalous region on 1 of 1 series: 1 high');
  const response = anomalyResponse({
    series: [
      seriesAnomalies({
        service: 'cart',
        regions: [anomalyRegion({ id: 'a', severity: 'critical' }), anomalyRegion({ id: 'b', severity: 'low' })],
      }),
      seriesAnomalies({ service: 'frontend', regions: [anomalyRegion({ id: 'c', severity: 'low' })] }),
      seriesAnomalies({ service: 'checkout', regions: [] }),
    ],
  });
  expect(summarizeRegions(response)).toBe('3 anomalous regions on 2 of 3 series: 1 critical, 2 low');
});

test('describeFeedback', () => {
  expect(describeFeedback(feedbackRecord())).toBe('False positive by ann: threshold 0.988 → 0.994');
  expect(
    describeFeedback(feedbackRecord({ verdict: 'true_positive', thresholdBefore: 0.994, thresholdAfter: 0.988 }))
  ).toBe('True positive by ann: threshold 0.994 → 0.988');
  expect(describeFeedback(feedbackRecord({ thresholdAfter: 0.1 + 0.2 }))).toBe(
    'False positive by ann: threshold 0.988 → 0.3'
  );
});
