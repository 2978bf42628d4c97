/**
 * Clocks for the simulated cluster: `accelerated` (advance as fast as possible) and `realtime`
 * (paced: simulated time follows wall time × speed, with unref'd timers).
 */
import type { SimulatedCluster } from './cluster.ts';

export type ClockMode = 'accelerated' | 'realtime';

export interface SimulationRunnerOptions {
  mode?: ClockMode;
  /** Simulated seconds per wall-clock second in realtime mode. Default 1. */
  speed?: number;
  /** Wall-clock interval between realtime advances. Default 1000 ms. */
  intervalMs?: number;
  onTick?: (cluster: SimulatedCluster) => void;
  /** Wall clock, injectable for tests. */
  wallNow?: () => number;
}

export class SimulationRunner {
  readonly cluster: SimulatedCluster;
  readonly mode: ClockMode;
  readonly speed: number;
  private readonly intervalMs: number;
  private readonly onTick: ((cluster: SimulatedCluster) => void) | undefined;
  private readonly wallNow: () => number;
  private timer: NodeJS.Timeout | undefined;
  private anchorWallMs = 0;
  private anchorSimMs = 0;

  constructor(cluster: SimulatedCluster, opts: SimulationRunnerOptions = {}) {
    this.cluster = cluster;
    this.mode = opts.mode ?? 'realtime';
    this.speed = opts.speed ?? 1;
    if (!(this.speed > 0)) {
      throw new Error('SimulationRunner: speed must be > 0');
    }
    this.intervalMs = opts.intervalMs ?? 1000;
    this.onTick = opts.onTick;
    this.wallNow = opts.wallNow ?? Date.now;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Runs `simSeconds` of simulated time synchronously; returns the ticks run. */
  runFor(simSeconds: number): number {
    return this.runUntil(this.cluster.timeMs + simSeconds * 1000);
  }

  runUntil(simTimeMs: number): number {
    let n = 0;
    const tickMs = this.cluster.tickSeconds * 1000;
    while (this.cluster.timeMs + tickMs <= simTimeMs + 1e-6) {
      n += this.cluster.advance(this.cluster.tickSeconds);
      this.onTick?.(this.cluster);
    }
    return n;
  }

  /** Like runFor but yields to the event loop every `chunkTicks` ticks. */
  async runForAsync(simSeconds: number, chunkTicks = 500): Promise<number> {
    const target = this.cluster.timeMs + simSeconds * 1000;
    let total = 0;
    while (this.cluster.timeMs + this.cluster.tickSeconds * 1000 <= target) {
      const chunkEnd = Math.min(target, this.cluster.timeMs + chunkTicks * this.cluster.tickSeconds * 1000);
      total += this.runUntil(chunkEnd);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return total;
  }

  /** Realtime: advances to anchorSim + (wall − anchorWall) × speed on every interval. */
  start(): void {
    if (this.timer) {
      return;
    }
    if (this.mode === 'accelerated') {
      throw new Error('SimulationRunner.start: use runFor/runForAsync in accelerated mode');
    }
    this.anchorWallMs = this.wallNow();
    this.anchorSimMs = this.cluster.timeMs;
    this.timer = setInterval(() => this.pump(), this.intervalMs);
    this.timer.unref();
  }

  /** Advances to the simulated time the wall clock calls for (also callable manually). */
  pump(): number {
    const target = this.anchorSimMs + (this.wallNow() - this.anchorWallMs) * this.speed;
    return this.runUntil(target);
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
    }
    this.timer = undefined;
  }
}
