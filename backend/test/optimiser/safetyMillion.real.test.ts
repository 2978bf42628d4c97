/**
 * A million random proposals through the safety layer → none applied outside the guards. Random worlds (bounds,
 * step limits, cooldowns, budgets, freeze windows, breaker settings), random states and wild proposals (direct and
 * parametric, out of every bound, fractional, negative); every applied action is checked by the independent
 * GuardAuditor (plain predicates, not the layer's interval logic) and applied as Kubernetes would apply it.
 * AIDPE_SAFETY_PROPOSALS sets the count (default 1,000,000).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuardAuditor, SafetyLayer, type SafetyConfig } from '../../src/engines/optimiser/safety.ts';
import { timeFeatures, type Proposal, type ServiceState } from '../../src/engines/optimiser/types.ts';
import type { HpaObjectSpec } from '../../src/kube/types.ts';
import { Rng } from '../../src/sim/random.ts';

const PROPOSALS = Number(process.env.AIDPE_SAFETY_PROPOSALS ?? '1000000');
const PER_WORLD = 200;
const T0 = Date.UTC(2025, 0, 6, 10, 0, 0);
const SERVICES = ['api', 'web', 'db'];
const PARAMETRIC = new Set(['api', 'web']);

function randomConfig(rng: Rng): Partial<SafetyConfig> {
  const hardMin = 1 + rng.int(3);
  const hardMax = hardMin + 2 + rng.int(30);
  return {
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
      rng.next() < 0.3 ? [{ dailyStartMinute: rng.int(1440), dailyEndMinute: rng.int(1440), reason: 'freeze' }] : [],
    circuitBreaker: {
      maxBadOutcomes: 1 + rng.int(4),
      windowSeconds: 1800,
      observeSeconds: rng.pick([60, 300]),
      sloWorsenFactor: 1.2,
      forecastErrorTolerance: 0.5,
    },
  };
}

test(`${PROPOSALS} random proposals through the safety layer: none applied outside the guards`, () => {
  const rng = new Rng(20250601);
  let reviewed = 0;
  let applied = 0;
  let violations = 0;
  let tamperedChecked = 0;
  let tamperedCaught = 0;
  const started = process.hrtime.bigint();
  while (reviewed < PROPOSALS) {
    const safety = new SafetyLayer(randomConfig(rng));
    const auditor = new GuardAuditor(safety.config);
    const { minReplicas: hardMin, maxReplicas: hardMax } = safety.config.hardBounds;
    const replicas: Record<string, number> = {};
    const hpa: Record<string, HpaObjectSpec> = {};
    for (const s of SERVICES) {
      replicas[s] = hardMin + rng.int(hardMax - hardMin + 1);
      const min = hardMin + rng.int(Math.max(1, replicas[s] - hardMin + 1));
      hpa[s] = {
        minReplicas: min,
        maxReplicas: Math.min(hardMax, Math.max(min, replicas[s]) + rng.int(5)),
        targetCpuUtilization: rng.pick([0.5, 0.6, 0.7, 0.8]),
      };
    }
    let t = T0 + rng.int(86_400_000);
    for (let step = 0; step < PER_WORLD && reviewed < PROPOSALS; step++) {
      t += rng.pick([5_000, 15_000, 15_000, 60_000, 200_000]);
      const service = rng.pick(SERVICES);
      const cur = replicas[service]!;
      const st: ServiceState = {
        service,
        timeMs: t,
        replicas: { desired: cur, ready: cur, starting: 0 },
        cpuUtilization: rng.next(),
        ...(PARAMETRIC.has(service) ? { hpa: { ...hpa[service]! } } : {}),
        latencyP95Ms: rng.uniform(50, 600),
        sloMs: 250,
        errorRate: rng.next() * 0.05,
        requestRate: rng.uniform(0, 2000),
        ...(rng.next() < 0.9 ? { capacityPerReplicaRps: rng.uniform(20, 200) } : {}),
        time: timeFeatures(t),
      };
      safety.observe(st);
      if (safety.breaker().open && rng.next() < 0.05) {
        safety.resume('operator', t);
      }
      const wild = () => rng.pick([rng.int(hardMax * 3), cur + rng.int(9) - 4, hardMin - 1, hardMax + 5, 0, cur, -3]);
      const forecast =
        rng.next() < 0.6
          ? { p50: rng.uniform(0, 2000), p90: rng.uniform(0, 3000), p10: rng.uniform(0, 500), horizonSeconds: 120 }
          : undefined;
      const proposal: Proposal = !PARAMETRIC.has(service)
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
              ...(rng.next() < 0.7 ? { minReplicas: wild() } : {}),
              ...(rng.next() < 0.5 ? { maxReplicas: wild() } : {}),
              ...(rng.next() < 0.4 ? { targetCpuUtilization: rng.uniform(-0.2, 1.5) } : {}),
            },
            reason: 'random',
            ...(forecast ? { forecast } : {}),
          };
      const breakerOpen = safety.breaker().open;
      const verdict = safety.review(proposal, st, { replicas: { ...replicas } });
      reviewed++;
      if (!verdict.applied) {
        continue;
      }
      applied++;
      const context = { breakerOpen, cluster: { replicas: { ...replicas } } };
      violations += auditor.check(verdict.applied, st, context).length;
      const a = verdict.applied;
      // The auditor can fail: the same action pushed past the hard maximum is flagged (by a fresh auditor: one
      // remembers what it checked).
      if (a.mode === 'direct' && tamperedChecked < 1000) {
        tamperedChecked++;
        tamperedCaught +=
          new GuardAuditor(safety.config).check({ ...a, replicas: hardMax + 1 }, st, context).length > 0 ? 1 : 0;
      }
      if (a.mode === 'direct') {
        replicas[service] = a.replicas!;
      } else {
        hpa[service] = { ...hpa[service]!, ...a.hpa };
        const h = hpa[service]!;
        replicas[service] = Math.min(h.maxReplicas, Math.max(h.minReplicas, cur));
      }
      safety.commit(verdict, st);
      if (PARAMETRIC.has(service) && rng.next() < 0.3) {
        const h = hpa[service]!;
        replicas[service] = Math.min(h.maxReplicas, Math.max(h.minReplicas, replicas[service]! + rng.int(5) - 2));
      }
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `# safety: ${reviewed} proposals, ${applied} applied, ${violations} outside the guards, ${seconds.toFixed(1)} s (${Math.round(reviewed / seconds)} proposals/s)\n`
  );
  assert.equal(violations, 0);
  assert.ok(
    tamperedChecked > 0 && tamperedCaught === tamperedChecked,
    `tampered: ${tamperedCaught}/${tamperedChecked}`
  );
  assert.ok(applied > reviewed / 20, `enough applied to mean something: ${applied}`);
});
