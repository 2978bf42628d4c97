import { NOW } from '../../test/fixtures';
import { buildIncidentRequest, DEFAULT_INCIDENT_FORM } from './request';

const HOUR = 3_600_000;
const last = (hours: number) => ({ fromMs: NOW - hours * HOUR, toMs: NOW });

describe('buildIncidentRequest', () => {
  test('defaults: the simulator p95 latency over the page range at 60 s', () => {
    expect(DEFAULT_INCIDENT_FORM).toEqual({ expr: 'aidpe_sim_latency_seconds{quantile="0.95"}', step: '60s' });
    expect(buildIncidentRequest(DEFAULT_INCIDENT_FORM, last(6), NOW)).toEqual({
      ok: true,
      value: { query: 'aidpe_sim_latency_seconds{quantile="0.95"}', start: NOW - 6 * HOUR, end: NOW, stepSeconds: 60 },
    });
  });

  test('other ranges and steps; an empty step means 60 s; a range into the future is capped at now', () => {
    expect(buildIncidentRequest({ expr: 'up', step: '5m' }, last(48), NOW)).toMatchObject({
      ok: true,
      value: { start: NOW - 48 * HOUR, end: NOW, stepSeconds: 300 },
    });
    expect(buildIncidentRequest({ expr: 'up', step: ' ' }, last(1), NOW)).toMatchObject({
      ok: true,
      value: { stepSeconds: 60 },
    });
    expect(
      buildIncidentRequest({ expr: 'up', step: '60s' }, { fromMs: NOW - HOUR, toMs: NOW + HOUR }, NOW)
    ).toMatchObject({ ok: true, value: { end: NOW } });
  });

  test.each([
    [{ expr: '', step: '60s' }, 'Enter a PromQL expression, e.g. aidpe_sim_request_rate{service="frontend"}'],
    [{ expr: 'up{', step: '60s' }, 'Unclosed "{"'],
    [{ expr: 'up', step: 'fast' }, 'Step "fast" is not a duration (30s, 1m) or a number of seconds (60)'],
  ])('%p fails: %s', (form, error) => {
    expect(buildIncidentRequest(form, last(1), NOW)).toEqual({ ok: false, error });
  });

  test('a step longer than the range fails', () => {
    expect(buildIncidentRequest({ expr: 'up', step: '2h' }, last(1), NOW)).toEqual({
      ok: false,
      error: 'The time range is shorter than one step (2h)',
    });
  });
});
