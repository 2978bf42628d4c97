import { unitForMetric } from './units';

test.each([
  ['aidpe_sim_latency_seconds', 's'],
  ['http_request_duration_seconds', 's'],
  ['process_cpu_seconds_total', 's'],
  ['aidpe_sim_memory_bytes', 'bytes'],
  ['aidpe_sim_error_ratio', 'percentunit'],
  ['aidpe_sim_request_rate', 'reqps'],
  ['up', undefined],
  ['http_requests_total', undefined],
  [undefined, undefined],
])('%s → %s', (metric, unit) => {
  expect(unitForMetric(metric)).toBe(unit);
});
