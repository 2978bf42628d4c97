import { createDataFrame, FieldType } from '@grafana/data';
import { anomalyRegion, anomalyResponse, NOW, seriesAnomalies, STEP_MS } from '../../test/fixtures';
import {
  anomalyAnnotationsFrame,
  anomalyMeta,
  anomalyResponseToFrames,
  framesToAnnotationEvents,
  insufficientDataNotice,
} from './anomalyFrames';

describe('anomalyResponseToFrames', () => {
  test('one frame per series: time, value, score; labels on the number fields; gaps kept', () => {
    const [frame] = anomalyResponseToFrames(anomalyResponse(), 'A');
    expect(frame.refId).toBe('A');
    expect(frame.name).toBe('aidpe_sim_latency_seconds{quantile="0.95", service="cart"}');
    expect(frame.length).toBe(6);
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['time', FieldType.time],
      ['value', FieldType.number],
      ['score', FieldType.number],
    ]);
    const [time, value, score] = frame.fields;
    expect(time.values[1] - time.values[0]).toBe(STEP_MS);
    expect(value.values).toEqual([0.21, 0.22, null, 0.61, 0.74, 0.58]);
    expect(score.values).toEqual([0.1, 0.2, 0, 0.991, 0.99731, 0.989]);
    expect(value.labels).toEqual({ __name__: 'aidpe_sim_latency_seconds', quantile: '0.95', service: 'cart' });
    expect(score.labels).toEqual(value.labels);
    expect(time.labels).toBeUndefined();
    expect(value.config.displayNameFromDS).toBeUndefined();
  });

  test('the score sits on a right axis, 0..1, even when the sidecar sends no config', () => {
    const series = seriesAnomalies();
    series.frame.fields[2].config = undefined;
    const [frame] = anomalyResponseToFrames(anomalyResponse({ series: [series] }), 'A');
    const score = frame.fields[2];
    expect(score.config).toMatchObject({
      min: 0,
      max: 1,
      custom: { axisPlacement: 'right', axisLabel: 'how unusual (score)' },
    });
    expect(score.config.description).toMatch(/anomaly score, 0..1/);

    const [withConfig] = anomalyResponseToFrames(anomalyResponse(), 'A');
    expect(withConfig.fields[2].config.custom).toEqual({
      axisPlacement: 'right',
      drawStyle: 'line',
      axisLabel: 'how unusual (score)',
    });
    // The value field keeps the left axis.
    expect(withConfig.fields[1].config.custom?.axisPlacement).toBeUndefined();
  });

  test('meta.custom carries regions, threshold and its source; no notice when ok', () => {
    const regions = [anomalyRegion(), anomalyRegion({ startMs: NOW - 60 * STEP_MS, severity: 'critical' })];
    const response = anomalyResponse({
      series: [seriesAnomalies({ regions, threshold: 0.994, thresholdSource: 'feedback' })],
    });
    const [frame] = anomalyResponseToFrames(response, 'A');
    expect(frame.meta?.preferredVisualisationType).toBe('graph');
    expect(frame.meta?.custom).toEqual({
      aidpe: 'anomalies',
      status: 'ok',
      seriesKey: '{__name__="aidpe_sim_latency_seconds",quantile="0.95",service="cart"}',
      labels: { __name__: 'aidpe_sim_latency_seconds', quantile: '0.95', service: 'cart' },
      threshold: 0.994,
      thresholdSource: 'feedback',
      regions,
      storeAvailable: true,
    });
    expect(frame.meta?.custom?.regions[0]).not.toBe(regions[0]);
    expect(frame.meta?.notices).toBeUndefined();
  });

  test('insufficient data: a warning notice with the reason, and the status in meta', () => {
    const series = seriesAnomalies({
      status: 'insufficient_data',
      reason: '6 finite sample(s); the detector needs 288 before it scores (scores are 0 until then)',
      regions: [],
    });
    const [frame] = anomalyResponseToFrames(anomalyResponse({ series: [series], storeAvailable: false }), 'B');
    expect(frame.meta?.notices).toEqual([
      {
        severity: 'warning',
        text:
          'Not enough data to score aidpe_sim_latency_seconds{quantile="0.95", service="cart"}: ' +
          '6 finite sample(s); the detector needs 288 before it scores (scores are 0 until then)',
        inspect: 'meta',
      },
    ]);
    expect(frame.meta?.custom).toMatchObject({ status: 'insufficient_data', regions: [], storeAvailable: false });
    expect(insufficientDataNotice({ name: 's', status: 'insufficient_data' })?.text).toBe(
      'Not enough data to score s: the sidecar gave no reason'
    );
    expect(insufficientDataNotice({ name: 's', status: 'ok' })).toBeUndefined();
  });

  test('several series: unique display names; warnings on the first frame only', () => {
    const frames = anomalyResponseToFrames(
      anomalyResponse({
        series: [seriesAnomalies({ service: 'cart' }), seriesAnomalies({ service: 'frontend' })],
        warnings: ['60 series matched; only the first 50 were scored'],
      }),
      'A'
    );
    expect(frames).toHaveLength(2);
    expect(frames[1].fields[2].config.displayNameFromDS).toBe(
      'score aidpe_sim_latency_seconds{quantile="0.95", service="frontend"}'
    );
    expect(frames[1].fields[2].config.custom.axisPlacement).toBe('right');
    expect(frames[0].meta?.notices).toEqual([
      { severity: 'warning', text: '60 series matched; only the first 50 were scored' },
    ]);
    expect(frames[1].meta?.notices).toBeUndefined();
  });

  test('no series: an empty frame that says why', () => {
    const [empty] = anomalyResponseToFrames(
      anomalyResponse({ series: [], warnings: ['the query returned no series between a and b'] }),
      'C'
    );
    expect(empty.refId).toBe('C');
    expect(empty.fields).toEqual([]);
    expect(empty.meta?.notices).toEqual([
      { severity: 'warning', text: 'the query returned no series between a and b' },
    ]);
    const [silent] = anomalyResponseToFrames(anomalyResponse({ series: [] }), 'D');
    expect(silent.meta?.notices).toEqual([{ severity: 'warning', text: 'The query returned no series to score' }]);
  });
});

test('anomalyMeta leaves out an absent reason and copies labels', () => {
  const series = seriesAnomalies();
  const meta = anomalyMeta(series, true);
  expect('reason' in meta).toBe(false);
  expect(meta.labels).not.toBe(series.labels);
});

describe('annotations', () => {
  test('one frame of events: id, time, timeEnd, title, text, tags', () => {
    const frame = anomalyAnnotationsFrame(anomalyResponse(), 'Anno');
    expect(frame.refId).toBe('Anno');
    expect(frame.length).toBe(1);
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', FieldType.string],
      ['time', FieldType.time],
      ['timeEnd', FieldType.time],
      ['title', FieldType.string],
      ['text', FieldType.string],
      ['tags', FieldType.other],
    ]);
    const region = anomalyRegion();
    expect(frame.fields.map((f) => f.values[0])).toEqual([
      region.id,
      region.startMs,
      region.endMs,
      'Anomaly (high) on aidpe_sim_latency_seconds{quantile="0.95", service="cart"}',
      `peak score 0.9973 at ${new Date(region.peakMs).toISOString()}; 3 point(s) over threshold 0.988 (default)`,
      ['aidpe', 'anomaly', 'high'],
    ]);
    expect(frame.meta?.notices).toBeUndefined();
  });

  test('warnings and unscored series become notices on the annotation frame', () => {
    const frame = anomalyAnnotationsFrame(
      anomalyResponse({
        series: [seriesAnomalies({ status: 'insufficient_data', reason: 'too short', regions: [] })],
        warnings: ['w'],
      }),
      'Anno'
    );
    expect(frame.length).toBe(0);
    expect(frame.meta?.notices?.map((n) => n.text)).toEqual([
      'w',
      'Not enough data to score aidpe_sim_latency_seconds{quantile="0.95", service="cart"}: too short',
    ]);
  });

  test('frames → region events (isRegion when the end lies after the start)', () => {
    const point = anomalyRegion({ startMs: NOW, endMs: NOW, id: 'an-point', severity: 'low' });
    const response = anomalyResponse({ series: [seriesAnomalies({ regions: [anomalyRegion(), point] })] });
    const events = framesToAnnotationEvents([anomalyAnnotationsFrame(response, 'Anno')]);
    expect(events).toEqual([
      {
        id: anomalyRegion().id,
        time: anomalyRegion().startMs,
        timeEnd: anomalyRegion().endMs,
        isRegion: true,
        title: 'Anomaly (high) on aidpe_sim_latency_seconds{quantile="0.95", service="cart"}',
        text: expect.stringContaining('peak score 0.9973'),
        tags: ['aidpe', 'anomaly', 'high'],
      },
      expect.objectContaining({
        id: 'an-point',
        time: NOW,
        timeEnd: NOW,
        isRegion: false,
        tags: ['aidpe', 'anomaly', 'low'],
      }),
    ]);
  });

  test('events from hand-made frames: comma-separated tags, missing fields, unusable times, empty frames', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1000, null, 3000] },
        { name: 'text', type: FieldType.string, values: ['a', 'b', 'c'] },
        { name: 'tags', type: FieldType.string, values: ['x, y', 'z', ''] },
      ],
    });
    expect(framesToAnnotationEvents([createDataFrame({ fields: [] }), frame])).toEqual([
      { time: 1000, timeEnd: 1000, isRegion: false, title: '', text: 'a', tags: ['x', 'y'] },
      { time: 3000, timeEnd: 3000, isRegion: false, title: '', text: 'c', tags: [] },
    ]);
  });
});
