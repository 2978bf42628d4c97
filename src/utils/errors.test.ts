import { describeError, errorHint } from './errors';

const fetchError = (status: number, data: unknown, extra: Record<string, unknown> = {}) => ({
  status,
  data,
  config: { url: '/api/plugin-proxy/aidpe-performance-app/sidecar/api/v1/health' },
  ...extra,
});

describe('utils/describeError', () => {
  test('uses the message from the response body of a fetch error', () => {
    expect(describeError(fetchError(409, { message: 'action a1 is applied, not pending_approval' }))).toBe(
      'HTTP 409: action a1 is applied, not pending_approval'
    );
  });

  test('falls back to the status text of a fetch error', () => {
    expect(describeError(fetchError(500, 'Internal', { statusText: 'Internal Server Error' }))).toBe(
      'HTTP 500: Internal Server Error'
    );
    expect(describeError(fetchError(500, null))).toBe('HTTP 500');
  });

  test('handles plain errors, strings and anything else', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('nope')).toBe('nope');
    expect(describeError(42)).toBe('Unknown error');
  });

  test('a wrong sidecar URL or a sidecar that is down (the proxy answers 502/504) says so and where to fix it', () => {
    for (const status of [502, 504]) {
      const message = describeError(fetchError(status, { message: 'Bad Gateway' }));
      expect(message).toMatch(new RegExp(`^HTTP ${status}: Bad Gateway\\. `));
      expect(message).toContain("The AIDPE sidecar cannot be reached through Grafana's plugin proxy");
      expect(message).toContain('the app configuration');
    }
    expect(describeError(fetchError(502, { message: 'Bad Gateway' }), { context: 'datasource' })).toContain(
      "in the AIDPE datasource's settings"
    );
  });

  test("a 502 the sidecar wrote itself (its Prometheus failed) is not blamed on the sidecar's URL", () => {
    const message = describeError(
      fetchError(502, { statusCode: 502, error: 'unreachable', message: 'prometheus: connect ECONNREFUSED' })
    );
    expect(message).toMatch(/^HTTP 502: prometheus: connect ECONNREFUSED\. The sidecar is up but/);
    expect(message).not.toContain('cannot be reached');
  });

  test('a wrong token (401 from the sidecar) says to set it in the app configuration', () => {
    expect(
      describeError(
        fetchError(401, { error: 'Unauthorized', message: 'authorization: a valid Bearer token is required' })
      )
    ).toBe(
      'HTTP 401: authorization: a valid Bearer token is required. The API token is wrong or missing: set it in the app configuration (Administration → Plugins → AIDPE).'
    );
    // A 401 about the forwarded user is not about the token.
    expect(
      errorHint(fetchError(401, { message: 'user: approve needs the user Grafana forwards as X-Grafana-User' }))
    ).toMatch(/signed-in Grafana user/);
  });

  test('a 403 from the proxy says which role is needed', () => {
    expect(describeError(fetchError(403, { message: 'plugin proxy route access denied' }))).toMatch(
      /^HTTP 403: plugin proxy route access denied\. .*need the Editor role\.$/
    );
    expect(describeError(fetchError(403, { message: 'Permission denied' }), { context: 'config' })).toBe(
      'HTTP 403: Permission denied. Changing the app configuration needs the Admin role in Grafana.'
    );
  });

  test('hint: false keeps the bare message, for callers that explain it themselves', () => {
    expect(describeError(fetchError(502, { message: 'Bad Gateway' }), { hint: false })).toBe('HTTP 502: Bad Gateway');
    expect(errorHint(new Error('x'))).toBeUndefined();
    expect(errorHint(fetchError(404, { message: 'not found' }))).toBeUndefined();
  });
});
