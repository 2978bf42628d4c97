/**
 * The simulator's fault-injection suite for RCA: one fault per case (type and service drawn from the seed),
 * the engine run on a window around the injection with the entry service as the symptom, ranked against the
 * simulator's ground truth (AC@1, AC@3, Avg@5 overall and per fault type, seconds per case).
 */
import {
  FAULT_TYPES,
  SimulatedCluster,
  defaultTopology,
  syntheticDiurnalTrace,
  type FaultType,
} from '../../sim/index.ts';
import { SimulatorSource } from '../../telemetry/simulatorSource.ts';
import { Rng, hash32 } from '../../sim/random.ts';
import { rankRootCauses, type ConfidenceTier, type RankOptions } from '../../engines/rca/rank.ts';
import { collectEvidence, simulatorLogs, simulatorSpans, SIMULATOR_EVIDENCE_QUERIES } from '../../rca/collect.ts';

export interface SimCase {
  index: number;
  seed: number;
  service: string;
  type: FaultType;
  /** 1-based rank of the true service, undefined when not in the candidates. */
  rank: number | undefined;
  top: string | undefined;
  tier: ConfidenceTier;
  seconds: number;
}

export interface AcSummary {
  cases: number;
  ac1: number;
  ac3: number;
  avg5: number;
}

export function summariseRanks(ranks: Array<number | undefined>): AcSummary {
  const ac = (k: number) => ranks.filter((r) => r !== undefined && r <= k).length / Math.max(1, ranks.length);
  return { cases: ranks.length, ac1: ac(1), ac3: ac(3), avg5: [1, 2, 3, 4, 5].reduce((s, k) => s + ac(k), 0) / 5 };
}

const HOUR = 3_600_000;

export async function runSimCase(index: number, baseSeed: number, rankOptions: RankOptions = {}): Promise<SimCase> {
  const seed = hash32(baseSeed, 'rca-case', index);
  const rng = new Rng(seed);
  const topology = defaultTopology();
  const services = topology.services.map((s) => s.name).filter((s) => s !== topology.entry);
  const service = rng.pick(services);
  const type = rng.pick([...FAULT_TYPES]);
  const start = Date.UTC(2025, 0, 1);
  const cluster = new SimulatedCluster({
    seed,
    topology,
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 5,
    startTimeMs: start,
    historyRetentionSeconds: 8 * 3600,
  });
  const injectAt = start + 6 * HOUR + Math.round(rng.uniform(0, 3600)) * 1000;
  cluster.injectFault({ service, type, startMs: injectAt, endMs: injectAt + 30 * 60_000, intensity: 1.5 });
  cluster.advance((injectAt - start) / 1000 + 10 * 60);
  const t0 = performance.now();
  const telemetry = new SimulatorSource(cluster, { wallNow: () => cluster.now() });
  const collected = await collectEvidence({
    telemetry,
    spans: async (a, b) => simulatorSpans(cluster, a, b),
    queries: SIMULATOR_EVIDENCE_QUERIES,
    startMs: injectAt - 5 * 60_000,
    endMs: injectAt + 10 * 60_000,
    // The simulator's log lines are outside the shipped sequence model's vocabulary (BGL, Nezha): frequency only.
    logs: {
      lines: simulatorLogs(cluster),
      sequenceModelUnavailable: "the simulator's log templates are outside the model's vocabulary",
    },
  });
  const ranking = rankRootCauses(topology.entry, collected.graph, collected.evidence, rankOptions);
  const idx = ranking.candidates.findIndex((c) => c.service === service);
  return {
    index,
    seed,
    service,
    type,
    rank: idx >= 0 ? idx + 1 : undefined,
    top: ranking.candidates[0]?.service,
    tier: ranking.tier,
    seconds: (performance.now() - t0) / 1000,
  };
}
