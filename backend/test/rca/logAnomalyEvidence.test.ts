import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logEvidence, type LogEvidenceSource } from '../../src/usecases/rca/evidence.ts';
import { TemplateVocabulary, type RawLogLine } from '../../src/engines/rca/logAnomaly.ts';
import { Drain } from '../../src/engines/rca/logparse/drain.ts';

const T0 = 1_750_000_000_000;
const MIN = 60_000;

/** Steady request logs for `api` and `db` every 10 s; from T0 on, `db` also fails. */
function lines(startMs: number, endMs: number): RawLogLine[] {
  const out: RawLogLine[] = [];
  for (let t = startMs; t < endMs; t += 10_000) {
    out.push({
      service: 'api',
      timeMs: t,
      message: `request GET /cart/${t % 97} completed in ${t % 13}ms`,
      level: 'info',
    });
    out.push({ service: 'db', timeMs: t + 1, message: `query users took ${t % 7}ms`, level: 'info' });
    if (t >= T0) {
      out.push({ service: 'db', timeMs: t + 2, message: `connection pool exhausted after ${t % 5}s`, level: 'error' });
    }
  }
  return out;
}

test('log evidence finds the service whose logs changed, and says it used frequency only', async () => {
  const source: LogEvidenceSource = {
    lines: async (a, b) => lines(a, b),
    sequenceModelUnavailable: 'no model in this test',
  };
  const r = await logEvidence(source, T0 - 30 * MIN, T0, T0 + 5 * MIN);
  const db = r.byService.get('db')!;
  const api = r.byService.get('api')!;
  assert.ok(db.score > 0.9, `db ${db.score}`);
  assert.ok(api.score < 0.1, `api ${api.score}`);
  assert.match(db.summary, /new "connection pool exhausted/);
  assert.match(r.notes.join(' '), /frequency only.*no model in this test|no model in this test.*frequency only/);
});

test('log evidence with an empty baseline or window answers insufficient data per service', async () => {
  const r = await logEvidence({ lines: async (a, b) => (a < T0 ? [] : lines(a, b)) }, T0 - 30 * MIN, T0, T0 + 5 * MIN);
  for (const v of r.byService.values()) {
    assert.equal(v.score, 0);
    assert.match(v.summary, /insufficient data/);
  }
  const none = await logEvidence({ lines: async () => [] }, T0 - 30 * MIN, T0, T0 + 5 * MIN);
  assert.equal(none.byService.size, 0);
  const junk = await logEvidence(
    { lines: async () => [{ service: 'x', timeMs: T0, message: null }] },
    T0 - 30 * MIN,
    T0,
    T0 + 5 * MIN
  );
  assert.match(junk.notes.join(' '), /skipped 2 malformed/);
});

test('with a sequence model the score combines frequency and the miss rate above the baseline', async () => {
  const parser = Drain.aidpe();
  for (const l of lines(T0 - 30 * MIN, T0)) {
    parser.addLogMessage(l.message as string);
  }
  const templates: Record<string, number> = {};
  for (const c of parser.clusters) {
    templates[parser.template(c)] ??= 2 + Object.keys(templates).length;
  }
  const vocabulary = new TemplateVocabulary({
    format: 'aidpe-logseq-vocab/1',
    padId: 0,
    unkId: 1,
    templates,
    parser: parser.toSnapshot(),
  });
  const size = vocabulary.size;
  // A model that expects the same template again: steady streams are never a miss.
  const model = {
    spec: { h: 2, topG: 1, vocabularySize: size, padId: 0, unkId: 1 },
    vocabulary,
    nextTemplateProbabilities: async (w: Int32Array) => {
      const p = new Float32Array(size).fill(0.01);
      const last = w[w.length - 1]!;
      p[last >= 2 ? last : 2] = 0.9;
      return p;
    },
  };
  const r = await logEvidence(
    { lines: async (a, b) => lines(a, b), sequenceModel: model },
    T0 - 30 * MIN,
    T0,
    T0 + 5 * MIN
  );
  const db = r.byService.get('db')!;
  assert.ok(db.sequenceScore !== undefined && db.sequenceScore > 0.3, `db sequence ${db.sequenceScore}`);
  assert.equal(r.byService.get('api')!.sequenceScore, 0);
  assert.ok(db.score >= db.frequencyScore!);
  assert.doesNotMatch(r.notes.join(' '), /frequency only/);
});

test('on the simulator, logs add logAnomaly evidence without changing what was there', async () => {
  const { SimulatedCluster, defaultTopology, syntheticDiurnalTrace } = await import('../../src/sim/index.ts');
  const { SimulatorSource } = await import('../../src/telemetry/simulatorSource.ts');
  const { collectEvidence } = await import('../../src/usecases/rca/evidence.ts');
  const {
    SIMULATOR_EVIDENCE_QUERIES,
    simulatorLogLines: simulatorLogs,
    simulatorSpans,
  } = await import('../../src/sources/simulator.ts');
  const start = Date.UTC(2025, 0, 1);
  const cluster = new SimulatedCluster({
    seed: 7,
    topology: defaultTopology(),
    workload: syntheticDiurnalTrace({ days: 1 }),
    tickSeconds: 5,
    startTimeMs: start,
    historyRetentionSeconds: 8 * 3600,
  });
  const injectAt = start + 6 * 3_600_000;
  cluster.injectFault({
    service: 'checkout',
    type: 'error_burst',
    startMs: injectAt,
    endMs: injectAt + 30 * MIN,
    intensity: 1.5,
  });
  cluster.advance((injectAt - start) / 1000 + 10 * 60);
  const base = {
    telemetry: new SimulatorSource(cluster, { wallNow: () => cluster.now() }),
    spans: async (a: number, b: number) => simulatorSpans(cluster, a, b),
    queries: SIMULATOR_EVIDENCE_QUERIES,
    startMs: injectAt - 5 * MIN,
    endMs: injectAt + 10 * MIN,
  };
  const without = await collectEvidence(base);
  const withLogs = await collectEvidence({
    ...base,
    logs: { lines: simulatorLogs(cluster), sequenceModelUnavailable: 'test' },
  });
  assert.equal(without.logNotes, undefined);
  assert.ok(without.evidence.every((e) => e.logAnomaly === undefined));
  const checkout = withLogs.evidence.find((e) => e.service === 'checkout')!;
  assert.ok(checkout.logAnomaly && checkout.logAnomaly.score > 0.5, JSON.stringify(checkout.logAnomaly));
  assert.match(checkout.logAnomaly.summary, /new template/);
  assert.ok(checkout.ownSignals?.some((s) => s.line === checkout.logAnomaly!.summary && s.strength <= 0.3));
  // Everything else is as without logs.
  for (const e of without.evidence) {
    const w = withLogs.evidence.find((x) => x.service === e.service)!;
    assert.equal(w.latencyScore, e.latencyScore);
    assert.equal(w.errorScore, e.errorScore);
    assert.equal(w.selfMsIncident, e.selfMsIncident);
  }
  assert.match(withLogs.logNotes!.join(' '), /frequency only/);
});
