import { dateTime } from '@grafana/data';
import { explainFromAlert, explainFromPanel, forecastFromPanel, labelValueOf, promqlOf, rangeMs } from './extensions';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const HOUR = 3_600_000;

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
afterEach(() => jest.restoreAllMocks());

const params = (path: string) => Object.fromEntries(new URLSearchParams(path.slice(path.indexOf('?') + 1)));

describe('reading a panel', () => {
  test('the first PromQL query and its service matcher', () => {
    expect(promqlOf([{ expr: '' }, { expr: ' rate(x{service="cart"}[5m]) ' }])).toBe('rate(x{service="cart"}[5m])');
    expect(promqlOf([{}])).toBeUndefined();
    expect(labelValueOf('x{job="a", service = "cart"}')).toBe('cart');
    expect(labelValueOf('x{service=~"cart|web"}')).toBeUndefined();
    expect(labelValueOf('x{service="we\\"ird"}')).toBe('we"ird');
  });

  test('relative and absolute ranges', () => {
    expect(rangeMs({ from: 'now-1h', to: 'now' })).toEqual({ fromMs: NOW - HOUR, toMs: NOW });
    expect(rangeMs({ from: dateTime(NOW - 2 * HOUR), to: dateTime(NOW) })).toEqual({
      fromMs: NOW - 2 * HOUR,
      toMs: NOW,
    });
    expect(rangeMs({ from: 'garbage', to: 'now' })).toBeUndefined();
  });
});

describe('Explain with AIDPE', () => {
  test('a panel naming one service opens the Incidents page with the explorer on it over the panel range', () => {
    const link = explainFromPanel({
      targets: [{ expr: 'histogram_quantile(0.95, rate(http_seconds_bucket{service="cart"}[5m]))' }],
      timeRange: { from: 'now-30m', to: 'now' },
    });
    expect(link?.path.startsWith('/a/aidpe-performance-app/incidents?')).toBe(true);
    expect(params(link!.path)).toMatchObject({
      rca: 'cart',
      rcaFrom: String(NOW - 30 * 60_000),
      rcaTo: String(NOW),
      rcaSli: 'latency',
      'var-service': 'cart',
    });
  });

  test('hidden when the panel names no single service or has no PromQL', () => {
    expect(explainFromPanel({ targets: [{ expr: 'up' }], timeRange: { from: 'now-1h', to: 'now' } })).toBeUndefined();
    expect(explainFromPanel({ targets: [], timeRange: { from: 'now-1h', to: 'now' } })).toBeUndefined();
  });

  test('an alert instance with a service label: from five minutes before it fired to now', () => {
    const link = explainFromAlert({ instance: { labels: { service: 'web' }, activeAt: NOW - HOUR } }, NOW);
    expect(params(link!.path)).toMatchObject({
      rca: 'web',
      rcaFrom: String(NOW - HOUR - 5 * 60_000),
      rcaTo: String(NOW),
    });
    expect(explainFromAlert({ instance: { labels: {} } }, NOW)).toBeUndefined();
  });
});

describe('Forecast this', () => {
  test('Explore on the AIDPE datasource with the query as a forecast, to an hour past now', () => {
    const link = forecastFromPanel(
      { targets: [{ expr: 'rate(x[5m])' }], timeRange: { from: 'now-6h', to: 'now' } },
      'aidpe-uid',
      '/grafana'
    );
    expect(link?.path.startsWith('/grafana/explore?')).toBe(true);
    const panes = JSON.parse(params(link!.path).panes!);
    expect(panes.aidpe).toEqual({
      datasource: 'aidpe-uid',
      queries: [
        {
          refId: 'A',
          datasource: { type: 'aidpe-sidecar-datasource', uid: 'aidpe-uid' },
          queryType: 'forecast',
          expr: 'rate(x[5m])',
          horizon: '1h',
        },
      ],
      range: { from: 'now-6h', to: 'now+1h' },
    });
    expect(forecastFromPanel({ targets: [{ expr: 'up' }] }, undefined)).toBeUndefined();
  });
});
