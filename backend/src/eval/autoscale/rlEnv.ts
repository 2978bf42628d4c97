/**
 * The RL training environment: one simulated cluster replaying a trace window under the HPA port, as in
 * the replay evaluation (`evaluation.ts`: same topology, tick, metrics and safety settings). After a warm-up
 * with the HPAs alone, the agent acts every `decisionSeconds` on every managed service: one decision per
 * service from a per-service observation (a shared actor; the services are the "agents" of one env). Each
 * action becomes a parametric proposal (`rl.ts`) that passes through the same `SafetyLayer.review` and the
 * independent `GuardAuditor` before it touches the cluster.
 *
 * Per decision the env reports, per service, reward = −(replicas ÷ the service's hard max, averaged over the
 * interval) − actionPenalty × (an action was applied), and one constraint cost per env = the share of the
 * interval's ticks with the gateway p95 above the SLO. The trainer adds −λ·cost (Lagrangian) itself. For
 * credit assignment the env also attributes that cost per service (`serviceCosts`: the share of ticks with a
 * violation while that service ran hot, CPU ≥ HOT_UTILISATION): the gateway's p95 is everyone's outcome, but
 * an overloaded service is the one whose decision made it worse.
 *
 * `replayRl` runs the trained policy through the same env for `aidpe autoscale-eval` and returns the
 * evaluation's metrics, computed exactly as `replayPolicy` computes them. Pure and deterministic given the
 * seed (no I/O).
 */
import type { HpaObjectSpec } from '../../kube/types.ts';
import { SimulatedCluster } from '../../sim/cluster.ts';
import type { WorkloadTrace } from '../../sim/workload.ts';
import {
  actionToProposal,
  RL_HORIZON_SECONDS,
  RlObservationBuilder,
  rlRateForecast,
  type RlInfer,
} from '../../engines/optimiser/rl.ts';
import { GuardAuditor, SafetyLayer, type SafetyConfig } from '../../engines/optimiser/safety.ts';
import {
  timeFeatures,
  type Proposal,
  type RateForecast,
  type SafetyRule,
  type ServiceState,
} from '../../engines/optimiser/types.ts';
import {
  autoscaleTopology,
  DEFAULT_TOPOLOGY_SCALE,
  EVAL_SAFETY,
  Ring,
  weightedPercentile,
  type PolicyResult,
} from './replayCommon.ts';
import { HpaTwin, scaleEventCounts } from './hpaTwin.ts';

// The synthetic training shapes live with the other synthetic traces.
export { syntheticTrainingTrace } from './syntheticTraces.ts';

export interface RlEnvConfig {
  trace: WorkloadTrace;
  seed: number;
  sloMs: number;
  scale: number;
  tickSeconds: number;
  /** How often the agent acts (simulated seconds). */
  decisionSeconds: number;
  /** HPA-only time before the first decision (the forecast needs history). */
  warmupSeconds: number;
  /** Simulated seconds in all (warm-up included); default the trace's length. */
  durationSeconds?: number;
  /** Where in the trace the replay starts (seconds); the simulated clock starts at the same time of day. */
  workloadOffsetSeconds: number;
  forecastStepSeconds: number;
  forecastHistorySteps: number;
  /** Reward charge per applied action (fewer, larger moves rather than chatter). */
  actionPenalty: number;
  /**
   * Run an HPA twin (`hpaTwin.ts`: the same cluster under the HPA alone) and report the agent's excess
   * replicas and scale events over it, and its violation share, with every step (the constrained costs).
   */
  hpaTwin: boolean;
  safety: Partial<Omit<SafetyConfig, 'hardBounds'>>;
}

export const DEFAULT_RL_ENV: Omit<RlEnvConfig, 'trace'> = {
  seed: 42,
  sloMs: 250,
  scale: DEFAULT_TOPOLOGY_SCALE,
  tickSeconds: 5,
  decisionSeconds: 30,
  warmupSeconds: 5400,
  workloadOffsetSeconds: 0,
  forecastStepSeconds: 60,
  forecastHistorySteps: 3 * 1440,
  actionPenalty: 0.02,
  hpaTwin: false,
  safety: {},
};

export interface RlStepResult {
  /** [service][OBS_DIM] after the step. */
  obs: number[][];
  /** Per service. */
  rewards: number[];
  /** Share of the interval with the gateway p95 above the SLO (the Lagrangian constraint cost). */
  cost: number;
  /** Per service: the share of the interval with the SLO violated while the service ran hot. */
  serviceCosts: number[];
  done: boolean;
  /** With `hpaTwin`: the agent against the HPA alone on the same load over the interval. */
  twin?: {
    /** Per service: (mean replicas − the twin's) ÷ the service's hard max. */
    replicaExcess: number[];
    /** Per service: scale events − the twin's. */
    actionExcess: number[];
    /** The twin's share of ticks with the gateway p95 above the SLO. */
    hpaViolationShare: number;
    /** Per service: the twin's mean replicas ÷ the service's hard max, and its scale events. */
    hpaReplicas: number[];
    hpaActions: number[];
  };
  info: {
    timeMs: number;
    replicas: number;
    applied: number;
    rejected: number;
    guardViolations: number;
    breakerOpen: boolean;
  };
}

const SIM_EPOCH_MS = Date.UTC(2025, 0, 1);
/** CPU utilisation from which a service shares the blame for an SLO violation (`serviceCosts`). */
export const HOT_UTILISATION = 0.85;

export class AutoscaleRlEnv {
  readonly config: RlEnvConfig;
  readonly managed: string[];
  readonly entry: string;
  readonly baselines: Record<string, HpaObjectSpec>;
  private readonly cluster: SimulatedCluster;
  private readonly twin: HpaTwin | undefined;
  private readonly safety: SafetyLayer;
  private readonly auditor: GuardAuditor;
  private readonly observations: RlObservationBuilder;
  private readonly totalTicks: number;
  private readonly decisionTicks: number;
  private readonly win: number;
  private readonly rate: Map<string, Ring>;
  private readonly busy: Map<string, Ring>;
  private readonly gwP95: Ring;
  private readonly stepTicks: number;
  private readonly gwSteps: number[] = [];
  private readonly svcSteps: Map<string, number[]>;
  private gwAcc = 0;
  private readonly svcAcc: Map<string, number>;
  private gatewayForecast: RateForecast | undefined;
  private k = 0;
  private states: ServiceState[] = [];
  private breakerFallbackAt: number | undefined;
  private readonly startMs: number;
  // Evaluation metrics, as replayPolicy computes them.
  private readonly lat50: Float64Array;
  private readonly lat95: Float64Array;
  private readonly lat99: Float64Array;
  private readonly weight: Float64Array;
  private violationTicks = 0;
  private replicaHours = 0;
  private replicaHoursAll = 0;
  private errSum = 0;
  private errW = 0;
  private forecasts = 0;
  readonly proposals = { total: 0, allowed: 0, modified: 0, rejected: 0, noop: 0 };
  readonly ruleActions: Partial<Record<SafetyRule, { clamped: number; rejected: number }>> = {};
  policyActions = 0;
  // Per-interval accumulators for rewards and costs.
  private intervalTicks = 0;
  private intervalViolations = 0;
  private readonly intervalReplicas: Map<string, number>;
  private readonly intervalHotViolations: Map<string, number>;

  constructor(config: Partial<RlEnvConfig> & { trace: WorkloadTrace }) {
    const cfg: RlEnvConfig = { ...DEFAULT_RL_ENV, ...config };
    for (const [k, v] of Object.entries({
      sloMs: cfg.sloMs,
      scale: cfg.scale,
      tickSeconds: cfg.tickSeconds,
      decisionSeconds: cfg.decisionSeconds,
      forecastStepSeconds: cfg.forecastStepSeconds,
    })) {
      if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
        throw new Error(`${k}: expected a positive number, got ${JSON.stringify(v)}`);
      }
    }
    if (!(cfg.warmupSeconds >= 0)) {
      throw new Error(`warmupSeconds: expected ≥ 0, got ${cfg.warmupSeconds}`);
    }
    this.config = cfg;
    const topology = autoscaleTopology(cfg.scale);
    const clusterOptions: ConstructorParameters<typeof SimulatedCluster>[0] = {
      seed: cfg.seed,
      topology,
      workload: cfg.trace,
      peakRps: 400 * cfg.scale,
      tickSeconds: cfg.tickSeconds,
      historyRetentionSeconds: 120,
      tracesPerTick: 0,
      ...(cfg.workloadOffsetSeconds > 0
        ? {
            workloadOffsetSeconds: cfg.workloadOffsetSeconds,
            startTimeMs: SIM_EPOCH_MS + cfg.workloadOffsetSeconds * 1000,
          }
        : {}),
    };
    this.cluster = new SimulatedCluster(clusterOptions);
    this.entry = topology.entry;
    this.managed = topology.services.filter((s) => s.hpa).map((s) => s.name);
    this.twin = cfg.hpaTwin
      ? new HpaTwin(
          new SimulatedCluster({ ...clusterOptions, topology: autoscaleTopology(cfg.scale) }),
          this.managed,
          this.entry,
          cfg.sloMs
        )
      : undefined;
    this.baselines = Object.fromEntries(
      topology.services.filter((s) => s.hpa).map((s) => [s.name, { ...(s.hpa as HpaObjectSpec) }])
    );
    const safetyConfig: Partial<SafetyConfig> = {
      ...EVAL_SAFETY,
      ...cfg.safety,
      hardBounds: {
        minReplicas: 1,
        maxReplicas: 1000,
        services: Object.fromEntries(
          this.managed.map((s) => [
            s,
            { minReplicas: this.baselines[s]!.minReplicas, maxReplicas: this.baselines[s]!.maxReplicas },
          ])
        ),
      },
    };
    this.safety = new SafetyLayer(safetyConfig);
    this.auditor = new GuardAuditor(this.safety.config);
    this.observations = new RlObservationBuilder(this.baselines, this.entry);
    const duration = cfg.durationSeconds ?? cfg.trace.values.length * cfg.trace.stepSeconds;
    this.totalTicks = Math.floor(duration / cfg.tickSeconds);
    this.decisionTicks = Math.max(1, Math.round(cfg.decisionSeconds / cfg.tickSeconds));
    this.win = Math.max(1, Math.round(60 / cfg.tickSeconds));
    this.rate = new Map(this.managed.map((s) => [s, new Ring(this.win)]));
    this.busy = new Map(this.managed.map((s) => [s, new Ring(this.win)]));
    this.gwP95 = new Ring(this.win);
    this.stepTicks = Math.max(1, Math.round(cfg.forecastStepSeconds / cfg.tickSeconds));
    this.svcSteps = new Map(this.managed.map((s) => [s, [] as number[]]));
    this.svcAcc = new Map(this.managed.map((s) => [s, 0]));
    this.intervalReplicas = new Map(this.managed.map((s) => [s, 0]));
    this.intervalHotViolations = new Map(this.managed.map((s) => [s, 0]));
    this.lat50 = new Float64Array(this.totalTicks);
    this.lat95 = new Float64Array(this.totalTicks);
    this.lat99 = new Float64Array(this.totalTicks);
    this.weight = new Float64Array(this.totalTicks);
    this.startMs = this.cluster.timeMs;
  }

  get done(): boolean {
    return this.k >= this.totalTicks;
  }

  /** Runs the HPA-only warm-up (to a decision boundary) and returns the first observations, [service][OBS_DIM]. */
  reset(): number[][] {
    if (this.k > 0) {
      throw new Error('reset: this env has already run; create a new one');
    }
    const warmTicks = Math.min(
      this.totalTicks,
      Math.ceil(this.config.warmupSeconds / this.config.tickSeconds / this.decisionTicks) * this.decisionTicks
    );
    while (this.k < warmTicks) {
      this.tick();
    }
    this.buildStates();
    return this.states.map((s) => Array.from(this.observations.observe(s)));
  }

  /** The services' states at the current decision (after `reset` or `step`). */
  currentStates(): ServiceState[] {
    return this.states;
  }

  /** One decision: action indices per managed service (see `RL_ACTIONS`). */
  step(actions: readonly number[]): RlStepResult {
    if (!Array.isArray(actions) || actions.length !== this.managed.length) {
      const got = Array.isArray(actions) ? actions.length : typeof actions;
      throw new Error(`actions: expected ${this.managed.length} action indices (one per managed service), got ${got}`);
    }
    const proposals = actions.map((a, i) => {
      if (!Number.isInteger(a)) {
        throw new Error(`actions[${i}]: expected an integer action index, got ${JSON.stringify(a)}`);
      }
      return actionToProposal(a, this.states[i]!, this.baselines[this.managed[i]!]);
    });
    return this.stepProposals(proposals);
  }

  /** One decision from ready-made proposals (the replay of a trained policy). */
  stepProposals(proposals: ReadonlyArray<Proposal | undefined>): RlStepResult {
    if (this.states.length === 0) {
      throw new Error('step: call reset first');
    }
    if (this.done) {
      throw new Error('step: the episode is over; reset a new env');
    }
    // Scale events before this decision's actions (the agent's forced scale-ups count in its interval).
    const eventsBefore = this.twin ? scaleEventCounts(this.cluster, this.managed) : undefined;
    let applied = 0;
    let rejected = 0;
    const appliedBy = new Array<boolean>(this.managed.length).fill(false);
    const snapReplicas = Object.fromEntries(this.managed.map((s) => [s, this.cluster.getDeployment(s).replicas]));
    for (let i = 0; i < this.managed.length; i++) {
      const service = this.managed[i]!;
      const state = this.states[i]!;
      this.safety.observe(state);
      if (this.safety.breaker().open && this.breakerFallbackAt === undefined) {
        // Automation paused: every service back on its original HPA, as in the replay evaluation.
        this.breakerFallbackAt = state.timeMs;
        for (const m of this.managed) {
          this.cluster.setHpa(m, { ...this.baselines[m]! });
        }
      }
      const proposal = proposals[i];
      if (!proposal) {
        continue;
      }
      this.proposals.total++;
      const br = this.safety.breaker();
      const breakerOpen = br.open;
      const breakerDegraded = br.degraded === true;
      const verdict = this.safety.review(proposal, state, { replicas: snapReplicas });
      this.proposals[verdict.outcome]++;
      for (const d of verdict.decisions) {
        if (d.action === 'allowed') {
          continue;
        }
        const ra = (this.ruleActions[d.rule] ??= { clamped: 0, rejected: 0 });
        ra[d.action]++;
      }
      if (!verdict.applied) {
        if (verdict.outcome === 'rejected') {
          rejected++;
        }
        continue;
      }
      const a = verdict.applied;
      const hpaNow = this.cluster.getDeployment(service).hpa;
      if (a.mode === 'parametric') {
        this.cluster.setHpa(service, { ...(hpaNow as HpaObjectSpec), ...a.hpa });
      } else {
        this.cluster.setReplicas(service, a.replicas as number, 'rl');
      }
      this.safety.commit(verdict, state);
      this.auditor.check(a, state, { breakerOpen, breakerDegraded, cluster: { replicas: snapReplicas } });
      snapReplicas[service] = this.cluster.getDeployment(service).replicas;
      this.policyActions++;
      applied++;
      appliedBy[i] = true;
    }
    this.intervalTicks = 0;
    this.intervalViolations = 0;
    for (const s of this.managed) {
      this.intervalReplicas.set(s, 0);
      this.intervalHotViolations.set(s, 0);
    }
    this.twin?.startInterval();
    const end = Math.min(this.totalTicks, this.k + this.decisionTicks);
    while (this.k < end) {
      this.tick();
    }
    let twin: RlStepResult['twin'];
    if (this.twin) {
      const t = this.twin.interval();
      const events = scaleEventCounts(this.cluster, this.managed).map((c, i) => c - eventsBefore![i]!);
      twin = {
        replicaExcess: this.managed.map(
          (s, i) =>
            (this.intervalTicks > 0 ? this.intervalReplicas.get(s)! / this.intervalTicks : 0) /
              Math.max(1, this.baselines[s]!.maxReplicas) -
            t.meanReplicas[i]! / Math.max(1, this.baselines[s]!.maxReplicas)
        ),
        actionExcess: this.managed.map((_, i) => events[i]! - t.scaleEvents[i]!),
        hpaViolationShare: t.violationShare,
        hpaReplicas: this.managed.map((s, i) => t.meanReplicas[i]! / Math.max(1, this.baselines[s]!.maxReplicas)),
        hpaActions: t.scaleEvents,
      };
    }
    const rewards = this.managed.map((s, i) => {
      const meanReplicas = this.intervalTicks > 0 ? this.intervalReplicas.get(s)! / this.intervalTicks : 0;
      return (
        -meanReplicas / Math.max(1, this.baselines[s]!.maxReplicas) - (appliedBy[i] ? this.config.actionPenalty : 0)
      );
    });
    const cost = this.intervalTicks > 0 ? this.intervalViolations / this.intervalTicks : 0;
    const serviceCosts = this.managed.map((s) =>
      this.intervalTicks > 0 ? this.intervalHotViolations.get(s)! / this.intervalTicks : 0
    );
    this.buildStates();
    const obs = this.states.map((s) => Array.from(this.observations.observe(s)));
    let replicas = 0;
    for (const s of this.states) {
      replicas += s.replicas.desired;
    }
    return {
      obs,
      rewards,
      cost,
      serviceCosts,
      done: this.done,
      ...(twin ? { twin } : {}),
      info: {
        timeMs: this.cluster.timeMs,
        replicas,
        applied,
        rejected,
        guardViolations: this.auditor.violations.length,
        breakerOpen: this.safety.breaker().open,
      },
    };
  }

  /** One simulator tick with the replay's bookkeeping. */
  private tick(): void {
    const cfg = this.config;
    const k = this.k;
    this.cluster.advance(cfg.tickSeconds);
    this.twin?.advance(cfg.tickSeconds);
    const snap = this.cluster.snapshot();
    const byName = new Map(snap.services.map((s) => [s.service, s]));
    const gw = byName.get(this.entry)!;
    this.lat50[k] = gw.latencyP50Ms;
    this.lat95[k] = gw.latencyP95Ms;
    this.lat99[k] = gw.latencyP99Ms;
    this.weight[k] = Math.max(gw.arrivalRps, 1e-6);
    const violated = gw.latencyP95Ms > cfg.sloMs;
    if (violated) {
      this.violationTicks++;
    }
    this.intervalTicks++;
    if (violated) {
      this.intervalViolations++;
    }
    this.errSum += gw.errorRatio * gw.arrivalRps;
    this.errW += gw.arrivalRps;
    this.gwP95.push(gw.latencyP95Ms);
    const tickH = cfg.tickSeconds / 3600;
    for (const s of snap.services) {
      const n = s.replicas.ready + s.replicas.starting;
      this.replicaHoursAll += n * tickH;
      if (this.baselines[s.service]) {
        this.replicaHours += n * tickH;
        this.intervalReplicas.set(s.service, this.intervalReplicas.get(s.service)! + n);
      }
    }
    this.gwAcc += gw.arrivalRps;
    for (const s of this.managed) {
      const x = byName.get(s)!;
      this.rate.get(s)!.push(x.arrivalRps);
      this.busy.get(s)!.push(x.cpuUtilization * x.replicas.ready);
      this.svcAcc.set(s, this.svcAcc.get(s)! + x.arrivalRps);
      if (violated && x.cpuUtilization >= HOT_UTILISATION) {
        this.intervalHotViolations.set(s, this.intervalHotViolations.get(s)! + 1);
      }
    }
    if ((k + 1) % this.stepTicks === 0) {
      this.gwSteps.push(this.gwAcc / this.stepTicks);
      this.gwAcc = 0;
      for (const s of this.managed) {
        this.svcSteps.get(s)!.push(this.svcAcc.get(s)! / this.stepTicks);
        this.svcAcc.set(s, 0);
      }
      if (this.gwSteps.length > cfg.forecastHistorySteps) {
        this.gwSteps.shift();
        for (const s of this.managed) {
          this.svcSteps.get(s)!.shift();
        }
      }
      // The forecast only matters once decisions start; before that it would be wasted work.
      if (this.k + 1 + this.stepTicks >= cfg.warmupSeconds / cfg.tickSeconds) {
        const f = rlRateForecast(
          { stepSeconds: cfg.forecastStepSeconds, values: this.gwSteps.slice(-360), lastTimestampMs: snap.timeMs },
          Math.max(1, Math.ceil(RL_HORIZON_SECONDS / cfg.forecastStepSeconds))
        );
        if (f) {
          this.gatewayForecast = f;
          this.forecasts++;
        }
      }
    }
    this.k++;
  }

  /** Each managed service's state now, built exactly as the replay evaluation builds it for a policy. */
  private buildStates(): void {
    const snap = this.cluster.snapshot();
    const byName = new Map(snap.services.map((s) => [s.service, s]));
    const gw = byName.get(this.entry)!;
    const gf = this.gatewayForecast;
    this.states = this.managed.map((s) => {
      const x = byName.get(s)!;
      const steps = this.svcSteps.get(s)!;
      const recent = Math.min(30, steps.length);
      let num = 0;
      let den = 0;
      for (let i = steps.length - recent; i < steps.length; i++) {
        num += steps[i]!;
        den += this.gwSteps[i]!;
      }
      const ratio = den > 0 ? num / den : undefined;
      const b = this.busy.get(s)!;
      const r = this.rate.get(s)!;
      const capacity = b.sum > 0.05 * this.win ? r.sum / b.sum : undefined;
      const forecast: RateForecast | undefined =
        gf && ratio !== undefined
          ? {
              ...gf,
              p50: gf.p50.map((v) => v * ratio),
              p90: gf.p90.map((v) => v * ratio),
              ...(gf.p10 ? { p10: gf.p10.map((v) => v * ratio) } : {}),
            }
          : undefined;
      return {
        service: s,
        timeMs: snap.timeMs,
        replicas: { ...x.replicas },
        cpuUtilization: x.cpuUtilization,
        ...(x.hpa ? { hpa: { ...x.hpa } } : {}),
        latencyP95Ms: this.gwP95.mean,
        sloMs: this.config.sloMs,
        errorRate: gw.errorRatio,
        requestRate: r.mean,
        ...(capacity !== undefined ? { capacityPerReplicaRps: capacity } : {}),
        ...(forecast ? { forecast } : {}),
        time: timeFeatures(snap.timeMs),
      };
    });
  }

  /** The evaluation's metrics for the run so far (as `replayPolicy` reports them). */
  result(started: number, extra: Partial<PolicyResult> = {}): PolicyResult {
    const scaleEvents = this.cluster.events({ startMs: this.startMs }).filter((e) => e.type === 'scale');
    if (this.cluster.events().length >= 100_000) {
      throw new Error('the simulator event log overflowed: shorten the replay (--hours)');
    }
    let largestStep = 0;
    const bySource: Record<string, number> = {};
    for (const e of scaleEvents) {
      largestStep = Math.max(largestStep, Math.abs(Number(e.to) - Number(e.from)));
      const source = /\(([^)]*)\)$/.exec(e.message)?.[1] ?? 'other';
      bySource[source] = (bySource[source] ?? 0) + 1;
    }
    const ticks = this.k;
    const sub = (a: Float64Array): Float64Array => a.subarray(0, ticks);
    return {
      policy: 'rl',
      available: true,
      mode: 'parametric',
      sloViolationMinutes: (this.violationTicks * this.config.tickSeconds) / 60,
      replicaHours: this.replicaHours,
      replicaHoursAll: this.replicaHoursAll,
      scalingActions: scaleEvents.length,
      scalingActionsBySource: bySource,
      largestStep,
      guardViolations: this.auditor.violations.length,
      latencyMs: {
        p50: weightedPercentile(sub(this.lat50), sub(this.weight), 0.5),
        p95: weightedPercentile(sub(this.lat95), sub(this.weight), 0.95),
        p99: weightedPercentile(sub(this.lat99), sub(this.weight), 0.99),
      },
      meanErrorRatio: this.errW > 0 ? this.errSum / this.errW : 0,
      policyActions: this.policyActions,
      proposals: { ...this.proposals },
      ruleActions: { ...this.ruleActions },
      guardChecks: this.auditor.checked,
      breaker: {
        ...this.safety.breaker(),
        ...(this.breakerFallbackAt !== undefined
          ? { fallback: `original HPAs restored at ${new Date(this.breakerFallbackAt).toISOString()}` }
          : {}),
      },
      forecasts: this.forecasts,
      simulatedHours: (ticks * this.config.tickSeconds) / 3600,
      elapsedSeconds: (performance.now() - started) / 1000,
      ...extra,
    };
  }

  get progress(): { done: number; total: number } {
    return { done: this.k, total: this.totalTicks };
  }
}
