import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  listNezhaFaults,
  loadNezhaCase,
  parseCsv,
  parseInjectTime,
  serviceOfPod,
  NezhaDataError,
} from '../../src/eval/rca/nezhaData.ts';
import { nezhaEvalCase, rankNezhaCase } from '../../src/eval/rca/nezhaEval.ts';
import { traceProfile } from '../../src/eval/rca/nezhaEvidence.ts';
import { evaluateCase } from '../../src/eval/rca/evalCore.ts';
import { ruleBaselineRanking } from '../../src/engines/rca/baselines/ruleBaseline.ts';
import { rankRootCauses, type ServiceEvidence } from '../../src/engines/rca/rank.ts';
import { buildServiceGraph } from '../../src/engines/rca/serviceGraph.ts';
import { main } from '../../src/cli/main.ts';
import { quiet } from '../helpers/quiet.ts';

// A hand-made case in Nezha's layout: gateway → order → {db, user}; a network delay on db adds about 1 s on
// the wire of order's calls to db from 10:00:30 UTC, while db's own server spans stay at 5 ms.
const FIXTURE = fileURLToPath(new URL('../helpers/fixtures/nezha/', import.meta.url));
const INJECT_MS = Date.UTC(2023, 0, 30, 10, 0, 30);

test('service = pod name minus its last two parts; inject_time is read as UTC, never local time', () => {
  assert.equal(serviceOfPod('ts-travel2-service-5c66d57d58-zxw8n'), 'ts-travel2-service');
  assert.equal(serviceOfPod('front_service'), 'front_service');
  assert.equal(parseInjectTime('2023-01-30 10:00:30'), INJECT_MS);
  assert.throws(() => parseInjectTime('30/01/2023 10:00'), NezhaDataError);
  assert.deepEqual(parseCsv('a,"b ""q"", c",d\n1,2,3\n'), [
    ['a', 'b "q", c', 'd'],
    ['1', '2', '3'],
  ]);
});

test('fault list: inject_time (UTC) wins over an inject_timestamp 8 hours off', () => {
  const [fault, ...rest] = listNezhaFaults(FIXTURE);
  assert.equal(rest.length, 0);
  assert.equal(fault!.injectMs, INJECT_MS);
  assert.equal(fault!.timestampSkewHours, -8);
  assert.equal(fault!.service, 'ts-db-service');
  assert.equal(fault!.type, 'network_delay');
  assert.throws(() => listNezhaFaults(join(FIXTURE, 'rca_data')), /no rca_data/);
});

test('loader: the injection minute and two after it, sentinels cleaned, corrupt log rows repaired or skipped', () => {
  const c = loadNezhaCase(FIXTURE, listNezhaFaults(FIXTURE)[0]!);
  assert.deepEqual(c.minutes, ['10_00', '10_01', '10_02']);
  assert.equal(c.spans.length, 6 * 7);
  assert.equal(c.baselineSpans.length, 4 * 7);
  const root = c.spans.find((s) => s.operation === '/*')!;
  assert.equal(root.parentSpanId, undefined, '"root" parent means no parent');
  assert.equal(root.service, 'ts-gateway-service');
  assert.deepEqual([...new Set(c.spans.map((s) => s.service))].sort(), [
    'ts-db-service',
    'ts-gateway-service',
    'ts-order-service',
    'ts-user-service',
  ]);
  // Logs: the docker JSON's `log` field; one corrupt TimeUnixNano repaired from Timestamp, one row past repair.
  assert.equal(c.counts.logs.repaired, 1);
  assert.equal(c.counts.logs.skipped, 1);
  assert.equal(c.logs.length, 1 + 3 + 1);
  const repaired = c.logs.find((l) => l.message.includes('slow db response'))!;
  assert.equal(repaired.timeMs, Date.UTC(2023, 0, 30, 10, 0, 40));
  assert.ok(!repaired.message.endsWith('\n'));
  // The 3600 s client-latency sentinel became NaN (three columns of one row).
  const order = c.metrics.find((m) => m.service === 'ts-order-service')!;
  assert.equal(c.counts.metrics.sentinels, 3);
  assert.ok(Number.isNaN(order.columns['PodClientLatencyP90(s)']![2]!));
  assert.equal(order.columns['PodServerLatencyP90(s)']![2], 0.0135);
  assert.ok(c.metrics.some((m) => m.pod === 'front_service'));
});

test('the delay on the wire into db is charged to db, not to order whose spans hold it', () => {
  const c = loadNezhaCase(FIXTURE, listNezhaFaults(FIXTURE)[0]!);
  const incident = c.spans.filter((s) => s.startMs >= INJECT_MS);
  // A naive "highest latency" rule (largest rise of a service's server-span duration) picks the caller.
  const serverMean = (spans: typeof incident, service: string) => {
    const xs = spans.filter((s) => s.service === service && s.operation.startsWith('/api')).map((s) => s.durationMs);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const naive = ['ts-order-service', 'ts-db-service', 'ts-user-service'].sort(
    (a, b) =>
      serverMean(incident, b) -
      serverMean(c.baselineSpans, b) -
      (serverMean(incident, a) - serverMean(c.baselineSpans, a))
  )[0];
  assert.equal(naive, 'ts-order-service');
  const profile = traceProfile(incident);
  assert.ok(profile.wireIn.get('ts-db-service')!.mean > 900);
  assert.ok(profile.processing.get('ts-order-service')!.mean < 20, "order's own processing time excludes the wire");

  const ranking = rankNezhaCase(c);
  assert.equal(ranking.symptom, 'ts-gateway-service');
  assert.deepEqual(ranking.candidates[0]!.path, ['ts-gateway-service', 'ts-order-service', 'ts-db-service']);
  assert.equal(ranking.candidates[0]!.service, 'ts-db-service', ranking.explanation);
  assert.ok(ranking.candidates.length >= 3, JSON.stringify(ranking.candidates.map((x) => x.service)));
  assert.ok(ranking.candidates.slice(1).every((x) => x.whyLower));
  assert.match(ranking.candidates[0]!.evidence.join(' '), /time on the wire of calls into it/);
  assert.notEqual(ranking.tier, 'INCONCLUSIVE');
  // The fixture tells the two apart: with the wire left in the caller's self time, the caller wins.
  assert.equal(rankNezhaCase(c, { wire: 'caller' }).candidates[0]!.service, 'ts-order-service');

  const evalCase = nezhaEvalCase(c);
  const result = evaluateCase(evalCase);
  assert.equal(result.ranks.aidpe, 1);
  assert.equal(result.truth, 'ts-db-service');
  assert.ok(result.top5.length >= 3);
  assert.equal(result.top5[0]!.service, 'ts-db-service');
  assert.ok(ranking.symptomSli!.p95After > 10 * ranking.symptomSli!.p95Before, 'the front-end SLI shows the symptom');
  assert.ok(ruleBaselineRanking(evalCase.baselineInput!).length > 0);
  for (const m of ['rule', 'baro', 'epsilon', 'randomWalk'] as const) {
    assert.ok(m in result.ranks, `the anchor ${m} ran beside the method`);
  }
});

test('aidpe rca-eval --nezha: usage errors name the flag; a run writes the report', async () => {
  const missing = await quiet(() => main(['rca-eval', '--nezha', '/nonexistent/nezha', '--out', '/tmp/y.json']));
  assert.equal(missing.value, 2);
  assert.match(missing.out, /--nezha: \/nonexistent\/nezha does not exist/);
  const noRoot = await quiet(() => main(['rca-eval', '--nezha', join(FIXTURE, 'rca_data'), '--out', '/tmp/y.json']));
  assert.equal(noRoot.value, 2);
  assert.match(noRoot.out, /no rca_data\/ folder/);
  const noOut = await quiet(() => main(['rca-eval', '--nezha', FIXTURE]));
  assert.equal(noOut.value, 2);
  assert.match(noOut.out, /--out is required/);
  const ablationsAlone = await quiet(() => main(['rca-eval', '--sim', '--ablations', '--out', '/tmp/y.json']));
  assert.equal(ablationsAlone.value, 2);
  assert.match(ablationsAlone.out, /--ablations: only with --nezha/);

  const dir = mkdtempSync(join(tmpdir(), 'aidpe-nezha-'));
  try {
    const out = join(dir, 'result.json');
    const r = await quiet(() => main(['rca-eval', '--nezha', FIXTURE, '--ablations', '--out', out]));
    assert.equal(r.value, 0, r.out);
    assert.match(r.out, /network_delay/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const plainSelfTime = report.ablations.find((a: { options: { wire?: string } }) => a.options.wire === 'caller');
    assert.equal(plainSelfTime.overall.ac1, 0, "with the wire left in the caller, the fixture's caller wins");
    assert.equal(report.overall.aidpe.cases, 1);
    assert.equal(report.overall.aidpe.ac1, 1);
    for (const m of ['handset', 'rule', 'baro', 'epsilon', 'randomWalk']) {
      assert.ok('ac1' in report.overall[m], `${m} in the same run`);
    }
    assert.equal(report.cases[0].truth, 'ts-db-service');
    assert.ok(report.cases[0].top5[0].probability > 0);
    assert.equal(report.tiers.length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rank.ts: typed own evidence makes a service with quiet series a candidate; without it nothing changes', () => {
  const span = (id: string, parent: string | undefined, service: string) => ({
    traceId: 't',
    spanId: id,
    parentSpanId: parent,
    service,
    startMs: 0,
    durationMs: 10,
    error: false,
  });
  const graph = buildServiceGraph([span('a', undefined, 'gw'), span('b', 'a', 'api'), span('c', 'b', 'db')]);
  const ev = (service: string, over: Partial<ServiceEvidence> = {}): ServiceEvidence => ({
    service,
    latencyScore: 0,
    latencyOnsetMs: undefined,
    errorScore: 0,
    errorOnsetMs: undefined,
    selfMsBaseline: undefined,
    selfMsIncident: undefined,
    ownErrorRateBaseline: undefined,
    ownErrorRateIncident: undefined,
    ...over,
  });
  const plain = [ev('gw', { latencyScore: 1 }), ev('api', { latencyScore: 0.95 }), ev('db')];
  const before = rankRootCauses('gw', graph, plain);
  // db is listed third only as a compared service (at least three candidates), not as a cause.
  assert.deepEqual(
    before.candidates.map((c) => c.service),
    ['api', 'gw', 'db']
  );
  assert.match(before.candidates[2]!.whyLower!, /no anomaly of its own/);
  assert.deepEqual(before.candidates[2]!.evidence, []);
  const withSignal = rankRootCauses('gw', graph, [
    ...plain.slice(0, 2),
    ev('db', {
      signals: [{ kind: 'wire-in', strength: 3, line: 'time on the wire of calls into it 2 → 900 ms per call' }],
    }),
  ]);
  assert.equal(withSignal.candidates[0]!.service, 'db');
  assert.ok(withSignal.candidates[0]!.probability! > withSignal.candidates[1]!.probability!);
  assert.match(withSignal.candidates[0]!.evidence.join(' '), /time on the wire/);
  assert.match(withSignal.candidates[1]!.whyLower!, /lower probability than db/);
});

test('aidpe rca-eval --nezha FILE.tgz extracts once to the cache folder and evaluates it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-nezha-tgz-'));
  const saved = process.env['XDG_CACHE_HOME'];
  try {
    const tgz = join(dir, 'nezha-fixture.tgz');
    execFileSync('tar', ['-czf', tgz, '-C', FIXTURE, 'rca_data', 'construct_data']);
    process.env['XDG_CACHE_HOME'] = join(dir, 'cache');
    const out = join(dir, 'result.json');
    const r = await quiet(() => main(['rca-eval', '--nezha', tgz, '--out', out]));
    assert.equal(r.value, 0, r.out);
    assert.ok(existsSync(join(dir, 'cache', 'aidpe', 'nezha', 'nezha-fixture', 'rca_data')));
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).overall.aidpe.ac1, 1);
    const notArchive = await quiet(() => main(['rca-eval', '--nezha', out, '--out', out]));
    assert.equal(notArchive.value, 2);
    assert.match(notArchive.out, /neither a folder nor a \.tgz/);
  } finally {
    if (saved === undefined) {
      delete process.env['XDG_CACHE_HOME'];
    } else {
      process.env['XDG_CACHE_HOME'] = saved;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
