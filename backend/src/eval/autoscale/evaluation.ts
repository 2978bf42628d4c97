/**
 * Replay evaluation of scaling policies on the simulated cluster: a request-rate trace drives the
 * gateway, every non-data service runs under an HPA (the exact Kubernetes port), and each policy is
 * replayed once with the same seed. The predictive policy acts through the safety layer (parametric:
 * it moves the HPAs' minReplicas; direct: it owns the replicas and the HPAs are removed), and an
 * independent auditor checks every applied action against the guards.
 *
 * Metrics (the user-facing service is the gateway; its p95 is end-to-end):
 * - SLO-violation minutes: simulated time (5-s ticks) during which the gateway's p95 exceeded the SLO.
 * - replica-hours: Σ replicas × time over the autoscaled services (data stores are fixed and equal
 *   across policies; `replicaHoursAll` includes them).
 * - scaling actions: replica changes of the autoscaled deployments (the simulator's scale events, from
 *   the HPA or the policy); largest step: the largest |Δ replicas| of one of them.
 * - latency p50/p95/p99: request-weighted percentiles over ticks of the gateway's per-tick p50/p95/p99.
 * Pure computation (no I/O); the CLI (`cli/autoscaleCommands.ts`) reads traces and writes results.
 */
import type { HpaObjectSpec } from '../../kube/types.ts';
import { SimulatedCluster } from '../../sim/cluster.ts';
import type { WorkloadTrace } from '../../sim/workload.ts';
import {
  forecastRequestRate,
  PredictivePolicy,
  type OperatingMode,
  type PredictiveConfig,
} from '../../engines/optimiser/predictive.ts';
import { RlPolicy, type RlInfer } from '../../engines/optimiser/rl.ts';
import {
  breakerMode,
  GuardAuditor,
  SafetyLayer,
  type BreakerMode,
  type SafetyConfig,
} from '../../engines/optimiser/safety.ts';
import {
  autoscaleTopology,
  DEFAULT_TOPOLOGY_SCALE,
  EVAL_SAFETY,
  Ring,
  weightedPercentile,
  type PolicyResult,
} from './replayCommon.ts';
import { AutoscaleRlEnv, type RlEnvConfig } from './rlEnv.ts';
import {
  timeFeatures,
  type IntegrationMode,
  type Proposal,
  type RateForecast,
  type SafetyRule,
  type SafetyVerdict,
  type ServiceState,
} from '../../engines/optimiser/types.ts';

export interface ReplayConfig {
  trace: WorkloadTrace;
  seed: number;
  sloMs: number;
  /** Load scale of the topology (the trace's peak maps to scale × 400 req/s at the gateway). */
  scale: number;
  tickSeconds: number;
  /** How often the predictive policy is asked (seconds). */
  policyIntervalSeconds: number;
  /** Forecast grid and refresh period (seconds). */
  forecastStepSeconds: number;
  /** Most history the forecaster looks at (steps). */
  forecastHistorySteps: number;
  mode: IntegrationMode;
  predictive: Partial<PredictiveConfig>;
  safety: Partial<Omit<SafetyConfig, 'hardBounds'>>;
  /**
   * The predictive policy takes over only after this much history (its forecaster needs a few periods of
   * the load to see sub-daily patterns); until then the HPA runs alone, exactly as in the HPA replay.
   */
  warmupSeconds: number;
  /** Simulated seconds to replay; default the trace's length. */
  durationSeconds?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called after every tick with the cluster snapshot (diagnostics). */
  onTick?: (snapshot: ReturnType<SimulatedCluster['snapshot']>) => void;
}

export const DEFAULT_REPLAY: Omit<ReplayConfig, 'trace'> = {
  seed: 42,
  sloMs: 250,
  scale: DEFAULT_TOPOLOGY_SCALE,
  tickSeconds: 5,
  policyIntervalSeconds: 15,
  forecastStepSeconds: 60,
  forecastHistorySteps: 3 * 1440,
  mode: 'parametric',
  warmupSeconds: 5400,
  predictive: {},
  safety: {},
};

/** The `rl` row when the model cannot be used (missing, or failing its checksum); `reason` says why. */
export function rlNotAvailable(reason?: string): PolicyResult {
  return {
    policy: 'rl',
    available: false,
    message: `not available: ${reason ?? 'the RL policy has not been trained'}`,
  };
}

/**
 * Replays one policy ('hpa', 'predictive' or 'rl') over the trace. 'rl' needs the trained actor (`rlInfer`,
 * from `models/rlPolicyModel.ts`) and runs through the RL environment (`rlEnv.ts`), which keeps the same
 * cluster, warm-up, safety layer, auditor and metrics; it decides every 30 s (`DEFAULT_RL_ENV`).
 */
export async function replayPolicy(
  policy: 'hpa' | 'predictive' | 'rl',
  config: Partial<ReplayConfig> & { trace: WorkloadTrace; rlInfer?: RlInfer }
): Promise<PolicyResult> {
  const cfg: ReplayConfig = { ...DEFAULT_REPLAY, ...config };
  if (policy === 'rl') {
    if (!config.rlInfer) {
      throw new Error("replayPolicy('rl'): rlInfer (the trained actor) is required");
    }
    return replayRl(config.rlInfer, {
      trace: cfg.trace,
      seed: cfg.seed,
      sloMs: cfg.sloMs,
      scale: cfg.scale,
      tickSeconds: cfg.tickSeconds,
      warmupSeconds: cfg.warmupSeconds,
      forecastStepSeconds: cfg.forecastStepSeconds,
      forecastHistorySteps: cfg.forecastHistorySteps,
      safety: cfg.safety,
      ...(cfg.durationSeconds !== undefined ? { durationSeconds: cfg.durationSeconds } : {}),
      ...(cfg.onProgress ? { onProgress: cfg.onProgress } : {}),
    });
  }
  const started = performance.now();
  const topology = autoscaleTopology(cfg.scale);
  const cluster = new SimulatedCluster({
    seed: cfg.seed,
    topology,
    workload: cfg.trace,
    peakRps: 400 * cfg.scale,
    tickSeconds: cfg.tickSeconds,
    historyRetentionSeconds: 120,
    tracesPerTick: 0,
  });
  const entry = topology.entry;
  const managed = topology.services.filter((s) => s.hpa).map((s) => s.name);
  const baselines: Record<string, HpaObjectSpec> = Object.fromEntries(
    topology.services.filter((s) => s.hpa).map((s) => [s.name, { ...(s.hpa as HpaObjectSpec) }])
  );
  const duration = cfg.durationSeconds ?? cfg.trace.values.length * cfg.trace.stepSeconds;
  const totalTicks = Math.floor(duration / cfg.tickSeconds);
  const tickH = cfg.tickSeconds / 3600;

  const predictive = policy === 'predictive';
  const safetyConfig: Partial<SafetyConfig> = {
    ...EVAL_SAFETY,
    ...cfg.safety,
    hardBounds: {
      minReplicas: 1,
      maxReplicas: 1000,
      services: Object.fromEntries(
        managed.map((s) => [s, { minReplicas: baselines[s]!.minReplicas, maxReplicas: baselines[s]!.maxReplicas }])
      ),
    },
  };
  const safety = new SafetyLayer(safetyConfig);
  const auditor = new GuardAuditor(safety.config);
  const pol = new PredictivePolicy({ ...cfg.predictive, mode: cfg.mode }, { baselines });
  let handedOver = false;

  // Rolling per-tick windows (one policy interval's worth of ticks ≈ the last minute).
  const win = Math.max(1, Math.round(60 / cfg.tickSeconds));
  const rate = new Map(managed.map((s) => [s, new Ring(win)]));
  const busy = new Map(managed.map((s) => [s, new Ring(win)]));
  const gwP95 = new Ring(win);
  // Per forecast step: gateway arrivals and every managed service's arrivals (for fan-out ratios).
  const stepTicks = Math.max(1, Math.round(cfg.forecastStepSeconds / cfg.tickSeconds));
  const gwSteps: number[] = [];
  const svcSteps = new Map(managed.map((s) => [s, [] as number[]]));
  let gwAcc = 0;
  const svcAcc = new Map(managed.map((s) => [s, 0]));
  let gatewayForecast: RateForecast | undefined;
  let forecasts = 0;

  const lat50 = new Float64Array(totalTicks);
  const lat95 = new Float64Array(totalTicks);
  const lat99 = new Float64Array(totalTicks);
  const weight = new Float64Array(totalTicks);
  let violationTicks = 0;
  let replicaHours = 0;
  let replicaHoursAll = 0;
  let errSum = 0;
  let errW = 0;
  const proposals = { total: 0, allowed: 0, modified: 0, rejected: 0, noop: 0 };
  const ruleActions: Partial<Record<SafetyRule, { clamped: number; rejected: number }>> = {};
  const examples: SafetyVerdict[] = [];
  let policyActions = 0;
  let breakerFallbackAt: number | undefined;
  // Time in each breaker state after the hand-over, and how often the policy ran in its fallback mode.
  const breakerSeconds: Record<BreakerMode, number> = { closed: 0, degraded: 0, open: 0 };
  const breakerEpisodes: Record<BreakerMode, number> = { closed: 0, degraded: 0, open: 0 };
  let lastBreakerMode: BreakerMode | undefined;
  const modeCalls = { total: 0, fallback: 0, switches: 0 };
  const lastMode = new Map<string, OperatingMode>();
  const policyEvery = Math.max(1, Math.round(cfg.policyIntervalSeconds / cfg.tickSeconds));
  const progressEvery = Math.max(1, Math.floor(totalTicks / 200));
  const startMs = cluster.timeMs;

  for (let k = 0; k < totalTicks; k++) {
    cluster.advance(cfg.tickSeconds);
    const snap = cluster.snapshot();
    cfg.onTick?.(snap);
    const now = snap.timeMs;
    const byName = new Map(snap.services.map((s) => [s.service, s]));
    const gw = byName.get(entry)!;
    lat50[k] = gw.latencyP50Ms;
    lat95[k] = gw.latencyP95Ms;
    lat99[k] = gw.latencyP99Ms;
    weight[k] = Math.max(gw.arrivalRps, 1e-6);
    if (gw.latencyP95Ms > cfg.sloMs) {
      violationTicks++;
    }
    errSum += gw.errorRatio * gw.arrivalRps;
    errW += gw.arrivalRps;
    gwP95.push(gw.latencyP95Ms);
    for (const s of snap.services) {
      const n = s.replicas.ready + s.replicas.starting;
      replicaHoursAll += n * tickH;
      if (baselines[s.service]) {
        replicaHours += n * tickH;
      }
    }
    gwAcc += gw.arrivalRps;
    for (const s of managed) {
      const x = byName.get(s)!;
      rate.get(s)!.push(x.arrivalRps);
      busy.get(s)!.push(x.cpuUtilization * x.replicas.ready);
      svcAcc.set(s, svcAcc.get(s)! + x.arrivalRps);
    }
    if ((k + 1) % stepTicks === 0) {
      gwSteps.push(gwAcc / stepTicks);
      gwAcc = 0;
      for (const s of managed) {
        svcSteps.get(s)!.push(svcAcc.get(s)! / stepTicks);
        svcAcc.set(s, 0);
      }
      if (gwSteps.length > cfg.forecastHistorySteps) {
        gwSteps.shift();
        for (const s of managed) {
          svcSteps.get(s)!.shift();
        }
      }
      if (predictive && gwSteps.length >= 16) {
        gatewayForecast = await forecastRequestRate(
          { stepSeconds: cfg.forecastStepSeconds, values: gwSteps, lastTimestampMs: now },
          Math.max(1, Math.ceil(pol.config.horizonSeconds / cfg.forecastStepSeconds)),
          undefined,
          pol.config.phaseQuantile !== undefined ? { phaseQuantile: pol.config.phaseQuantile } : {}
        );
        forecasts++;
      }
    }

    if (predictive && !handedOver && now - startMs >= cfg.warmupSeconds * 1000) {
      handedOver = true;
      // Direct mode owns the replicas from here on: the HPAs go.
      if (cfg.mode === 'direct') {
        for (const s of managed) {
          cluster.setHpa(s, undefined);
        }
      }
    }
    if (predictive && handedOver && (k + 1) % policyEvery === 0) {
      const replicasNow = Object.fromEntries(snap.services.map((s) => [s.service, s.replicas.desired]));
      for (const s of managed) {
        const x = byName.get(s)!;
        const steps = svcSteps.get(s)!;
        const recent = Math.min(30, steps.length);
        let num = 0;
        let den = 0;
        for (let i = steps.length - recent; i < steps.length; i++) {
          num += steps[i]!;
          den += gwSteps[i]!;
        }
        const ratio = den > 0 ? num / den : undefined;
        const b = busy.get(s)!;
        const r = rate.get(s)!;
        const capacity = b.sum > 0.05 * win ? r.sum / b.sum : undefined;
        const forecast: RateForecast | undefined =
          gatewayForecast && ratio !== undefined
            ? {
                ...gatewayForecast,
                p50: gatewayForecast.p50.map((v) => v * ratio),
                p90: gatewayForecast.p90.map((v) => v * ratio),
                ...(gatewayForecast.p10 ? { p10: gatewayForecast.p10.map((v) => v * ratio) } : {}),
              }
            : undefined;
        const state: ServiceState = {
          service: s,
          timeMs: now,
          replicas: { ...x.replicas },
          cpuUtilization: x.cpuUtilization,
          ...(x.hpa ? { hpa: { ...x.hpa } } : {}),
          latencyP95Ms: gwP95.mean,
          sloMs: cfg.sloMs,
          errorRate: gw.errorRatio,
          requestRate: r.mean,
          ...(capacity !== undefined ? { capacityPerReplicaRps: capacity } : {}),
          ...(forecast ? { forecast } : {}),
          time: timeFeatures(now),
        };
        safety.observe(state);
        const br = safety.breaker();
        if (br.open && breakerFallbackAt === undefined) {
          // Automation paused: hand every service back to its original HPA until an operator resumes.
          breakerFallbackAt = now;
          for (const m of managed) {
            cluster.setHpa(m, { ...baselines[m]! });
          }
        }
        state.breaker = { open: br.open, degraded: br.degraded === true };
        const proposal = await pol.propose(state);
        const operating = pol.operatingModeOf(s);
        modeCalls.total++;
        if (operating === 'fallback') {
          modeCalls.fallback++;
        }
        if (operating !== lastMode.get(s)) {
          if (lastMode.has(s)) {
            modeCalls.switches++;
          }
          lastMode.set(s, operating);
        }
        if (!proposal) {
          continue;
        }
        proposals.total++;
        const breakerOpen = br.open;
        const breakerDegraded = br.degraded === true;
        const verdict = safety.review(proposal, state, { replicas: replicasNow });
        proposals[verdict.outcome]++;
        for (const d of verdict.decisions) {
          if (d.action === 'allowed') {
            continue;
          }
          const ra = (ruleActions[d.rule] ??= { clamped: 0, rejected: 0 });
          ra[d.action]++;
        }
        if (
          (verdict.outcome === 'modified' || verdict.outcome === 'rejected') &&
          examples.length < 5 &&
          verdict.decisions.some((d) => d.action !== 'allowed')
        ) {
          examples.push(verdict);
        }
        if (!verdict.applied) {
          continue;
        }
        const a = verdict.applied;
        if (a.mode === 'parametric') {
          cluster.setHpa(s, { ...(x.hpa as HpaObjectSpec), ...a.hpa });
        } else {
          cluster.setReplicas(s, a.replicas as number, 'predictive');
        }
        safety.commit(verdict, state);
        auditor.check(a, state, { breakerOpen, breakerDegraded, cluster: { replicas: replicasNow } });
        replicasNow[s] = cluster.getDeployment(s).replicas;
        policyActions++;
      }
    }
    if (predictive && handedOver) {
      const bm = breakerMode(safety.breaker());
      breakerSeconds[bm] += cfg.tickSeconds;
      if (bm !== lastBreakerMode) {
        breakerEpisodes[bm]++;
        lastBreakerMode = bm;
      }
    }
    if (cfg.onProgress && (k % progressEvery === 0 || k === totalTicks - 1)) {
      cfg.onProgress(k + 1, totalTicks);
    }
  }

  const scaleEvents = cluster.events({ startMs }).filter((e) => e.type === 'scale');
  if (cluster.events().length >= 100_000) {
    throw new Error('the simulator event log overflowed: shorten the replay (--hours)');
  }
  let largestStep = 0;
  const bySource: Record<string, number> = {};
  for (const e of scaleEvents) {
    largestStep = Math.max(largestStep, Math.abs(Number(e.to) - Number(e.from)));
    // "… (hpa)": the HPA; "(hpa bounds)": a new min/max applied at once; "(predictive)": a direct set.
    const source = /\(([^)]*)\)$/.exec(e.message)?.[1] ?? 'other';
    bySource[source] = (bySource[source] ?? 0) + 1;
  }
  return {
    policy,
    available: true,
    ...(predictive ? { mode: cfg.mode } : {}),
    sloViolationMinutes: (violationTicks * cfg.tickSeconds) / 60,
    replicaHours,
    replicaHoursAll,
    scalingActions: scaleEvents.length,
    scalingActionsBySource: bySource,
    largestStep,
    guardViolations: auditor.violations.length,
    latencyMs: {
      p50: weightedPercentile(lat50, weight, 0.5),
      p95: weightedPercentile(lat95, weight, 0.95),
      p99: weightedPercentile(lat99, weight, 0.99),
    },
    meanErrorRatio: errW > 0 ? errSum / errW : 0,
    ...(predictive
      ? {
          policyActions,
          proposals,
          ruleActions,
          guardChecks: auditor.checked,
          breaker: {
            ...safety.breaker(),
            ...(breakerFallbackAt !== undefined
              ? { fallback: `original HPAs restored at ${new Date(breakerFallbackAt).toISOString()}` }
              : {}),
          },
          breakerTime: { seconds: breakerSeconds, episodes: breakerEpisodes },
          operatingModes: {
            fallbackShare: modeCalls.total > 0 ? modeCalls.fallback / modeCalls.total : 0,
            switches: modeCalls.switches,
          },
          forecasts,
          examples,
        }
      : { policyActions: 0, guardChecks: 0 }),
    simulatedHours: (totalTicks * cfg.tickSeconds) / 3600,
    elapsedSeconds: (performance.now() - started) / 1000,
  };
}

/** Replays the trained policy over a trace through the env (HPA alone during the warm-up, as the predictive replay). */
export async function replayRl(
  infer: RlInfer,
  config: Partial<RlEnvConfig> & { trace: WorkloadTrace; onProgress?: (done: number, total: number) => void }
): Promise<PolicyResult> {
  const started = performance.now();
  const { onProgress, ...envConfig } = config;
  const env = new AutoscaleRlEnv(envConfig);
  const policy = new RlPolicy(infer, { baselines: env.baselines, entryService: env.entry });
  env.reset();
  let n = 0;
  while (!env.done) {
    const proposals: Array<Proposal | undefined> = [];
    for (const state of env.currentStates()) {
      proposals.push(await policy.propose(state));
    }
    env.stepProposals(proposals);
    if (onProgress && n++ % 50 === 0) {
      onProgress(env.progress.done, env.progress.total);
    }
  }
  onProgress?.(env.progress.total, env.progress.total);
  return env.result(started);
}
