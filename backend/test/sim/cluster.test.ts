import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SimulatedCluster,
  SimulationRunner,
  syntheticDiurnalTrace,
  TopologyError,
  validateTopology,
  defaultTopology,
  propagateRates,
  DEFAULT_PEAK_RPS,
} from '../../src/sim/index.ts';
import { flat, mean, smallTopology, svc } from './helpers.ts';

function api(c: SimulatedCluster) {
  return c.snapshot().services.find((s) => s.service === 'api')!;
}

test('default topology: ≥ 12 services, valid DAG, 40–70% utilisation at the sized peak', () => {
  const topo = defaultTopology();
  assert.ok(topo.services.length >= 12);
  const order = validateTopology(topo);
  assert.equal(order[0], 'frontend');
  const rates = propagateRates(topo, DEFAULT_PEAK_RPS);
  for (const s of topo.services) {
    const util = (rates.get(s.name) ?? 0) / (s.replicas * s.serviceRatePerReplica);
    assert.ok(util >= 0.38 && util <= 0.7, `${s.name} utilisation ${util}`);
  }
  assert.ok(topo.services.some((s) => s.tier === 'data'));
});

test('topology validation names the problem', () => {
  const t = smallTopology();
  t.services[2]!.calls = [{ to: 'gateway', callsPerRequest: 1, operation: 'x' }];
  assert.throws(
    () => validateTopology(t),
    (e: Error) => e instanceof TopologyError && /cycle: .*gateway -> api -> db -> gateway/.test(e.message)
  );
  const u = smallTopology();
  u.services[1]!.calls.push({ to: 'nope', callsPerRequest: 1, operation: 'x' });
  assert.throws(() => validateTopology(u), /calls unknown service "nope"/);
  const v = smallTopology({ serviceRatePerReplica: 0 });
  assert.throws(() => validateTopology(v), /api.*serviceRatePerReplica must be a positive number/);
  assert.throws(() => validateTopology({ entry: 'x', services: [svc('a')] }), /entry service "x"/);
});

test('p95 latency rises with load per replica', () => {
  const p95s = [60, 120, 170, 190].map((peak) => {
    const c = new SimulatedCluster({
      seed: 3,
      topology: smallTopology(),
      workload: flat,
      peakRps: peak,
      autoscaler: null,
    });
    const xs: number[] = [];
    for (let i = 0; i < 24; i++) {
      c.advance(5);
      xs.push(api(c).latencyP95Ms);
    }
    return mean(xs);
  });
  for (let i = 1; i < p95s.length; i++) {
    assert.ok(p95s[i]! > p95s[i - 1]!, `p95 ${p95s.join(', ')}`);
  }
});

test('added replicas lower latency only after the start-up delay', () => {
  const c = new SimulatedCluster({
    seed: 4,
    topology: smallTopology({ podStartupSeconds: 30 }),
    workload: flat,
    peakRps: 185,
    autoscaler: null,
  });
  c.advance(60);
  const before = api(c).latencyP95Ms;
  c.setReplicas('api', 4);
  c.advance(20);
  const starting = api(c);
  assert.equal(starting.replicas.ready, 2);
  assert.equal(starting.replicas.starting, 2);
  assert.ok(starting.latencyP95Ms > before * 0.7, 'no improvement before pods are ready');
  c.advance(15);
  const after = api(c);
  assert.equal(after.replicas.ready, 4);
  assert.ok(after.latencyP95Ms < before * 0.5, `p95 ${before} -> ${after.latencyP95Ms}`);
  assert.ok(c.events().some((e) => e.type === 'scale' && e.service === 'api' && e.from === 2 && e.to === 4));
  // Scale-down is immediate.
  c.setReplicas('api', 1);
  assert.equal(c.getDeployment('api').pods.length, 1);
  c.advance(5);
  assert.equal(api(c).replicas.ready, 1);
});

test('overload builds a backlog and errors; capacity drains it', () => {
  const c = new SimulatedCluster({
    seed: 5,
    topology: smallTopology({ podStartupSeconds: 10, timeoutMs: 3000 }),
    workload: flat,
    peakRps: 260,
    autoscaler: null,
  });
  const b1 = api(c).queueBacklog;
  c.advance(5);
  const b2 = api(c).queueBacklog;
  assert.ok(b2 > b1 && b1 > 0, `backlog ${b1} -> ${b2}`);
  c.advance(60);
  const over = api(c);
  assert.ok(over.errorRatio > 0.1, `error ratio ${over.errorRatio}`);
  assert.ok(over.latencyP50Ms > 1000, `p50 ${over.latencyP50Ms}`);
  const gw = c.snapshot().services.find((s) => s.service === 'gateway')!;
  assert.ok(gw.errorRatio >= over.errorRatio * 0.5, 'errors propagate to the caller');
  c.setReplicas('api', 5);
  c.advance(60);
  const recovered = api(c);
  assert.equal(recovered.queueBacklog, 0);
  assert.ok(recovered.errorRatio < 0.01, `error ratio ${recovered.errorRatio}`);
  assert.ok(recovered.latencyP95Ms < 200);
});

test('HPA follows load up and back down after stabilisation', () => {
  // Per-minute steps: low for 30 min, high (×5) for 30 min, then low.
  const values = [...Array(30).fill(0.2), ...Array(30).fill(1), ...Array(60).fill(0.2)] as number[];
  const topo = smallTopology({
    hpa: { minReplicas: 2, maxReplicas: 12, targetCpuUtilization: 0.5 },
    podStartupSeconds: 20,
  });
  topo.services[2]!.serviceRatePerReplica = 2000;
  topo.services[0]!.serviceRatePerReplica = 2000;
  const c = new SimulatedCluster({
    seed: 6,
    topology: topo,
    workload: { name: 'steps', stepSeconds: 60, values },
    peakRps: 400,
  });
  c.advanceTo(c.startTimeMs + 25 * 60_000);
  assert.ok(api(c).replicas.desired <= 3, `low phase ${api(c).replicas.desired}`);
  c.advanceTo(c.startTimeMs + 55 * 60_000);
  const high = api(c);
  assert.ok(high.replicas.desired >= 7 && high.replicas.ready >= 7, `high phase ${JSON.stringify(high.replicas)}`);
  assert.ok(high.cpuUtilization < 0.7, `util ${high.cpuUtilization}`);
  // Load falls at minute 60; the scale-down waits for the 300 s stabilisation window.
  c.advanceTo(c.startTimeMs + 63 * 60_000);
  assert.ok(api(c).replicas.desired >= 6, `still stabilising: ${api(c).replicas.desired}`);
  c.advanceTo(c.startTimeMs + 85 * 60_000);
  assert.ok(api(c).replicas.desired <= 3, `after stabilisation: ${api(c).replicas.desired}`);
  const scales = c.events().filter((e) => e.type === 'scale' && e.service === 'api');
  const down = scales.find((e) => Number(e.to) < Number(e.from) && e.timeMs > c.startTimeMs + 60 * 60_000);
  assert.ok(down, 'a scale-down event');
  assert.ok(
    down.timeMs >= c.startTimeMs + 64.5 * 60_000,
    `scale-down too early at minute ${(down.timeMs - c.startTimeMs) / 60_000}`
  );
});

test('the autoscaler hook is pluggable', () => {
  const seen: string[] = [];
  const topo = smallTopology({
    hpa: { minReplicas: 1, maxReplicas: 9, targetCpuUtilization: 0.5 },
    podStartupSeconds: 0,
  });
  const c = new SimulatedCluster({
    seed: 7,
    topology: topo,
    workload: flat,
    peakRps: 50,
    autoscaler: (s) => {
      seen.push(s.service);
      return 5;
    },
  });
  c.advance(30);
  assert.deepEqual([...new Set(seen)], ['api']);
  assert.equal(c.getDeployment('api').replicas, 5);
  c.setHpa('api', { minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 0.5 });
  assert.equal(c.getDeployment('api').replicas, 3);
  assert.throws(() => c.setHpa('api', { minReplicas: 4, maxReplicas: 3, targetCpuUtilization: 0.5 }), /maxReplicas/);
});

test('runner: accelerated and paced clocks', () => {
  const c = new SimulatedCluster({
    seed: 1,
    topology: smallTopology(),
    workload: syntheticDiurnalTrace(),
    autoscaler: null,
  });
  let ticks = 0;
  const r = new SimulationRunner(c, { mode: 'accelerated', onTick: () => ticks++ });
  const t0 = c.timeMs;
  assert.equal(r.runFor(60), 12);
  assert.equal(ticks, 12);
  assert.equal(c.timeMs, t0 + 60_000);
  let wall = 1_000_000;
  const rt = new SimulationRunner(c, { mode: 'realtime', speed: 2, wallNow: () => wall, intervalMs: 50 });
  rt.start();
  assert.ok(rt.running);
  wall += 10_000;
  assert.equal(rt.pump(), 4);
  assert.equal(c.timeMs, t0 + 80_000);
  rt.stop();
  assert.ok(!rt.running);
});

test('metric lag: the autoscaler sees a windowed CPU average, so a load step reaches it later', () => {
  const values = [...Array(10).fill(0.2), ...Array(20).fill(1)] as number[];
  const firstSeenHigh = (metricWindowSeconds: number) => {
    const topo = smallTopology({ hpa: { minReplicas: 2, maxReplicas: 12, targetCpuUtilization: 0.5 } });
    let at: number | undefined;
    const c: SimulatedCluster = new SimulatedCluster({
      seed: 8,
      topology: topo,
      workload: { name: 'step', stepSeconds: 60, values },
      peakRps: 300,
      metricWindowSeconds,
      autoscaler: (s, now) => {
        // Ignore the start-up transient; the load steps up at minute 10.
        if (at === undefined && now - c.startTimeMs > 5 * 60_000 && s.cpuUtilization > 0.6) {
          at = now;
        }
        return undefined;
      },
    });
    c.advanceTo(c.startTimeMs + 20 * 60_000);
    assert.ok(at !== undefined, 'the step is eventually seen');
    return at - c.startTimeMs;
  };
  const instant = firstSeenHigh(0);
  const lagged = firstSeenHigh(120);
  assert.ok(lagged > instant, `lagged ${lagged} ms should come after instant ${instant} ms`);
});
