/** POST /api/v1/sim/faults with the code-level fault types: accepted with operation/variant, bad ones named. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SimulatedCluster } from '../../src/sim/index.ts';
import { SimulatorSource } from '../../src/telemetry/simulatorSource.ts';
import { flat } from './helpers.ts';

const cluster = new SimulatedCluster({ seed: 4, workload: flat, peakRps: 100, autoscaler: null });
cluster.advance(300);
const app = await buildApp({
  config: loadConfig({ env: {}, overrides: { mode: 'demo', logLevel: 'silent' } }),
  telemetry: new SimulatorSource(cluster, { wallNow: () => cluster.now() }),
  cluster,
  logger: false,
  now: () => cluster.now(),
});
after(() => app.close());

const post = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/v1/sim/faults', payload });

test('exception and wrong_return are injected with their operation and variant as ground truth', async () => {
  const exc = await post({ service: 'cart', type: 'exception', durationSeconds: 600, operation: 'EmptyCart' });
  assert.equal(exc.statusCode, 201, exc.body);
  assert.equal(exc.json().operation, 'EmptyCart');
  assert.match(exc.json().variant, /Exception$/);
  const wr = await post({ service: 'catalog', type: 'wrong_return', durationSeconds: 600, variant: 'inflated' });
  assert.equal(wr.statusCode, 201, wr.body);
  assert.ok(['GetProduct', 'ListProducts'].includes(wr.json().operation));
  const truth = (await app.inject({ method: 'GET', url: '/api/v1/sim/faults' })).json();
  assert.deepEqual(
    truth.map((f: { type: string; operation?: string }) => [f.type, f.operation]),
    [
      ['exception', 'EmptyCart'],
      ['wrong_return', wr.json().operation],
    ]
  );
});

test('bad code-level fault requests answer 400 naming the field', async () => {
  const op = await post({ service: 'cart', type: 'exception', durationSeconds: 60, operation: 'Charge' });
  assert.equal(op.statusCode, 400);
  assert.equal(op.json().field, 'operation');
  assert.match(op.json().message, /not served by cart \(it serves: GetCart, EmptyCart\)/);
  const variant = await post({ service: 'cart', type: 'wrong_return', durationSeconds: 60, variant: 'huge' });
  assert.equal(variant.statusCode, 400);
  assert.equal(variant.json().field, 'variant');
  const misplaced = await post({ service: 'cart', type: 'latency', durationSeconds: 60, operation: 'GetCart' });
  assert.equal(misplaced.statusCode, 400);
  assert.equal(misplaced.json().field, 'operation');
  const unknown = await post({ service: 'cart', type: 'segfault', durationSeconds: 60 });
  assert.equal(unknown.statusCode, 400);
});
