import { checkPromQL, isValid, validateQuery } from './validation';

describe('checkPromQL', () => {
  test.each([
    'up',
    'aidpe_sim_request_rate{service="frontend"}',
    'sum by (service) (rate(aidpe_sim_requests_total{service=~"cart|checkout"}[5m]))',
    'up{job="a}b"}',
    "up{job='x'}",
    'up{path="a\\"b"}',
  ])('accepts %s', (expr) => {
    expect(checkPromQL(expr)).toBeUndefined();
  });

  test.each([
    ['', 'Enter a PromQL expression, e.g. aidpe_sim_request_rate{service="frontend"}'],
    ['up{job="a"', 'Unclosed "{"'],
    ['rate(up[5m]', 'Unclosed "("'],
    ['up{job="a}', 'Unclosed " quote'],
    ['up)', 'Unexpected ")" at position 3'],
    ['rate(up[5m)]', 'Unexpected ")" at position 11'],
  ])('rejects %p: %s', (expr, message) => {
    expect(checkPromQL(expr)).toBe(message);
  });
});

describe('validateQuery', () => {
  test('a complete forecast query is valid', () => {
    const v = validateQuery({ refId: 'A', queryType: 'forecast', expr: 'up', step: '30s', horizon: '6h' });
    expect(v).toEqual({});
    expect(isValid(v)).toBe(true);
  });

  test('the query type defaults to forecast', () => {
    expect(validateQuery({ refId: 'A' }).expr).toMatch(/Enter a PromQL expression/);
  });

  test('one message per field', () => {
    const v = validateQuery({ refId: 'A', expr: 'up{', step: 'soon', horizon: 'later' });
    expect(v).toEqual({
      expr: 'Unclosed "{"',
      step: 'Step "soon" is not a duration (30s, 1m) or a number of seconds (60)',
      horizon: 'Horizon "later" is neither a duration (15m, 6h, 2d) nor a number of steps (288)',
    });
    expect(isValid(v)).toBe(false);
  });

  test('a horizon is checked against an explicit step', () => {
    expect(validateQuery({ refId: 'A', expr: 'up', step: '15s', horizon: '7d' }).horizon).toBe(
      '7d is 40320 steps of 15s; at most 20000'
    );
    expect(validateQuery({ refId: 'A', expr: 'up', horizon: '7d' }).horizon).toBeUndefined();
  });

  test('query types without an engine have nothing to validate', () => {
    expect(validateQuery({ refId: 'A', queryType: 'rca', expr: 'up{' })).toEqual({});
    expect(validateQuery({ refId: 'A', queryType: 'actions' })).toEqual({});
  });

  test('anomaly queries: expression, step and threshold (no horizon)', () => {
    expect(validateQuery({ refId: 'A', queryType: 'anomalies', expr: 'up', step: '1m', threshold: '0.99' })).toEqual(
      {}
    );
    expect(validateQuery({ refId: 'A', queryType: 'anomalies', expr: 'up', horizon: 'later' })).toEqual({});
    const v = validateQuery({ refId: 'A', queryType: 'anomalies', expr: 'up{', step: 'soon', threshold: '1' });
    expect(v).toEqual({
      expr: 'Unclosed "{"',
      step: 'Step "soon" is not a duration (30s, 1m) or a number of seconds (60)',
      threshold: 'Threshold "1" must be a number between 0 and 1 (exclusive), e.g. 0.995',
    });
    expect(isValid(v)).toBe(false);
    expect(isValid({ threshold: 'x' })).toBe(false);
    expect(validateQuery({ refId: 'A', queryType: 'anomalies' }).expr).toMatch(/Enter a PromQL expression/);
  });
});
