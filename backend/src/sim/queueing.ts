/**
 * M/M/c queueing: Erlang-C, response-time distribution and percentiles, and a fluid backlog model
 * for overload (λ ≥ cμ).
 */

/**
 * Erlang-C: probability an arrival has to wait in an M/M/c queue with `c` servers and offered
 * load `a = λ/μ` (in Erlangs). Uses the stable Erlang-B recursion. Returns 1 when a ≥ c.
 */
export function erlangC(c: number, a: number): number {
  if (!Number.isInteger(c) || c < 1) {
    throw new RangeError(`erlangC: c must be an integer >= 1 (got ${c})`);
  }
  if (!(a >= 0)) {
    throw new RangeError(`erlangC: offered load must be >= 0 (got ${a})`);
  }
  if (a === 0) {
    return 0;
  }
  if (a >= c) {
    return 1;
  }
  let b = 1;
  for (let k = 1; k <= c; k++) {
    b = (a * b) / (k + a * b);
  }
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

export interface MmcParams {
  /** Arrival rate (per second). */
  lambda: number;
  /** Service rate of one server (per second). */
  mu: number;
  /** Number of servers. */
  c: number;
}

export interface MmcStats {
  /** Utilisation λ/(cμ). */
  rho: number;
  /** Erlang-C probability of waiting. */
  pWait: number;
  /** Mean waiting time (s). */
  meanWait: number;
  /** Mean response time W + S (s). */
  meanResponse: number;
  stable: boolean;
}

export function mmcStats({ lambda, mu, c }: MmcParams): MmcStats {
  const rho = lambda / (c * mu);
  if (rho >= 1) {
    return { rho, pWait: 1, meanWait: Infinity, meanResponse: Infinity, stable: false };
  }
  const pWait = erlangC(c, lambda / mu);
  const meanWait = pWait / (c * mu - lambda);
  return { rho, pWait, meanWait, meanResponse: meanWait + 1 / mu, stable: true };
}

/**
 * P(T > t) for the M/M/c response time T = W + S, where P(W > 0) = C, W | W > 0 ~ Exp(cμ − λ),
 * S ~ Exp(μ): (1 − C)e^{−μt} + C · hypoexponential(cμ − λ, μ) survival.
 */
export function mmcResponseSurvival(params: MmcParams, t: number, pWait?: number): number {
  const { lambda, mu, c } = params;
  if (t <= 0) {
    return 1;
  }
  if (lambda >= c * mu) {
    return 1;
  }
  const C = pWait ?? erlangC(c, lambda / mu);
  const alpha = c * mu - lambda;
  const eMu = Math.exp(-mu * t);
  // Hypoexponential survival: e^{−μt} + μ e^{−μt} (1 − e^{−(α−μ)t})/(α−μ), stable as α → μ.
  const d = alpha - mu;
  const x = d * t;
  const ratio = Math.abs(x) < 1e-12 ? t : (-Math.expm1(-x) / x) * t;
  const hypo = eMu + mu * eMu * ratio;
  const s = (1 - C) * eMu + C * hypo;
  return Math.min(1, Math.max(0, s));
}

/** Response-time quantile (seconds) of M/M/c by bisection on the survival function. */
export function mmcResponseQuantile(params: MmcParams, q: number, pWait?: number): number {
  if (!(q > 0 && q < 1)) {
    throw new RangeError(`quantile must be in (0,1) (got ${q})`);
  }
  const { lambda, mu, c } = params;
  if (lambda >= c * mu) {
    return Infinity;
  }
  const C = pWait ?? erlangC(c, lambda / mu);
  const target = 1 - q;
  // Upper bracket: the sum of both exponential quantiles is always enough.
  const alpha = c * mu - lambda;
  let hi = -Math.log(target) / mu + -Math.log(target) / alpha + 1e-9;
  let lo = 0;
  for (let i = 0; i < 48; i++) {
    const mid = 0.5 * (lo + hi);
    if (mmcResponseSurvival(params, mid, C) > target) {
      lo = mid;
    } else {
      hi = mid;
    }
    if (hi - lo < 1e-7 * hi) {
      break;
    }
  }
  return 0.5 * (lo + hi);
}

export interface BacklogStep {
  /** Requests completed in the tick. */
  served: number;
  /** Requests still queued at the end of the tick. */
  backlog: number;
  /** Requests dropped because they would have waited past the timeout. */
  timedOut: number;
  /** Queueing delay (s) of a request arriving at the end of the tick. */
  waitSeconds: number;
}

/**
 * Fluid backlog model for one tick: the queue grows by (λ − cμ)·dt while overloaded and drains when
 * capacity returns. The queue never holds more than timeout × cμ requests: the excess would time out.
 */
export function backlogStep(
  backlog: number,
  arrivals: number,
  capacityPerSecond: number,
  dtSeconds: number,
  timeoutSeconds: number
): BacklogStep {
  const capacity = Math.max(0, capacityPerSecond) * dtSeconds;
  const available = backlog + arrivals;
  const served = Math.min(available, capacity);
  let rest = available - served;
  const maxQueue = capacityPerSecond > 0 ? capacityPerSecond * timeoutSeconds : 0;
  let timedOut = 0;
  if (rest > maxQueue) {
    timedOut = rest - maxQueue;
    rest = maxQueue;
  }
  const waitSeconds = capacityPerSecond > 0 ? rest / capacityPerSecond : rest > 0 ? Infinity : 0;
  return { served, backlog: rest, timedOut, waitSeconds };
}
