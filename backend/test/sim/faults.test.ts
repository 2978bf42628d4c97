import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedCluster, type ServiceSnapshot } from '../../src/sim/index.ts';
import { flat, mean } from './helpers.ts';

const MIN = 60_000;

function record(c: SimulatedCluster, untilMs: number, service: string, rows: Array<{ t: number; s: ServiceSnapshot }>) {
  while (c.timeMs < untilMs) {
    c.advance(c.tickSeconds);
    rows.push({ t: c.timeMs, s: c.snapshot().services.find((x) => x.service === service)! });
  }
}

function window(
  rows: Array<{ t: number; s: ServiceSnapshot }>,
  from: number,
  to: number,
  f: (s: ServiceSnapshot) => number
) {
  return mean(rows.filter((r) => r.t >= from && r.t < to).map((r) => f(r.s)));
}

test('latency, error, cpu faults: ground truth, rise during the window, recovery after', () => {
  const c = new SimulatedCluster({ seed: 31, workload: flat, peakRps: 300, autoscaler: null });
  const t0 = c.startTimeMs;
  const lat = c.injectFault({ service: 'cart', type: 'latency', startMs: t0 + 10 * MIN, endMs: t0 + 20 * MIN });
  const err = c.injectFault({
    service: 'currency',
    type: 'error_burst',
    startMs: t0 + 10 * MIN,
    endMs: t0 + 20 * MIN,
    intensity: 1.5,
  });
  const cpu = c.injectFault({
    service: 'catalog',
    type: 'cpu_contention',
    startMs: t0 + 10 * MIN,
    endMs: t0 + 20 * MIN,
    intensity: 0.6,
  });
  assert.deepEqual(c.faults(), [lat, err, cpu]);
  assert.equal(lat.intensity, 1);
  assert.match(lat.id, /^fault-1-[0-9a-f]{6}$/);
  const rows: Record<string, Array<{ t: number; s: ServiceSnapshot }>> = {
    cart: [],
    currency: [],
    catalog: [],
    frontend: [],
  };
  while (c.timeMs < t0 + 30 * MIN) {
    c.advance(c.tickSeconds);
    for (const s of c.snapshot().services) {
      rows[s.service]?.push({ t: c.timeMs, s });
    }
  }
  const phases = (svc: string, f: (s: ServiceSnapshot) => number) => [
    window(rows[svc]!, t0 + 2 * MIN, t0 + 10 * MIN, f),
    window(rows[svc]!, t0 + 11 * MIN, t0 + 20 * MIN, f),
    window(rows[svc]!, t0 + 22 * MIN, t0 + 30 * MIN, f),
  ];
  const [lb, ld, la] = phases('cart', (s) => s.latencyP95Ms);
  assert.ok(ld! > lb! + 200 && Math.abs(la! - lb!) < 0.2 * lb!, `cart p95 ${lb} ${ld} ${la}`);
  const [eb, ed, ea] = phases('currency', (s) => s.errorRatio);
  assert.ok(eb! < 0.01 && ed! > 0.3 && ea! < 0.01, `currency errors ${eb} ${ed} ${ea}`);
  const [fb, fd, fa] = phases('frontend', (s) => s.errorRatio);
  assert.ok(fd! > fb! + 0.1 && fa! < 0.01, `frontend errors (propagated) ${fb} ${fd} ${fa}`);
  const [cb, cd, ca] = phases('catalog', (s) => s.cpuUtilization);
  assert.ok(cd! > cb! * 1.3 && Math.abs(ca! - cb!) < 0.1, `catalog cpu ${cb} ${cd} ${ca}`);
  const types = c
    .events()
    .filter((e) => e.type === 'fault_start' || e.type === 'fault_end')
    .map((e) => `${e.type}:${e.service}`);
  assert.ok(types.includes('fault_start:cart') && types.includes('fault_end:currency'));

  // Logs and traces show the faults at the faulty service.
  const logs = c.logs({
    startMs: t0 + 12 * MIN,
    endMs: t0 + 14 * MIN,
    service: 'currency',
    level: 'error',
    limit: 500,
  });
  assert.ok(logs.length > 10 && logs.every((l) => l.level === 'error' && l.service === 'currency'));
  assert.ok(logs.some((l) => /exception=/.test(l.line)));
  assert.equal(c.logs({ startMs: t0 + 24 * MIN, endMs: t0 + 26 * MIN, service: 'currency', level: 'error' }).length, 0);
  const warn = c.logs({ startMs: t0 + 12 * MIN, endMs: t0 + 14 * MIN, service: 'cart', level: 'warn' });
  assert.ok(warn.some((l) => /slow/.test(l.line)));
  const traces = c.traces({ startMs: t0 + 11 * MIN, endMs: t0 + 20 * MIN, limit: 500 });
  const errSpans = traces.flatMap((t) => t.spans).filter((s) => s.status === 'error');
  assert.ok(errSpans.some((s) => s.service === 'currency'));
  const before = c.traces({ startMs: t0 + 2 * MIN, endMs: t0 + 9 * MIN, limit: 500 }).flatMap((t) => t.spans);
  assert.equal(before.filter((s) => s.service === 'currency' && s.status === 'error').length, 0);
});

test('bad_deploy emits a version change, degrades the new version, rolls back', () => {
  const c = new SimulatedCluster({ seed: 32, workload: flat, peakRps: 300, autoscaler: null });
  const t0 = c.startTimeMs;
  const podsBefore = c.getDeployment('payment').pods.map((p) => p.name);
  const f = c.injectFault({ service: 'payment', type: 'bad_deploy', startMs: t0 + 5 * MIN, endMs: t0 + 15 * MIN });
  const rows: Array<{ t: number; s: ServiceSnapshot }> = [];
  record(c, t0 + 10 * MIN, 'payment', rows);
  const during = c.getDeployment('payment');
  assert.equal(during.version, '1.0.1');
  assert.ok(
    during.pods.every((p) => !podsBefore.includes(p.name) && p.version === '1.0.1'),
    'new pods for the new version'
  );
  record(c, t0 + 20 * MIN, 'payment', rows);
  const deploy = c.events().find((e) => e.type === 'deploy' && e.service === 'payment');
  assert.ok(deploy && deploy.from === '1.0.0' && deploy.to === '1.0.1' && deploy.faultId === f.id);
  assert.equal(deploy.timeMs, t0 + 5 * MIN);
  const rollback = c.events().find((e) => e.type === 'rollback' && e.service === 'payment');
  assert.ok(rollback && rollback.to === '1.0.0' && rollback.timeMs === t0 + 15 * MIN);
  assert.equal(c.getDeployment('payment').version, '1.0.0');
  const e = (a: number, b: number) => window(rows, t0 + a * MIN, t0 + b * MIN, (s) => s.errorRatio);
  assert.ok(e(1, 5) < 0.01 && e(6, 15) > 0.1 && e(16, 20) < 0.01);
  const l = (a: number, b: number) => window(rows, t0 + a * MIN, t0 + b * MIN, (s) => s.latencyP50Ms);
  assert.ok(l(6, 15) > l(1, 5) + 50);
  const deployLogs = c.logs({ startMs: t0 + 5 * MIN - 1, endMs: t0 + 5 * MIN + 1, service: 'payment' });
  assert.ok(deployLogs.some((x) => /version=1\.0\.1/.test(x.line) && /reason=deploy/.test(x.line)));
  // Manual rollback ends an active bad deploy and updates the ground truth.
  const g = c.injectFault({ service: 'email', type: 'bad_deploy', startMs: c.timeMs + 1, endMs: c.timeMs + 60 * MIN });
  c.advance(30);
  assert.equal(c.getDeployment('email').version, '1.0.1');
  assert.ok(c.rollback('email'));
  assert.equal(c.getDeployment('email').version, '1.0.0');
  assert.equal(c.faults().find((x) => x.id === g.id)!.endMs, c.timeMs);
});

test('memory leak grows memory and causes OOM restarts with an unready period', () => {
  const c = new SimulatedCluster({ seed: 33, workload: flat, peakRps: 300, autoscaler: null });
  const t0 = c.startTimeMs;
  c.injectFault({ service: 'ad', type: 'memory_leak', startMs: t0 + 2 * MIN, endMs: t0 + 40 * MIN, intensity: 1.5 });
  const rows: Array<{ t: number; s: ServiceSnapshot }> = [];
  record(c, t0 + 40 * MIN, 'ad', rows);
  const mem0 = window(rows, t0, t0 + 2 * MIN, (s) => s.memoryBytes);
  const memPeak = Math.max(...rows.map((r) => r.s.memoryBytes));
  assert.ok(memPeak > mem0 * 1.8, `memory ${mem0} -> ${memPeak}`);
  const ooms = c.events().filter((e) => e.type === 'oom_kill' && e.service === 'ad');
  assert.ok(ooms.length >= 2, `oom kills ${ooms.length}`);
  assert.ok(
    rows.some((r) => r.s.replicas.ready < r.s.replicas.desired),
    'pods unready after an OOM kill'
  );
  const restarts = c
    .currentMetrics()
    .filter((m) => m.name === 'aidpe_sim_pod_restarts_total' && m.labels['service'] === 'ad');
  assert.ok(restarts.reduce((a, m) => a + m.value, 0) >= 2);
  const oomLogs = c.logs({ startMs: t0, endMs: c.timeMs, service: 'ad', level: 'error', limit: 5000 });
  assert.ok(oomLogs.some((l) => /OOMKilled/.test(l.line)));
});

test('random faults are seeded and lie in the requested window', () => {
  const mk = () => new SimulatedCluster({ seed: 34, workload: flat });
  const a = mk();
  const fa = a.scheduleRandomFaults({
    count: 6,
    fromMs: a.startTimeMs,
    toMs: a.startTimeMs + 3600_000,
    minDurationMs: 60_000,
    maxDurationMs: 300_000,
  });
  const fb = mk().scheduleRandomFaults({
    count: 6,
    fromMs: a.startTimeMs,
    toMs: a.startTimeMs + 3600_000,
    minDurationMs: 60_000,
    maxDurationMs: 300_000,
  });
  assert.deepEqual(fa, fb);
  for (const f of fa) {
    assert.ok(f.startMs >= a.startTimeMs && f.endMs <= a.startTimeMs + 3600_000 + 1);
    assert.ok(f.endMs - f.startMs >= 60_000 - 1 && f.endMs - f.startMs <= 300_000 + 1);
    assert.notEqual(f.service, 'frontend');
  }
  assert.throws(
    () => a.injectFault({ service: 'nope', type: 'latency', startMs: 0, endMs: 1 }),
    /unknown service "nope"/
  );
});
