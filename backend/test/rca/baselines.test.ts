/**
 * The anchors reimplemented from their papers (BARO, ε-Diagnosis, a CloudRanger/MicroCause random walk, the rule
 * baseline) on hand-made series where the answer is known, and the robust metric change they share with AIDPE.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baroRanking, bocpdChangePoint } from '../../src/engines/rca/baselines/baro.ts';
import { energyTest, epsilonDiagnosisRanking } from '../../src/engines/rca/baselines/epsilonDiagnosis.ts';
import { randomWalkRanking } from '../../src/engines/rca/baselines/randomWalk.ts';
import { ruleBaselineRanking } from '../../src/engines/rca/baselines/ruleBaseline.ts';
import type { BaselineInput } from '../../src/engines/rca/baselines/types.ts';
import {
  metricEvidence,
  seriesChange,
  symptomCorrelation,
  type MetricSeries,
} from '../../src/engines/rca/metricChange.ts';

const MIN = 60_000;
/** Deterministic noise in [-1, 1]. */
const noise = (i: number, seed: number) => Math.sin(i * 12.9898 + seed * 78.233) * 0.5 + Math.sin(i * 3.1 + seed) * 0.5;

function series(service: string, kind: MetricSeries['kind'], f: (i: number) => number, n = 90): MetricSeries {
  return {
    service,
    name: `${service} ${kind}`,
    kind,
    times: Array.from({ length: n }, (_, i) => i * MIN),
    values: Array.from({ length: n }, (_, i) => f(i)),
  };
}

/** frontend → api → db; db's latency steps up at minute 80 and drags api and frontend a little. */
function incident(): BaselineInput {
  const step = (i: number) => (i >= 80 ? 1 : 0);
  return {
    symptom: 'frontend',
    symptomKind: 'latency',
    edges: [
      { source: 'frontend', target: 'api' },
      { source: 'api', target: 'db' },
      { source: 'frontend', target: 'cache' },
    ],
    metrics: [
      series('frontend', 'latency', (i) => 100 + 2 * noise(i, 1) + 40 * step(i)),
      series('api', 'latency', (i) => 50 + 2 * noise(i, 2) + 35 * step(i)),
      series('db', 'latency', (i) => 10 + 0.5 * noise(i, 3) + 30 * step(i)),
      series('cache', 'latency', (i) => 5 + 0.5 * noise(i, 4)),
    ],
    window: { baselineStartMs: 0, incidentStartMs: 80 * MIN, incidentEndMs: 90 * MIN },
  };
}

test('BOCPD finds a step in a multivariate series; BARO ranks the series that moved most, in IQR units', () => {
  const rows = Array.from({ length: 60 }, (_, i) => [noise(i, 1) + (i >= 40 ? 8 : 0), noise(i, 2)]);
  const cp = bocpdChangePoint(rows, 1 / 100);
  assert.ok(Math.abs(cp - 40) <= 1, `change point ${cp}`);
  const r = baroRanking(incident());
  assert.equal(r.ranking[0]!.service, 'db', JSON.stringify(r.ranking));
  assert.equal(r.ranking.at(-1)!.service, 'cache');
  assert.ok(Math.abs(r.changePointMs - 80 * MIN) <= 2 * MIN);
});

test('ε-Diagnosis: the energy test separates shifted samples and not equal ones; only changed series rank', () => {
  const a = Array.from({ length: 10 }, (_, i) => noise(i, 5));
  assert.ok(
    energyTest(
      a,
      a.map((x) => x + 5)
    ).p <= 0.05
  );
  assert.ok(
    energyTest(
      a,
      a.map((_, i) => noise(i + 20, 5))
    ).p > 0.05
  );
  const ranked = epsilonDiagnosisRanking(incident()).map((x) => x.service);
  assert.ok(!ranked.includes('cache'), ranked.join());
  assert.ok(ranked.includes('db'));
});

test('random walk on the reversed call graph settles on the callee that follows the symptom', () => {
  const ranked = randomWalkRanking(incident()).map((x) => x.service);
  assert.ok(ranked.indexOf('db') < ranked.indexOf('cache') || !ranked.includes('cache'), ranked.join());
  assert.ok(ranked.slice(0, 2).includes('db'), ranked.join());
});

test('rule baseline: 3σ flags, slow spans and error-keyword lines, each normalised and summed', () => {
  const input: BaselineInput = {
    ...incident(),
    spans: {
      baseline: Array.from({ length: 20 }, (_, i) => ({
        traceId: `b${i}`,
        spanId: 's',
        parentSpanId: undefined,
        service: 'db',
        operation: 'q',
        startMs: i,
        durationMs: 10,
      })),
      incident: [
        {
          traceId: 'x',
          spanId: 's',
          parentSpanId: undefined,
          service: 'db',
          operation: 'q',
          startMs: 0,
          durationMs: 100,
        },
      ],
    },
    incidentLogs: [{ service: 'cache', message: 'ERROR upstream failed' }],
  };
  const r = ruleBaselineRanking(input);
  assert.equal(r[0]!.service, 'db');
  assert.ok(
    r.some((x) => x.service === 'cache'),
    'error-keyword lines count for the service that wrote them'
  );
});

test('robust change: level from the recent past, spread from the long history; availability and counts have floors', () => {
  const flat = series('svc', 'availability', (i) => (i === 10 ? 99 : 100) - (i >= 85 ? 3 : 0));
  const c = seriesChange(flat, { baselineStartMs: 0, incidentStartMs: 85 * MIN, incidentEndMs: 90 * MIN })!;
  assert.ok(c.z > 20, `a 3-point availability drop on a series at 100% is large (z ${c.z})`);
  const counts = series('svc', 'traffic', (i) => (i >= 85 ? 3 : 0));
  const t = seriesChange(counts, { baselineStartMs: 0, incidentStartMs: 85 * MIN, incidentEndMs: 90 * MIN })!;
  assert.ok(t.z <= 3, `three requests where there were none is a Poisson wobble, not z ${t.z}`);
  const drift = series('svc', 'latency', (i) => (i < 60 ? 10 : 50) + noise(i, 7) + (i >= 85 ? 5 : 0));
  const w = { baselineStartMs: 0, incidentStartMs: 85 * MIN, incidentEndMs: 90 * MIN };
  const recent = seriesChange(drift, { ...w, levelStartMs: 70 * MIN })!;
  assert.ok(Math.abs(recent.baselineMedian - 50) < 2, 'the level is the recent one');
  const ev = metricEvidence(incident().metrics, incident().window);
  assert.ok(ev.get('db')!.latencyZ > ev.get('cache')!.latencyZ);
  const corr = symptomCorrelation(incident().metrics, incident().metrics[0]!, incident().window);
  assert.ok(corr.get('db')! > 0.8 && (corr.get('cache') ?? 0) < 0.5);
});
