import { healthReport } from '../../test/fixtures';
import { describeDependency, healthTestResult } from './health';

describe('describeDependency', () => {
  test('latency when up, the last error (else the detail) otherwise', () => {
    const [prometheus, loki, tempo] = healthReport().dependencies;
    expect(describeDependency(prometheus)).toBe('prometheus: Up (12 ms)');
    expect(describeDependency(loki)).toBe('loki: Down (connect ECONNREFUSED 10.0.0.7:3100)');
    expect(describeDependency(tempo)).toBe('tempo: Disabled (not configured)');
    expect(describeDependency({ name: 'store', state: 'up', checkedAt: '' })).toBe('store: Up');
  });
});

describe('healthTestResult', () => {
  test('all up and the token accepted → success, listing each dependency', () => {
    const report = healthReport({
      status: 'up',
      dependencies: [
        { name: 'prometheus', state: 'up', latencyMs: 3, checkedAt: '' },
        { name: 'models', state: 'up', checkedAt: '' },
      ],
    });
    expect(healthTestResult(report, { ok: true })).toEqual({
      status: 'success',
      message: 'Connected to the AIDPE sidecar 0.1.0 (demo mode): every dependency is up.',
      details: { message: 'models: Up\nprometheus: Up (3 ms)' },
    });
  });

  test('degraded → warning naming the troubled dependencies, worst first', () => {
    const result = healthTestResult(healthReport(), { ok: true });
    expect(result.status).toBe('warning');
    expect(result.message).toBe('Connected to the AIDPE sidecar 0.1.0 (demo mode), which is degraded: loki.');
    expect(result.details?.message).toBe(
      'loki: Down (connect ECONNREFUSED 10.0.0.7:3100)\nprometheus: Up (12 ms)\ntempo: Disabled (not configured)'
    );
  });

  test('down → error', () => {
    expect(healthTestResult(healthReport({ status: 'down' }), { ok: true }).status).toBe('error');
  });

  test('a rejected token is an error even when everything is up', () => {
    const result = healthTestResult(healthReport({ status: 'up', dependencies: [] }), {
      ok: false,
      error: 'HTTP 401: authorization: a valid Bearer token is required',
    });
    expect(result).toEqual({
      status: 'error',
      message:
        'Reached the AIDPE sidecar 0.1.0 (demo mode), but it refused an authenticated request: ' +
        'HTTP 401: authorization: a valid Bearer token is required. Check the API token.',
      details: { message: 'The sidecar reported no dependencies.' },
    });
  });
});
