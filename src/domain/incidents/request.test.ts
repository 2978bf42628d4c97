import { NOW } from '../../test/fixtures';
import { buildIncidentRequest, DEFAULT_INCIDENT_FORM, INCIDENT_RANGES } from './request';

const HOUR = 3_600_000;

describe('buildIncidentRequest', () => {
  test('defaults: the simulator p95 latency over the last 6 h at 60 s', () => {
    expect(DEFAULT_INCIDENT_FORM).toEqual({
      expr: 'aidpe_sim_latency_seconds{quantile="0.95"}',
      range: '6h',
      step: '60s',
    });
    expect(buildIncidentRequest(DEFAULT_INCIDENT_FORM, NOW)).toEqual({
      ok: true,
      value: { query: 'aidpe_sim_latency_seconds{quantile="0.95"}', start: NOW - 6 * HOUR, end: NOW, stepSeconds: 60 },
    });
  });

  test('other ranges and steps; an empty step means 60 s', () => {
    expect(buildIncidentRequest({ expr: 'up', range: '2d', step: '5m' }, NOW)).toMatchObject({
      ok: true,
      value: { start: NOW - 48 * HOUR, end: NOW, stepSeconds: 300 },
    });
    expect(buildIncidentRequest({ expr: 'up', range: '1h', step: ' ' }, NOW)).toMatchObject({
      ok: true,
      value: { stepSeconds: 60 },
    });
  });

  test('every offered range builds a request at the default step', () => {
    for (const { value } of INCIDENT_RANGES) {
      expect(buildIncidentRequest({ ...DEFAULT_INCIDENT_FORM, range: value }, NOW).ok).toBe(true);
    }
  });

  test.each([
    [
      { expr: '', range: '6h', step: '60s' },
      'Enter a PromQL expression, e.g. aidpe_sim_request_rate{service="frontend"}',
    ],
    [{ expr: 'up{', range: '6h', step: '60s' }, 'Unclosed "{"'],
    [{ expr: 'up', range: 'yesterday', step: '60s' }, 'Range "yesterday" is not a duration such as 6h'],
    [{ expr: 'up', range: '6h', step: 'fast' }, 'Step "fast" is not a duration (30s, 1m) or a number of seconds (60)'],
    [{ expr: 'up', range: '1h', step: '2h' }, 'The time range is shorter than one step (2h)'],
  ])('%p fails: %s', (form, error) => {
    expect(buildIncidentRequest(form, NOW)).toEqual({ ok: false, error });
  });
});
