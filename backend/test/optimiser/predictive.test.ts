import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dominantPeriod,
  forecastQuantile,
  forecastRequestRate,
  normalQuantile,
  phaseQuantileProfile,
  PredictivePolicy,
  StepHysteresis,
  summariseForecast,
} from '../../src/engines/optimiser/predictive.ts';
import {
  timeFeatures,
  type Proposal,
  type RateForecast,
  type ServiceState,
} from '../../src/engines/optimiser/types.ts';
import { Rng } from '../../src/sim/random.ts';

const T0 = Date.UTC(2025, 0, 6, 10, 0, 0);

/** A timer-like load: level 100 with a spike to 300 every 30 steps (at phase 24), plus noise. */
function spiky(n: number, seed = 1): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => (i % 30 === 24 ? 300 : 100) + rng.normal(0, 5));
}

test('dominantPeriod finds a timer period and nothing in noise', () => {
  assert.equal(dominantPeriod(spiky(240)), 30);
  const rng = new Rng(3);
  assert.equal(dominantPeriod(Array.from({ length: 240 }, () => 100 + rng.normal(0, 10))), 0);
  assert.equal(dominantPeriod([1, 2, 3]), 0);
});

test('phaseQuantileProfile is high at the spike phase only', () => {
  const y = spiky(240);
  // The series ends at index 239 (phase 29); the next steps have phases 0, 1, …: the spike is 25 ahead.
  const p = phaseQuantileProfile(y, 30, 30, 0.9);
  assert.ok(p[24]! > 250, `spike phase ${p[24]}`);
  assert.ok(p[10]! < 130, `quiet phase ${p[10]}`);
});

test('forecastRequestRate: the engine with the periodic candidate and the phase quantile sees the next spike', async () => {
  const y = spiky(262); // next step has phase 22: the spike is 3 steps ahead
  const f = (await forecastRequestRate({ stepSeconds: 60, values: y, lastTimestampMs: T0 }, 4, undefined, {
    phaseQuantile: 0.9,
  }))!;
  assert.equal(f.p90.length, 4);
  assert.ok(f.p90[2]! > 250, `p90 at the spike ${f.p90[2]}`);
  assert.ok(f.p90[0]! < 160, `p90 before it ${f.p90[0]}`);
  assert.ok(f.p50.every((v, i) => v <= f.p90[i]! + 1e-9));
  assert.match(f.model ?? '', /phase q90 \(period 30 steps\)/);
  const s = summariseForecast(f, 120);
  assert.equal(s.horizonSeconds, 120);
  assert.ok(s.p90 < 200, 'the spike is beyond a 2-minute window');
  assert.equal(await forecastRequestRate({ stepSeconds: 60, values: [1, 2, 3], lastTimestampMs: T0 }, 4), undefined);
});

test('StepHysteresis: raises at once, lowers in one step after the delay', () => {
  const h = new StepHysteresis();
  assert.equal(h.update(5, 0, 100), 5);
  assert.equal(h.update(8, 10, 100), 8);
  assert.equal(h.update(3, 20, 100), 8);
  assert.equal(h.update(4, 60, 100), 8);
  assert.equal(h.update(2, 119, 100), 8);
  assert.equal(h.update(2, 120, 100), 4, 'the highest value seen while below');
  assert.equal(h.update(9, 130, 100), 9);
});

function state(over: Partial<ServiceState> = {}): ServiceState {
  return {
    service: 'api',
    timeMs: T0,
    replicas: { desired: 4, ready: 4, starting: 0 },
    cpuUtilization: 0.5,
    hpa: { minReplicas: 2, maxReplicas: 20, targetCpuUtilization: 0.7 },
    latencyP95Ms: 100,
    sloMs: 250,
    errorRate: 0,
    requestRate: 200,
    capacityPerReplicaRps: 100,
    time: timeFeatures(T0),
    ...over,
  };
}

const rising: RateForecast = {
  stepSeconds: 60,
  generatedAtMs: T0,
  p50: [200, 600, 900],
  p90: [220, 700, 1000],
  p10: [180, 500, 800],
};

test('parametric: raises minReplicas ahead of forecast load and moves the HPA target', async () => {
  const p = new PredictivePolicy({ mode: 'parametric', horizonSeconds: 120, targetUtilization: 0.85, hpaTarget: 0.8 });
  const out = (await p.propose(state({ forecast: rising })))!;
  assert.equal(out.mode, 'parametric');
  // p90 max over 2 minutes = 700 req/s at 85% of 100 req/s → 9 replicas.
  assert.equal(out.hpa?.minReplicas, 9);
  assert.equal(out.hpa?.targetCpuUtilization, 0.8);
  assert.match(out.reason, /p90 forecast 700\.0 req\/s.*needs 9 replicas.*raising minReplicas 2 → 9 ahead of the load/);
  assert.equal(out.forecast?.p90, 700);
});

test('parametric: no proposal without an HPA, a forecast or a capacity estimate; the floor stays within the HPA bounds', async () => {
  const p = new PredictivePolicy({ mode: 'parametric', fallback: false });
  assert.equal(await p.propose(state({ hpa: undefined, forecast: rising })), undefined);
  assert.equal(await p.propose(state({})), undefined);
  // With the fallback mode (the default) a missing forecast means the HPA with a floor from recent peaks.
  const withFallback = await new PredictivePolicy({ mode: 'parametric' }).propose(state({}));
  assert.equal(withFallback?.basis, 'fallback');
  const q = new PredictivePolicy({ mode: 'parametric', hpaTarget: undefined });
  const big = await q.propose(
    state({
      forecast: { ...rising, p90: [5000, 5000] },
      hpa: { minReplicas: 2, maxReplicas: 12, targetCpuUtilization: 0.7 },
    })
  );
  assert.equal(big?.hpa?.minReplicas, 12);
  // Capacity estimated from telemetry when the state has none: 200 req/s at 50% of 4 replicas → 100 req/s each.
  const r = new PredictivePolicy({ mode: 'direct', headroom: 0, targetUtilization: 0.5, reactiveUtilization: 0.5 });
  const d = await r.propose(state({ capacityPerReplicaRps: undefined, forecast: { ...rising, p90: [400, 400] } }));
  assert.equal(d?.replicas, 8);
});

test('direct: replicas for max(p90 forecast, current load); down only after the delay, in one step', async () => {
  const p = new PredictivePolicy({
    mode: 'direct',
    horizonSeconds: 120,
    targetUtilization: 0.85,
    reactiveUtilization: 0.85,
    scaleDownDelaySeconds: 180,
  });
  const up = (await p.propose(state({ forecast: rising })))!;
  assert.equal(up.mode, 'direct');
  assert.equal(up.replicas, 9);
  const calm: RateForecast = { ...rising, p50: [200, 200], p90: [230, 230] };
  const hold = await p.propose(
    state({ timeMs: T0 + 60_000, replicas: { desired: 9, ready: 9, starting: 0 }, forecast: calm })
  );
  assert.equal(hold, undefined, 'held during the delay');
  const down = (await p.propose(
    state({ timeMs: T0 + 250_000, replicas: { desired: 9, ready: 9, starting: 0 }, forecast: calm })
  ))!;
  assert.equal(down.replicas, 3);
  assert.match(down.reason, /scaling down/);
});

test('raiseTolerance: a need just above the replicas is left to the HPA; a larger one still raises the floor', async () => {
  const at = (p90: number): RateForecast => ({ stepSeconds: 60, generatedAtMs: T0, p50: [p90, p90], p90: [p90, p90] });
  // 8 replicas at 85% of 100 req/s carry 680 req/s; 700 req/s needs 8.24 (3% above), 800 needs 9.4 (18% above).
  const cur = {
    replicas: { desired: 8, ready: 8, starting: 0 },
    hpa: { minReplicas: 8, maxReplicas: 20, targetCpuUtilization: 0.85 },
    requestRate: 600,
  };
  const strict = new PredictivePolicy({ mode: 'parametric', hpaTarget: undefined, targetUtilization: 0.85 });
  assert.equal(
    (await strict.propose(state({ ...cur, forecast: at(700) })))?.hpa?.minReplicas,
    9,
    'default: any excess raises the floor'
  );
  const tolerant = new PredictivePolicy({
    mode: 'parametric',
    hpaTarget: undefined,
    targetUtilization: 0.85,
    raiseTolerance: 0.1,
  });
  assert.equal(await tolerant.propose(state({ ...cur, forecast: at(700) })), undefined, 'within 10%: no forced raise');
  assert.equal(
    (await tolerant.propose(state({ ...cur, timeMs: T0 + 15_000, forecast: at(800) })))?.hpa?.minReplicas,
    10
  );
});

test('raiseStep: a raise above the replicas overshoots the need, so a rising load takes fewer steps', async () => {
  const at = (p90: number): RateForecast => ({ stepSeconds: 60, generatedAtMs: T0, p50: [p90, p90], p90: [p90, p90] });
  const stepped = new PredictivePolicy({
    mode: 'direct',
    targetUtilization: 0.85,
    reactiveUtilization: 0.85,
    raiseStep: 0.2,
  });
  const plain = new PredictivePolicy({ mode: 'direct', targetUtilization: 0.85, reactiveUtilization: 0.85 });
  // 700 req/s needs 8.24 replicas: 9 without the step, ceil(8.24 × 1.2) = 10 with it.
  const base = { replicas: { desired: 4, ready: 4, starting: 0 }, requestRate: 300 };
  assert.equal((await plain.propose(state({ ...base, forecast: at(700) })))?.replicas, 9);
  assert.equal((await stepped.propose(state({ ...base, forecast: at(700) })))?.replicas, 10);
  // A rising load: the stepped policy stays put while the need grows into its overshoot.
  const next = { replicas: { desired: 10, ready: 10, starting: 0 }, requestRate: 650, timeMs: T0 + 60_000 };
  assert.equal(
    await stepped.propose(state({ ...next, forecast: at(820) })),
    undefined,
    '820 req/s needs 9.6: within 10 replicas'
  );
  // No overshoot when nothing rises above the replicas (the floor only holds or lowers).
  assert.equal(await stepped.propose(state({ ...next, timeMs: T0 + 75_000, forecast: at(600) })), undefined);
});

test('ceilingLiftAboveSlo: the spare-replica cap binds when the SLO holds and is lifted while it is breached', async () => {
  const calm: RateForecast = { stepSeconds: 60, generatedAtMs: T0, p50: [300, 300], p90: [300, 300] };
  // 10 replicas, but 300 req/s needs 4 at 85% of 100 req/s: the cap releases the spare ones.
  const spare = { replicas: { desired: 10, ready: 10, starting: 0 }, requestRate: 300, forecast: calm };
  const cfg = { mode: 'parametric' as const, hpaTarget: undefined, targetUtilization: 0.85, ceilingUtilization: 0.85 };
  const plain = new PredictivePolicy(cfg);
  assert.equal(
    (await plain.propose(state({ ...spare, latencyP95Ms: 400 })))?.hpa?.maxReplicas,
    4,
    'without the option the cap binds even above the SLO'
  );
  const lifting = new PredictivePolicy({ ...cfg, ceilingLiftAboveSlo: true });
  assert.equal((await lifting.propose(state({ ...spare, latencyP95Ms: 100 })))?.hpa?.maxReplicas, 4);
  const breached = await lifting.propose(
    state({
      ...spare,
      timeMs: T0 + 15_000,
      latencyP95Ms: 400,
      hpa: { minReplicas: 4, maxReplicas: 4, targetCpuUtilization: 0.7 },
    })
  );
  assert.equal(breached?.hpa?.maxReplicas, 20, 'lifted back to the original maxReplicas');
  assert.match(breached!.reason, /maxReplicas back to 20/);
});

test('forecastQuantile: the p90 at 0.9, the p50 at 0.5, a log-normal band between and beyond', () => {
  const f: RateForecast = { stepSeconds: 60, generatedAtMs: T0, p50: [100, 200], p90: [150, 260] };
  assert.ok(Math.abs(forecastQuantile(f, 120, 0.9) - 260) < 1e-6);
  assert.ok(Math.abs(forecastQuantile(f, 120, 0.5) - 200) < 1e-6);
  const q75 = forecastQuantile(f, 120, 0.75);
  assert.ok(q75 > 200 && q75 < 260, `q75 ${q75}`);
  assert.ok(forecastQuantile(f, 120, 0.97) > 260);
  assert.ok(Math.abs(forecastQuantile(f, 60, 0.9) - 150) < 1e-6, 'only the first step within a 1-minute window');
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  assert.ok(Math.abs(normalQuantile(0.1) + 1.281552) < 1e-5);
});

test('square-root staffing: large loads run hotter than small ones; the HPA target follows the implied utilisation', async () => {
  const flat = (rate: number): RateForecast => ({
    stepSeconds: 60,
    generatedAtMs: T0,
    p50: [rate, rate],
    p90: [rate, rate],
  });
  const p = new PredictivePolicy({ mode: 'direct', staffingBeta: 1 });
  // 100 req/s each: 4,000 req/s is a = 40 → 40 + √40 = 46.3 → 47 replicas (85% busy); 200 req/s is a = 2 → 3.4 → 4 (50%).
  const big = await p.propose(
    state({
      service: 'big',
      requestRate: 4000,
      replicas: { desired: 30, ready: 30, starting: 0 },
      forecast: flat(4000),
      hpa: { minReplicas: 1, maxReplicas: 100, targetCpuUtilization: 0.7 },
    })
  );
  assert.equal(big?.replicas, 47);
  const small = await p.propose(
    state({ service: 'small', requestRate: 200, replicas: { desired: 2, ready: 2, starting: 0 }, forecast: flat(200) })
  );
  assert.equal(small?.replicas, 4);
  assert.match(small!.reason, /square-root staffing/);
  const q = new PredictivePolicy({ mode: 'parametric', staffingBeta: 1, hpaTargetByStaffing: true });
  const t = await q.propose(
    state({
      requestRate: 4000,
      replicas: { desired: 40, ready: 40, starting: 0 },
      forecast: flat(4000),
      hpa: { minReplicas: 2, maxReplicas: 100, targetCpuUtilization: 0.7 },
    })
  );
  assert.equal(t?.hpa?.targetCpuUtilization, 0.85, '40 / 47 = 0.851 → 85% (the top of the range)');
});

test('fallback: a burst the forecast did not see switches to the HPA floor from the recent peak, no forecast attached; back after the forecast is trusted again', async () => {
  const p = new PredictivePolicy({
    mode: 'parametric',
    targetUtilization: 0.8,
    reactiveUtilization: 0.8,
    hpaTarget: 0.8,
    fallback: true,
    fallbackPeakSeconds: 600,
    fallbackMinSeconds: 600,
    regime: { burstsForUnreliable: 1, burstMemorySeconds: 900, changeMemorySeconds: 900 },
  });
  const steady = (minute: number, rate: number): Partial<ServiceState> => ({
    timeMs: T0 + minute * 60_000,
    requestRate: rate,
    replicas: { desired: 4, ready: 4, starting: 0 },
    hpa: { minReplicas: 3, maxReplicas: 40, targetCpuUtilization: 0.8 },
    forecast: { stepSeconds: 60, generatedAtMs: T0 + minute * 60_000, p50: [200, 200], p90: [230, 230] },
  });
  for (let m = 0; m < 30; m++) {
    const out = await p.propose(state(steady(m, 200 + (m % 3))));
    assert.ok(out === undefined || out.basis === 'forecast');
  }
  assert.equal(p.operatingModeOf('api'), 'forecast');
  const burst = (await p.propose(state(steady(30, 1200))))!;
  assert.equal(p.operatingModeOf('api'), 'fallback');
  assert.equal(burst.basis, 'fallback');
  assert.equal(burst.forecast, undefined, 'a fallback change does not rest on the forecast');
  // The floor covers the 1,200 req/s peak at 80% of 100 req/s each: 15 replicas.
  assert.equal(burst.hpa?.minReplicas, 15);
  assert.match(
    burst.reason,
    /forecast not trusted \(.*1 bursts within 15 min\).*fallback floor for the peak 1200\.0 req\/s/
  );
  // Still in fallback 5 minutes later (the minimum time), and the floor holds the peak.
  await p.propose(state(steady(35, 200)));
  assert.equal(p.operatingModeOf('api'), 'fallback');
  // 30 minutes of a calibrated forecast later it is trusted again.
  let last: Proposal | undefined;
  for (let m = 36; m < 70; m++) {
    // As applied: the HPA's floor is the fallback's 15.
    const s = steady(m, 200 + (m % 3));
    last = (await p.propose(state({ ...s, hpa: { ...s.hpa!, minReplicas: 15 } }))) ?? last;
  }
  assert.equal(p.operatingModeOf('api'), 'forecast');
  assert.equal(last?.basis, 'forecast');
  assert.equal(last?.hpa?.minReplicas, 3, 'the floor comes down to what the forecast needs');
});

test('the safety layer degraded: the policy falls back at once', async () => {
  const p = new PredictivePolicy({ mode: 'parametric', fallback: true, hpaTarget: 0.8, targetUtilization: 0.8 });
  const out = await p.propose(state({ forecast: rising, breaker: { open: false, degraded: true } }));
  assert.equal(p.operatingModeOf('api'), 'fallback');
  assert.equal(out?.basis, 'fallback');
  assert.match(out!.reason, /the circuit breaker is degraded/);
});
