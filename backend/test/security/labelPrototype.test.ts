/**
 * Defect (found by the fuzz suite): `GET /api/v1/label/valueOf/values` answered the source's own prototype members
 * ("function valueOf() { [native code] }", "[object Object]" for __proto__) as label values. The answer holds the
 * label's string values only.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp, type DemoApp } from '../helpers/demoApp.ts';

let d: DemoApp;
before(async () => {
  d = await demoApp();
});
after(() => d.close());

for (const name of ['valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
  test(`label values of "${name}" are not the source's prototype members`, async () => {
    for (const query of ['', '?match[]=aidpe_sim_request_rate']) {
      const res = await d.app.inject({ method: 'GET', url: `/api/v1/label/${name}/values${query}` });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().data, []);
    }
  });
}

test('a real label still lists its values', async () => {
  const res = await d.app.inject({ method: 'GET', url: '/api/v1/label/service/values' });
  assert.equal(res.statusCode, 200);
  assert.ok(res.json().data.includes('frontend'), res.body);
});
