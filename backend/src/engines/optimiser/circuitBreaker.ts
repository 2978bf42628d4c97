/**
 * The circuit breaker of the safety layer: it watches the outcomes of applied actions. After an action,
 * once its observation time has come (`observeSeconds`, or the end of the forecast window it rested on if
 * sooner), the action is judged on the state then:
 * - harm: it could lower capacity, and the service now runs above the SLO and worse than before;
 * - forecast miss: the mean load realised since the action fell outside its forecast band by more than
 *   the tolerance.
 * Three states:
 * - closed: every policy change is reviewed normally;
 * - degraded (`maxBadOutcomes` forecast misses of one service within the window): the forecast is not to
 *   be trusted, so the safety layer rejects changes that rest on it and admits the policy's conservative
 *   fallback (changes from measured load only); it closes again by itself once `recoverySeconds` pass
 *   without another miss. The automation keeps running instead of handing everything back to the HPA.
 * - open (`maxBadOutcomes` harmful outcomes of one service within the window): every proposal is rejected
 *   until an operator calls `resume`.
 * With `degradeOnForecastMiss: false`, forecast misses count towards opening, as before degraded existed.
 * Pure (no I/O, no clock).
 */
import { fmtGuardNumber as fmt, type CircuitBreakerConfig } from './guards.ts';
import type { ProposalForecast, ServiceState } from './types.ts';

interface PendingOutcome {
  service: string;
  appliedAtMs: number;
  /** When the outcome is judged: observeSeconds later, or at the end of the forecast window if sooner. */
  judgeAtMs: number;
  latencyBeforeMs: number;
  forecast: ProposalForecast | undefined;
  /** Whether the action could lower capacity (only those can make the SLO worse). */
  down: boolean;
  /** Request rates observed since the action (the forecast is judged on their mean). */
  rateSum: number;
  rateCount: number;
}

export interface OutcomeRecord {
  timeMs: number;
  service: string;
  actionAtMs: number;
  bad: boolean;
  reasons: string[];
  /** Which kinds of bad outcome the reasons are. */
  harm?: boolean;
  forecastMiss?: boolean;
}

export interface BreakerState {
  open: boolean;
  openedAtMs?: number;
  reason?: string;
  resumedBy?: string;
  resumedAtMs?: number;
  /** Forecast-based changes are rejected and only the fallback mode's are admitted (see the file comment). */
  degraded?: boolean;
  degradedAtMs?: number;
  degradedReason?: string;
  /** When the last degraded period ended by itself. */
  recoveredAtMs?: number;
}

export type BreakerMode = 'closed' | 'degraded' | 'open';

export function breakerMode(state: BreakerState): BreakerMode {
  return state.open ? 'open' : state.degraded ? 'degraded' : 'closed';
}

export class CircuitBreaker {
  private readonly pending: PendingOutcome[] = [];
  private readonly outcomes: OutcomeRecord[] = [];
  private breakerState: BreakerState = { open: false };
  private lastMissMs: number | undefined;

  constructor(private readonly config: CircuitBreakerConfig) {}

  state(): BreakerState {
    return { ...this.breakerState };
  }

  outcomeLog(): OutcomeRecord[] {
    return this.outcomes.map((o) => ({ ...o, reasons: [...o.reasons] }));
  }

  /** Closes the breaker (an operator's explicit decision) and forgets the bad outcomes that opened it. */
  resume(operator: string, nowMs: number): void {
    this.breakerState = { open: false, resumedBy: operator, resumedAtMs: nowMs };
    for (const o of this.outcomes) {
      o.bad = false;
    }
  }

  /** Re-opens a breaker that was open before a restart (automation stays paused until an operator resumes it). */
  restore(state: BreakerState): void {
    this.breakerState = { ...state };
  }

  /** Starts watching an applied action's outcome. */
  track(stateBefore: ServiceState, action: { down: boolean; forecast: ProposalForecast | undefined }): void {
    const f = action.forecast;
    const observe = Math.min(this.config.observeSeconds, f ? f.horizonSeconds : Infinity);
    this.pending.push({
      service: stateBefore.service,
      appliedAtMs: stateBefore.timeMs,
      judgeAtMs: stateBefore.timeMs + observe * 1000,
      latencyBeforeMs: stateBefore.latencyP95Ms,
      forecast: f,
      down: action.down,
      rateSum: 0,
      rateCount: 0,
    });
  }

  /**
   * Judges the outcomes of earlier actions of this service whose observation time has come; degrades or
   * opens the breaker after too many bad outcomes within the window, and ends a degraded period after the
   * recovery time without forecast misses. Returns the outcomes judged now.
   */
  observe(state: ServiceState): OutcomeRecord[] {
    const cb = this.config;
    if (
      this.breakerState.degraded &&
      !this.breakerState.open &&
      state.timeMs - (this.lastMissMs ?? -Infinity) >= (cb.recoverySeconds ?? 1800) * 1000
    ) {
      // No forecast miss for the recovery time: forecast-based changes are admitted again.
      const { degraded: _d, degradedAtMs: _a, degradedReason: _r, ...rest } = this.breakerState;
      this.breakerState = { ...rest, recoveredAtMs: state.timeMs };
    }
    const due: PendingOutcome[] = [];
    for (let i = 0; i < this.pending.length;) {
      const p = this.pending[i] as PendingOutcome;
      if (p.service === state.service && state.timeMs > p.appliedAtMs) {
        p.rateSum += state.requestRate;
        p.rateCount++;
      }
      if (p.service === state.service && state.timeMs >= p.judgeAtMs) {
        due.push(p);
        this.pending.splice(i, 1);
      } else {
        i++;
      }
    }
    if (due.length === 0) {
      return [];
    }
    // Every action of this service that is due is judged against the same observation: one outcome.
    const reasons = new Set<string>();
    let harm = false;
    let forecastMiss = false;
    for (const p of due) {
      if (p.down && state.latencyP95Ms > state.sloMs && state.latencyP95Ms > p.latencyBeforeMs * cb.sloWorsenFactor) {
        harm = true;
        reasons.add(
          `SLO worse after the action: p95 ${fmt(state.latencyP95Ms)} ms > ${fmt(state.sloMs)} ms SLO and > ${fmt(cb.sloWorsenFactor)} × ${fmt(p.latencyBeforeMs)} ms before`
        );
      }
      if (p.forecast && p.rateCount > 0) {
        const realised = p.rateSum / p.rateCount;
        const hi = p.forecast.p90 * (1 + cb.forecastErrorTolerance);
        const lo = (p.forecast.p10 ?? 0) / (1 + cb.forecastErrorTolerance);
        if (realised > hi) {
          forecastMiss = true;
          reasons.add(
            `forecast error out of bounds: ${fmt(realised)} req/s realised on average above p90 ${fmt(p.forecast.p90)} × ${fmt(1 + cb.forecastErrorTolerance)}`
          );
        } else if (realised < lo) {
          forecastMiss = true;
          reasons.add(
            `forecast error out of bounds: ${fmt(realised)} req/s realised on average below p10 ${fmt(p.forecast.p10 ?? 0)} ÷ ${fmt(1 + cb.forecastErrorTolerance)}`
          );
        }
      }
    }
    const rec: OutcomeRecord = {
      timeMs: state.timeMs,
      service: state.service,
      actionAtMs: due[due.length - 1]!.appliedAtMs,
      bad: reasons.size > 0,
      reasons: [...reasons],
      ...(harm ? { harm } : {}),
      ...(forecastMiss ? { forecastMiss } : {}),
    };
    this.outcomes.push(rec);
    if (this.outcomes.length > 10_000) {
      this.outcomes.splice(0, this.outcomes.length - 10_000);
    }
    if (!this.breakerState.open && rec.bad) {
      const from = state.timeMs - cb.windowSeconds * 1000;
      const recent = this.outcomes.filter((o) => o.bad && o.service === state.service && o.timeMs > from);
      const degrade = cb.degradeOnForecastMiss !== false;
      // Harm always counts towards opening; forecast misses do only when there is no degraded state.
      const opening = degrade ? recent.filter((o) => o.harm) : recent;
      const misses = recent.filter((o) => o.forecastMiss);
      if (opening.length >= cb.maxBadOutcomes) {
        this.breakerState = {
          open: true,
          openedAtMs: state.timeMs,
          reason: `${opening.length} bad outcomes of ${state.service} actions within ${cb.windowSeconds} s (last: ${rec.reasons.join('; ')})`,
        };
      } else if (degrade && rec.forecastMiss && misses.length >= cb.maxBadOutcomes) {
        const already = this.breakerState.degraded === true;
        this.breakerState = {
          ...this.breakerState,
          degraded: true,
          degradedAtMs: already ? this.breakerState.degradedAtMs! : state.timeMs,
          degradedReason: `${misses.length} forecast misses of ${state.service} within ${cb.windowSeconds} s (last: ${rec.reasons.join('; ')})`,
        };
        this.lastMissMs = state.timeMs;
      }
    }
    if (rec.forecastMiss) {
      this.lastMissMs = state.timeMs;
    }
    return [rec];
  }
}
