import { describeError } from './errors';

const fetchError = (status: number, data: unknown, extra: Record<string, unknown> = {}) => ({
  status,
  data,
  config: { url: '/api/plugin-proxy/aidpe-performance-app/sidecar/api/v1/health' },
  ...extra,
});

describe('utils/describeError', () => {
  test('uses the message from the response body of a fetch error', () => {
    expect(describeError(fetchError(403, { message: 'plugin proxy route access denied' }))).toBe(
      'HTTP 403: plugin proxy route access denied'
    );
  });

  test('falls back to the status text of a fetch error', () => {
    expect(describeError(fetchError(502, 'Bad Gateway', { statusText: 'Bad Gateway' }))).toBe('HTTP 502: Bad Gateway');
    expect(describeError(fetchError(500, null))).toBe('HTTP 500');
  });

  test('handles plain errors, strings and anything else', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('nope')).toBe('nope');
    expect(describeError(42)).toBe('Unknown error');
  });
});
