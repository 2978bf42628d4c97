import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SAFETY_CONFIG,
  GuardAuditor,
  inFreezeWindow,
  replicasNeeded,
  SafetyLayer,
  stepAllowance,
  type SafetyConfig,
} from '../../src/engines/optimiser/safety.ts';
import {
  timeFeatures,
  type Proposal,
  type SafetyVerdict,
  type ServiceState,
} from '../../src/engines/optimiser/types.ts';
import type { HpaObjectSpec } from '../../src/kube/types.ts';
import { Rng } from '../../src/sim/random.ts';

const T0 = Date.UTC(2025, 0, 6, 10, 0, 0);

function state(over: Partial<ServiceState> = {}): ServiceState {
  const timeMs = over.timeMs ?? T0;
  return {
    service: 'api',
    timeMs,
    replicas: { desired: 10, ready: 10, starting: 0 },
    cpuUtilization: 0.6,
    latencyP95Ms: 120,
    sloMs: 250,
    errorRate: 0,
    requestRate: 600,
    capacityPerReplicaRps: 100,
    time: timeFeatures(timeMs),
    ...over,
  };
}

const direct = (replicas: number, extra: Partial<Proposal> = {}): Proposal => ({
  policy: 'test',
  service: 'api',
  mode: 'direct',
  replicas,
  reason: 'test',
  ...extra,
});
const param = (hpa: Proposal['hpa'], extra: Partial<Proposal> = {}): Proposal => ({
  policy: 'test',
  service: 'api',
  mode: 'parametric',
  hpa,
  reason: 'test',
  ...extra,
});
const HPA: HpaObjectSpec = { minReplicas: 2, maxReplicas: 20, targetCpuUtilization: 0.7 };
const rule = (v: SafetyVerdict, name: string) => v.decisions.filter((d) => d.rule === name);

function layer(over: Partial<SafetyConfig> = {}): SafetyLayer {
  return new SafetyLayer({ hardBounds: { minReplicas: 1, maxReplicas: 20 }, ...over });
}

test('an allowed proposal passes every rule, each recording why', () => {
  const v = layer().review(direct(12), state());
  assert.equal(v.outcome, 'allowed');
  assert.equal(v.applied?.replicas, 12);
  for (const r of [
    'validity',
    'circuit_breaker',
    'freeze_window',
    'hard_bounds',
    'max_step',
    'cooldown',
    'slo_guard',
    'forecast_capacity_guard',
  ]) {
    assert.ok(
      rule(v, r).some((d) => d.action === 'allowed' && d.reason.length > 0),
      `${r} recorded`
    );
  }
});

test('hard bounds and the step limit clamp, and say which rule acted', () => {
  const v = layer().review(direct(100), state());
  assert.equal(v.outcome, 'modified');
  // Hard max 20, then at most +min(8 pods, 100% of 10) = +8 per 60 s.
  assert.equal(v.applied?.replicas, 18);
  assert.match(rule(v, 'hard_bounds')[0]!.reason, /100 → 20/);
  assert.equal(rule(v, 'max_step')[0]!.action, 'clamped');
  assert.equal(stepAllowance(10, { pods: 4, percent: 50 }), 4);
  assert.equal(stepAllowance(3, { pods: 4, percent: 50 }), 2);
  assert.equal(stepAllowance(1, { pods: 4, percent: 10 }), 1);
});

test('the step limit holds over the window, not per call', () => {
  const s = layer();
  const st = state();
  const v1 = s.review(direct(18), st);
  assert.equal(v1.applied?.replicas, 18);
  s.commit(v1, st);
  const v2 = s.review(direct(20), state({ timeMs: T0 + 30_000, replicas: { desired: 18, ready: 10, starting: 8 } }));
  assert.equal(v2.outcome, 'rejected', 'already +8 from 10 within 60 s');
  assert.equal(rule(v2, 'max_step')[0]!.action, 'rejected');
  const v3 = s.review(direct(20), state({ timeMs: T0 + 61_000, replicas: { desired: 18, ready: 18, starting: 0 } }));
  assert.equal(v3.applied?.replicas, 20);
});

test('no scale-down while p95 is above the SLO', () => {
  const v = layer().review(direct(6), state({ latencyP95Ms: 400 }));
  assert.equal(v.outcome, 'rejected');
  assert.equal(rule(v, 'slo_guard')[0]!.action, 'rejected');
  assert.match(rule(v, 'slo_guard')[0]!.reason, /above the 250 ms SLO/);
  // Scaling up is still allowed.
  assert.equal(layer().review(direct(12), state({ latencyP95Ms: 400 })).applied?.replicas, 12);
});

test('no scale-down below what the p90 forecast needs', () => {
  // p90 700 req/s at 90% of 100 req/s per replica needs 8 replicas.
  assert.equal(replicasNeeded(700, 100, 0.9), 8);
  const v = layer().review(direct(6, { forecast: { p50: 500, p90: 700, horizonSeconds: 300 } }), state());
  assert.equal(v.outcome, 'modified');
  assert.equal(v.applied?.replicas, 8);
  assert.equal(rule(v, 'forecast_capacity_guard')[0]!.action, 'clamped');
  // From the state's forecast when the proposal carries none.
  const w = layer().review(
    direct(5),
    state({ forecast: { stepSeconds: 60, generatedAtMs: T0, p50: [500, 500], p90: [600, 950] } })
  );
  assert.equal(w.outcome, 'rejected');
});

test('cooldowns: a scale-down waits after any action, a scale-up after a scale-up', () => {
  const s = layer({ scaleUpCooldownSeconds: 60, scaleDownCooldownSeconds: 120 });
  const st = state();
  s.commit(s.review(direct(12), st), st);
  const down = s.review(direct(11), state({ timeMs: T0 + 90_000, replicas: { desired: 12, ready: 12, starting: 0 } }));
  assert.equal(down.outcome, 'rejected');
  assert.equal(rule(down, 'cooldown')[0]!.action, 'rejected');
  const up = s.review(direct(13), state({ timeMs: T0 + 30_000, replicas: { desired: 12, ready: 12, starting: 0 } }));
  assert.equal(up.outcome, 'rejected');
  assert.equal(
    s.review(direct(11), state({ timeMs: T0 + 121_000, replicas: { desired: 12, ready: 12, starting: 0 } })).applied
      ?.replicas,
    11
  );
});

test('freeze windows (absolute and daily) reject everything', () => {
  const s = layer({
    freezeWindows: [
      { startMs: T0, endMs: T0 + 3600_000, reason: 'release freeze' },
      { dailyStartMinute: 23 * 60, dailyEndMinute: 60, reason: 'nightly batch' },
    ],
  });
  const v = s.review(direct(12), state());
  assert.equal(v.outcome, 'rejected');
  assert.match(rule(v, 'freeze_window')[0]!.reason, /release freeze/);
  const night = Date.UTC(2025, 0, 6, 23, 30);
  assert.ok(inFreezeWindow(s.config.freezeWindows, night));
  assert.ok(inFreezeWindow(s.config.freezeWindows, Date.UTC(2025, 0, 7, 0, 30)));
  assert.equal(inFreezeWindow(s.config.freezeWindows, Date.UTC(2025, 0, 7, 1, 30)), undefined);
  assert.equal(s.review(direct(12), state({ timeMs: Date.UTC(2025, 0, 7, 12) })).outcome, 'allowed');
});

test('the budget caps the cost of all replicas', () => {
  const s = layer({ budget: { maxCost: 60, costPerReplica: { api: 2 } } });
  // Others cost 40, so api may have at most (60 − 40) / 2 = 10 replicas.
  const v = s.review(direct(14), state({ replicas: { desired: 8, ready: 8, starting: 0 } }), {
    replicas: { api: 8, db: 40 },
  });
  assert.equal(v.applied?.replicas, 10);
  assert.equal(rule(v, 'budget')[0]!.action, 'clamped');
});

test('validity: malformed proposals are rejected before anything else', () => {
  assert.equal(layer().review(direct(2.5), state()).decisions[0]!.rule, 'validity');
  assert.equal(layer().review(param({ minReplicas: 3 }), state()).outcome, 'rejected', 'parametric needs an HPA');
  assert.equal(layer().review(param({ targetCpuUtilization: 1.5 }), state({ hpa: HPA })).outcome, 'rejected');
  assert.equal(layer().review({ ...direct(3), service: 'other' }, state()).outcome, 'rejected');
  assert.equal(layer().review(direct(10), state()).outcome, 'noop');
});

test('parametric: bound changes that force the HPA are step-limited and guarded like direct changes', () => {
  const s = layer({ maxStepUp: { pods: 4, percent: 100 } });
  // minReplicas 18 above 10 replicas would make the HPA jump at once: at most +4.
  const up = s.review(param({ minReplicas: 18 }), state({ hpa: HPA }));
  assert.equal(up.applied?.hpa?.minReplicas, 14);
  assert.equal(rule(up, 'max_step')[0]!.action, 'clamped');
  // maxReplicas 3 below 10 replicas forces a scale-down: at most −4 (50% of 10, 4 pods).
  const down = s.review(param({ maxReplicas: 3 }), state({ hpa: HPA }));
  assert.equal(down.applied?.hpa?.maxReplicas, 6);
  // …and not at all while above the SLO (the cap may come down to the current replicas, forcing nothing).
  const hot = s.review(param({ maxReplicas: 3 }), state({ hpa: HPA, latencyP95Ms: 300 }));
  assert.equal(hot.applied?.hpa?.maxReplicas, 10);
  assert.equal(rule(hot, 'slo_guard')[0]!.action, 'clamped');
  // A raised target (the HPA would scale down) is blocked above the SLO, and moves at most 0.1 per action.
  assert.equal(
    s.review(param({ targetCpuUtilization: 0.85 }), state({ hpa: HPA, latencyP95Ms: 300 })).outcome,
    'rejected'
  );
  assert.equal(
    s.review(param({ targetCpuUtilization: 0.95 }), state({ hpa: HPA })).applied?.hpa?.targetCpuUtilization,
    0.8
  );
  // Raising minReplicas below the current replicas forces nothing and is allowed.
  assert.equal(s.review(param({ minReplicas: 8 }), state({ hpa: HPA })).outcome, 'allowed');
});

test('parametric: projection keeps minReplicas ≤ maxReplicas', () => {
  const s = layer();
  const v = s.review(
    param({ minReplicas: 9, maxReplicas: 7 }),
    state({
      hpa: { minReplicas: 2, maxReplicas: 8, targetCpuUtilization: 0.7 },
      replicas: { desired: 8, ready: 8, starting: 0 },
    })
  );
  const min = v.applied?.hpa?.minReplicas ?? 2;
  const max = v.applied?.hpa?.maxReplicas ?? 8;
  assert.ok(min <= max, `${min} ≤ ${max}`);
  assert.ok(rule(v, 'feasible_projection').some((d) => d.action !== 'allowed'));
});

test('circuit breaker: repeated bad outcomes pause automation until an operator resumes it', () => {
  const s = layer({
    scaleDownCooldownSeconds: 0,
    circuitBreaker: { ...DEFAULT_SAFETY_CONFIG.circuitBreaker, maxBadOutcomes: 3, observeSeconds: 60 },
  });
  let t = T0;
  let replicas = 12;
  for (let i = 0; i < 3; i++) {
    const before = state({ timeMs: t, replicas: { desired: replicas, ready: replicas, starting: 0 } });
    const v = s.review(direct(replicas - 1), before);
    assert.ok(v.applied, `action ${i} applied`);
    s.commit(v, before);
    replicas--;
    t += 61_000;
    // After each scale-down the service runs above the SLO and worse than before: a bad outcome.
    const judged = s.observe(
      state({ timeMs: t, latencyP95Ms: 900, replicas: { desired: replicas, ready: replicas, starting: 0 } })
    );
    assert.equal(judged.length, 1);
    assert.ok(judged[0]!.bad);
    assert.match(judged[0]!.reasons[0]!, /SLO worse/);
  }
  assert.ok(s.breaker().open);
  const blocked = s.review(direct(20), state({ timeMs: t }));
  assert.equal(blocked.outcome, 'rejected');
  assert.equal(blocked.decisions.at(-1)!.rule, 'circuit_breaker');
  s.resume('alice', t + 1000);
  assert.equal(s.breaker().open, false);
  assert.equal(s.breaker().resumedBy, 'alice');
  assert.ok(s.review(direct(11), state({ timeMs: t + 2000, replicas: { desired: 9, ready: 9, starting: 0 } })).applied);
});

test('circuit breaker: the forecast is judged on the load realised over its window', () => {
  const s = layer({
    circuitBreaker: {
      ...DEFAULT_SAFETY_CONFIG.circuitBreaker,
      maxBadOutcomes: 1,
      observeSeconds: 300,
      forecastErrorTolerance: 0.5,
    },
  });
  const before = state();
  s.commit(s.review(direct(12, { forecast: { p10: 500, p50: 600, p90: 700, horizonSeconds: 120 } }), before), before);
  s.observe(state({ timeMs: T0 + 60_000, requestRate: 1200 }));
  const judged = s.observe(state({ timeMs: T0 + 120_000, requestRate: 1100 }));
  assert.equal(judged.length, 1, 'judged at the end of the 120 s forecast window');
  assert.match(judged[0]!.reasons.join(), /forecast error out of bounds: 1150 req\/s/);
  // A forecast miss degrades the breaker (the forecast is not trusted) instead of pausing automation.
  assert.equal(s.breaker().open, false);
  assert.equal(s.breaker().degraded, true);
  const later = state({ timeMs: T0 + 180_000, replicas: { desired: 12, ready: 12, starting: 0 } });
  const onForecast = s.review(direct(14, { forecast: { p10: 900, p50: 1000, p90: 1200, horizonSeconds: 120 } }), later);
  assert.equal(onForecast.outcome, 'rejected');
  assert.match(onForecast.decisions.at(-1)!.reason, /forecast not trusted/);
  const fallback = s.review(direct(14, { basis: 'fallback' }), later);
  assert.ok(fallback.applied, 'a fallback-mode change (no forecast) is admitted');
  // It closes again by itself after the recovery time without another miss.
  s.observe(state({ timeMs: T0 + 120_000 + 1_800_000 }));
  assert.equal(s.breaker().degraded, undefined);
  assert.ok(s.breaker().recoveredAtMs !== undefined);
  // With degradeOnForecastMiss off, a miss counts towards opening, as before.
  const legacy = layer({
    circuitBreaker: {
      ...DEFAULT_SAFETY_CONFIG.circuitBreaker,
      maxBadOutcomes: 1,
      observeSeconds: 300,
      degradeOnForecastMiss: false,
    },
  });
  legacy.commit(
    legacy.review(direct(12, { forecast: { p10: 500, p50: 600, p90: 700, horizonSeconds: 120 } }), before),
    before
  );
  legacy.observe(state({ timeMs: T0 + 120_000, requestRate: 1200 }));
  assert.ok(legacy.breaker().open);
  // An up-scaling action is never blamed for a worse SLO.
  const u = layer({
    circuitBreaker: { ...DEFAULT_SAFETY_CONFIG.circuitBreaker, maxBadOutcomes: 1, observeSeconds: 60 },
  });
  u.commit(u.review(direct(12), before), before);
  assert.equal(u.observe(state({ timeMs: T0 + 60_000, latencyP95Ms: 2000 }))[0]!.bad, false);
});

// ---- property tests ----------------------------------------------------------------------------------

interface World {
  t: number;
  replicas: Record<string, number>;
  hpa: Record<string, HpaObjectSpec>;
  applied: Array<{ t: number; service: string; before: number; forced: number | undefined; up: boolean }>;
}

/**
 * Independent re-statement of the guards for one applied action (not the safety layer's interval code).
 * Returns the broken guards.
 */
function brokenGuards(cfg: SafetyConfig, w: World, st: ServiceState, a: Proposal, breakerWasOpen: boolean): string[] {
  const out: string[] = [];
  const svc = st.service;
  const cur = st.replicas.desired;
  const hard = cfg.hardBounds.services?.[svc] ?? cfg.hardBounds;
  if (breakerWasOpen) {
    out.push('breaker');
  }
  if (inFreezeWindow(cfg.freezeWindows, st.timeMs)) {
    out.push('freeze');
  }
  const hpa = st.hpa;
  let forced: number | undefined;
  let loosening = false;
  let up = false;
  if (a.mode === 'direct') {
    const r = a.replicas!;
    if (!Number.isInteger(r) || r < hard.minReplicas || r > hard.maxReplicas) {
      out.push(`hard ${r}`);
    }
    forced = r;
    loosening = r < cur;
    up = r > cur;
  } else {
    const h = a.hpa!;
    const min = h.minReplicas ?? hpa!.minReplicas;
    const max = h.maxReplicas ?? hpa!.maxReplicas;
    for (const x of [h.minReplicas, h.maxReplicas]) {
      if (x !== undefined && (!Number.isInteger(x) || x < hard.minReplicas || x > hard.maxReplicas)) {
        out.push(`hard ${x}`);
      }
    }
    if (min > max) {
      out.push('min>max');
    }
    if (h.minReplicas !== undefined && h.minReplicas > cur) {
      forced = h.minReplicas;
    }
    if (h.maxReplicas !== undefined && h.maxReplicas < cur) {
      forced = h.maxReplicas;
    }
    const t = h.targetCpuUtilization;
    if (
      t !== undefined &&
      (t < cfg.targetUtilization.min - 1e-9 ||
        t > cfg.targetUtilization.max + 1e-9 ||
        Math.abs(t - hpa!.targetCpuUtilization) > cfg.targetUtilization.maxStep + 1e-9)
    ) {
      out.push(`target ${t}`);
    }
    loosening =
      (forced !== undefined && forced < cur) ||
      (h.minReplicas ?? Infinity) < hpa!.minReplicas ||
      (t ?? -Infinity) > hpa!.targetCpuUtilization;
    up =
      (forced !== undefined && forced > cur) ||
      (h.minReplicas ?? -Infinity) > hpa!.minReplicas ||
      (t ?? Infinity) < hpa!.targetCpuUtilization;
    if (
      st.latencyP95Ms > st.sloMs &&
      ((h.minReplicas ?? Infinity) < hpa!.minReplicas || (t ?? -Infinity) > hpa!.targetCpuUtilization)
    ) {
      out.push('slo: loosened');
    }
  }
  if (forced !== undefined && forced !== cur) {
    const first = w.applied.find(
      (x) => x.service === svc && x.t > st.timeMs - cfg.stepWindowSeconds * 1000 && x.forced !== undefined
    );
    const base = first ? first.before : cur;
    const upAllow = Math.min(cfg.maxStepUp.pods, Math.max(1, Math.ceil((base * cfg.maxStepUp.percent) / 100)));
    const downAllow = Math.min(cfg.maxStepDown.pods, Math.max(1, Math.ceil((base * cfg.maxStepDown.percent) / 100)));
    if (forced > base + upAllow || forced < base - downAllow) {
      out.push(`step ${base}→${forced}`);
    }
    if (forced < cur && st.latencyP95Ms > st.sloMs) {
      out.push('slo: scale-down');
    }
    const p90 = a.forecast?.p90;
    if (
      forced < cur &&
      p90 !== undefined &&
      st.capacityPerReplicaRps &&
      forced < Math.ceil(p90 / (st.capacityPerReplicaRps * cfg.capacityUtilization) - 1e-9)
    ) {
      out.push('forecast');
    }
    if (cfg.budget && forced > cur) {
      const others = Object.entries(w.replicas).reduce((s, [k, n]) => (k === svc ? s : s + n), 0);
      if (others + forced > cfg.budget.maxCost) {
        out.push('budget');
      }
    }
  }
  const lastUp = Math.max(-Infinity, ...w.applied.filter((x) => x.service === svc && x.up).map((x) => x.t));
  const lastAny = Math.max(-Infinity, ...w.applied.filter((x) => x.service === svc).map((x) => x.t));
  if (forced !== undefined && forced > cur && st.timeMs - lastUp < cfg.scaleUpCooldownSeconds * 1000) {
    out.push('cooldown up');
  }
  if (loosening && st.timeMs - lastAny < cfg.scaleDownCooldownSeconds * 1000) {
    out.push('cooldown down');
  }
  void up;
  return out;
}

test('property: random states and proposals never produce an applied action outside the guards', () => {
  const rng = new Rng(20250101);
  let applied = 0;
  let reviewed = 0;
  // api and web run under an HPA (parametric proposals), db has none (direct proposals), as in practice:
  // a direct replica count on an HPA-managed service would be overwritten by the HPA.
  const services = ['api', 'web', 'db'];
  const parametric = new Set(['api', 'web']);
  for (let world = 0; world < 60; world++) {
    const hardMin = 1 + rng.int(3);
    const hardMax = hardMin + 2 + rng.int(30);
    const cfg: Partial<SafetyConfig> = {
      hardBounds: { minReplicas: hardMin, maxReplicas: hardMax },
      maxStepUp: { pods: 1 + rng.int(8), percent: rng.pick([10, 25, 50, 100, 200]) },
      maxStepDown: { pods: 1 + rng.int(6), percent: rng.pick([10, 25, 50, 100]) },
      stepWindowSeconds: rng.pick([15, 60, 120]),
      scaleUpCooldownSeconds: rng.pick([0, 0, 30, 90]),
      scaleDownCooldownSeconds: rng.pick([0, 60, 120, 300]),
      targetUtilization: { min: 0.3, max: rng.pick([0.8, 0.9]), maxStep: rng.pick([0.05, 0.1, 0.2]) },
      capacityUtilization: rng.pick([0.7, 0.9]),
      ...(rng.next() < 0.5 ? { budget: { maxCost: 10 + rng.int(60) } } : {}),
      freezeWindows:
        rng.next() < 0.3
          ? [{ dailyStartMinute: rng.int(1440), dailyEndMinute: rng.int(1440), reason: 'random freeze' }]
          : [],
      circuitBreaker: {
        maxBadOutcomes: 1 + rng.int(4),
        windowSeconds: 1800,
        observeSeconds: rng.pick([60, 300]),
        sloWorsenFactor: 1.2,
        forecastErrorTolerance: 0.5,
      },
    };
    const safety = new SafetyLayer(cfg);
    const w: World = { t: T0 + rng.int(86_400_000), replicas: {}, hpa: {}, applied: [] };
    for (const s of services) {
      w.replicas[s] = hardMin + rng.int(hardMax - hardMin + 1);
      const min = hardMin + rng.int(Math.max(1, w.replicas[s]! - hardMin + 1));
      w.hpa[s] = {
        minReplicas: min,
        maxReplicas: Math.min(hardMax, Math.max(min, w.replicas[s]!) + rng.int(5)),
        targetCpuUtilization: rng.pick([0.5, 0.6, 0.7, 0.8]),
      };
    }
    for (let step = 0; step < 60; step++) {
      w.t += rng.pick([5_000, 15_000, 15_000, 60_000, 200_000]);
      const service = rng.pick(services);
      const cur = w.replicas[service]!;
      const cap = rng.next() < 0.9 ? rng.uniform(20, 200) : undefined;
      const st: ServiceState = {
        service,
        timeMs: w.t,
        replicas: { desired: cur, ready: cur, starting: 0 },
        cpuUtilization: rng.next(),
        ...(parametric.has(service) ? { hpa: { ...w.hpa[service]! } } : {}),
        latencyP95Ms: rng.uniform(50, 600),
        sloMs: 250,
        errorRate: rng.next() * 0.05,
        requestRate: rng.uniform(0, 2000),
        ...(cap !== undefined ? { capacityPerReplicaRps: cap } : {}),
        time: timeFeatures(w.t),
      };
      for (const judged of safety.observe(st)) {
        assert.equal(judged.service, service);
      }
      const wild = () => rng.pick([rng.int(hardMax * 3), cur + rng.int(9) - 4, hardMin - 1, hardMax + 5, 0, cur]);
      const forecast =
        rng.next() < 0.6
          ? { p50: rng.uniform(0, 2000), p90: rng.uniform(0, 3000), p10: rng.uniform(0, 500), horizonSeconds: 120 }
          : undefined;
      const proposal: Proposal = !parametric.has(service)
        ? {
            policy: 'random',
            service,
            mode: 'direct',
            replicas: rng.next() < 0.05 ? 2.5 : wild(),
            reason: 'random',
            ...(forecast ? { forecast } : {}),
          }
        : {
            policy: 'random',
            service,
            mode: 'parametric',
            hpa: {
              ...(rng.next() < 0.7 ? { minReplicas: Math.max(0, wild()) } : {}),
              ...(rng.next() < 0.5 ? { maxReplicas: Math.max(0, wild()) } : {}),
              ...(rng.next() < 0.4 ? { targetCpuUtilization: rng.uniform(0.05, 1.2) } : {}),
            },
            reason: 'random',
            ...(forecast ? { forecast } : {}),
          };
      const breakerWasOpen = safety.breaker().open;
      const verdict = safety.review(proposal, st, { replicas: { ...w.replicas } });
      reviewed++;
      // Every non-allowed decision names its rule and a reason.
      for (const d of verdict.decisions) {
        assert.ok(d.rule && d.reason.length > 0);
      }
      if (verdict.outcome === 'rejected') {
        assert.ok(
          verdict.decisions.some((d) => d.action === 'rejected'),
          'a rejection names the rule'
        );
      }
      if (!verdict.applied) {
        continue;
      }
      const broken = brokenGuards(safety.config, w, st, verdict.applied, breakerWasOpen);
      assert.deepEqual(
        broken,
        [],
        `world ${world} step ${step}: ${JSON.stringify(proposal)} → ${JSON.stringify(verdict.applied)} from ${cur} (${JSON.stringify(st.hpa)})`
      );
      applied++;
      // Apply as Kubernetes would: a new bound the replicas fall outside of moves them at once.
      const a = verdict.applied;
      let forced: number | undefined;
      if (a.mode === 'direct') {
        forced = w.replicas[service] = a.replicas!;
      } else {
        w.hpa[service] = { ...w.hpa[service]!, ...a.hpa };
        const h = w.hpa[service]!;
        if (cur < h.minReplicas) {
          forced = w.replicas[service] = h.minReplicas;
        }
        if (cur > h.maxReplicas) {
          forced = w.replicas[service] = h.maxReplicas;
        }
      }
      const committed = safety.commit(verdict, st)!;
      w.applied.push({ t: w.t, service, before: cur, forced: forced ?? committed.forcedReplicas, up: committed.up });
      // Sometimes the HPA moves replicas on its own within its bounds.
      if (parametric.has(service) && rng.next() < 0.3) {
        const h = w.hpa[service]!;
        w.replicas[service] = Math.min(h.maxReplicas, Math.max(h.minReplicas, w.replicas[service]! + rng.int(5) - 2));
      }
    }
  }
  assert.ok(reviewed >= 3000, `reviewed ${reviewed}`);
  assert.ok(applied > 300, `applied ${applied}`);
});

test('property: the independent GuardAuditor agrees (no violations over thousands of random actions)', () => {
  const rng = new Rng(7);
  const cfg: Partial<SafetyConfig> = {
    hardBounds: { minReplicas: 1, maxReplicas: 40 },
    budget: { maxCost: 90 },
    scaleDownCooldownSeconds: 60,
    scaleUpCooldownSeconds: 15,
  };
  const safety = new SafetyLayer(cfg);
  const auditor = new GuardAuditor(safety.config);
  const replicas: Record<string, number> = { a: 10, b: 10, c: 10 };
  const hpa: Record<string, HpaObjectSpec> = { a: { ...HPA }, b: { ...HPA }, c: { ...HPA } };
  let t = T0;
  for (let i = 0; i < 4000; i++) {
    t += rng.pick([5_000, 15_000, 30_000]);
    const service = rng.pick(['a', 'b', 'c']);
    const cur = replicas[service]!;
    const st = state({
      service,
      timeMs: t,
      replicas: { desired: cur, ready: cur, starting: 0 },
      hpa: { ...hpa[service]! },
      latencyP95Ms: rng.uniform(80, 400),
      capacityPerReplicaRps: rng.uniform(50, 150),
      requestRate: rng.uniform(0, 1500),
    });
    safety.observe(st);
    if (safety.breaker().open && rng.next() < 0.2) {
      safety.resume('operator', t);
    }
    const p: Proposal =
      rng.next() < 0.5
        ? direct(rng.int(60), { service, forecast: { p50: 300, p90: rng.uniform(0, 2000), horizonSeconds: 120 } })
        : param(
            {
              minReplicas: 1 + rng.int(40),
              ...(rng.next() < 0.5 ? { maxReplicas: 1 + rng.int(40) } : {}),
              ...(rng.next() < 0.3 ? { targetCpuUtilization: rng.uniform(0.2, 1) } : {}),
            },
            { service }
          );
    const open = safety.breaker().open;
    const v = safety.review(p, st, { replicas: { ...replicas } });
    if (!v.applied) {
      continue;
    }
    assert.deepEqual(auditor.check(v.applied, st, { breakerOpen: open, cluster: { replicas: { ...replicas } } }), []);
    if (v.applied.mode === 'direct') {
      replicas[service] = v.applied.replicas!;
    } else {
      hpa[service] = { ...hpa[service]!, ...v.applied.hpa };
      replicas[service] = Math.min(hpa[service]!.maxReplicas, Math.max(hpa[service]!.minReplicas, cur));
    }
    safety.commit(v, st);
  }
  assert.ok(auditor.checked > 500, `audited ${auditor.checked}`);
  assert.equal(auditor.violations.length, 0);
});
