import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  SimulatedCluster,
  TraceReplay,
  azureFunctionsTracePath,
  defaultDataDir,
  loadAzureFunctionsTrace,
  loadTimestampValueCsv,
  syntheticDiurnalTrace,
} from '../../src/sim/index.ts';
import { pearson } from './helpers.ts';

const azure10 = azureFunctionsTracePath('10_inv.csv');
const nab = join(defaultDataDir(), 'nab', 'data', 'realAWSCloudwatch', 'elb_request_count_8c0756.csv');
const missing = (p: string) => (existsSync(p) ? false : `dataset missing at ${p} (set AIDPE_DATA_DIR)`);

test('Azure Functions loader sums function rows per minute', { skip: missing(azure10) }, () => {
  const all = loadAzureFunctionsTrace(azure10);
  assert.equal(all.stepSeconds, 60);
  assert.equal(all.values.length, 1440);
  assert.deepEqual(all.values.slice(0, 5), [41, 16, 20, 14, 15]);
  const one = loadAzureFunctionsTrace(azure10, { rows: [0] });
  assert.equal(one.values[0], 14);
  assert.equal(
    one.values.reduce((a, b) => a + b, 0),
    4038
  );
  assert.throws(() => loadAzureFunctionsTrace(azure10, { rows: [99] }), /row 99 out of range/);
});

test('gateway arrivals per minute track the Azure trace (r > 0.9)', { skip: missing(azure10) }, () => {
  const trace = loadAzureFunctionsTrace(azure10);
  const c = new SimulatedCluster({ seed: 21, workload: trace, peakRps: 300, autoscaler: null });
  const minutes = 240;
  c.advance(minutes * 60);
  const s = c.select(
    'aidpe_sim_request_rate',
    [{ label: 'service', op: '=', value: 'frontend' }],
    c.startTimeMs + 1,
    c.timeMs
  )[0]!;
  const perMinute = new Array<number>(minutes).fill(0);
  for (const [t, rps] of s.samples) {
    const m = Math.floor((t * 1000 - c.startTimeMs - 1) / 60_000);
    if (m >= 0 && m < minutes) {
      perMinute[m]! += rps * c.tickSeconds;
    }
  }
  const r = pearson(perMinute, trace.values.slice(0, minutes));
  assert.ok(r > 0.9, `correlation ${r}`);
  // Scaling: the trace's peak maps to peakRps.
  const replay = new TraceReplay(trace, 300);
  const peakIdx = trace.values.indexOf(Math.max(...trace.values));
  assert.ok(Math.abs(replay.rateAt((peakIdx + 0.5) * 60) - 300) < 1e-9);
  // Wraps around at the end.
  assert.equal(replay.rateAt(30), replay.rateAt(30 + 1440 * 60));
});

test('timestamp,value loader reads the NAB ELB series', { skip: missing(nab) }, () => {
  const t = loadTimestampValueCsv(nab);
  assert.equal(t.stepSeconds, 300);
  assert.equal(t.startMs, Date.UTC(2014, 3, 10, 0, 4));
  assert.equal(t.values[0], 94);
  assert.equal(t.values[3], 95);
  assert.ok(t.values.length >= 4032);
  assert.ok(t.values.every((v) => Number.isFinite(v)));
  const c = new SimulatedCluster({ seed: 2, workload: t, peakRps: 200, autoscaler: null });
  c.advance(3600);
  assert.ok(c.snapshot().services[0]!.arrivalRps > 0);
});

test('missing data files give a clear error naming the path', () => {
  assert.throws(
    () => loadAzureFunctionsTrace('/nonexistent/dir/10_inv.csv'),
    /not found at \/nonexistent\/dir\/10_inv\.csv.*AIDPE_DATA_DIR/
  );
  assert.throws(() => loadTimestampValueCsv('/nonexistent/x.csv'), /not found at \/nonexistent\/x\.csv/);
});

test('synthetic diurnal trace and replay interpolation', () => {
  const t = syntheticDiurnalTrace();
  assert.equal(t.values.length, 1440);
  const r = new TraceReplay({ name: 'x', stepSeconds: 60, values: [0, 10] }, 100);
  assert.equal(r.rateAt(30), 0);
  assert.equal(r.rateAt(90), 100);
  assert.equal(r.rateAt(60), 50);
  assert.throws(() => new TraceReplay({ name: 'z', stepSeconds: 60, values: [0, 0] }, 10), /no positive values/);
});
