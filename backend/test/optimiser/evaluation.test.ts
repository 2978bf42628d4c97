import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayPolicy, rlNotAvailable } from '../../src/eval/autoscale/evaluation.ts';
import { autoscaleTopology, type PolicyResult } from '../../src/eval/autoscale/replayCommon.ts';
import {
  EXCESS_WEIGHT,
  leaveOneTraceOut,
  meetsTarget,
  selectCandidate,
  targetScore,
  type TraceRuns,
} from '../../src/eval/autoscale/loto.ts';
import {
  compareToHpa,
  loadTraceFile,
  parsePredictiveOverrides,
  runAutoscaleEval,
} from '../../src/cli/autoscaleCommands.ts';
import { main } from '../../src/cli/main.ts';
import type { WorkloadTrace } from '../../src/sim/workload.ts';
import { quiet } from '../helpers/quiet.ts';
import { describePredictive } from '../../src/eval/autoscale/report.ts';
import { DEFAULT_PREDICTIVE_CONFIG } from '../../src/engines/optimiser/predictive.ts';

/** Per-minute load: a base of 30 with a timer spike to 80 every 10 minutes. */
function timerTrace(minutes: number): WorkloadTrace {
  return {
    name: 'timer',
    stepSeconds: 60,
    values: Array.from({ length: minutes }, (_, i) => (i % 10 === 7 ? 80 : 30) + (i % 3)),
  };
}

let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'aidpe-autoscale-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

test('the evaluation topology autoscales gateway and mid tier, data stores fixed', () => {
  const t = autoscaleTopology(5);
  assert.ok(t.services.filter((s) => s.hpa).length >= 10);
  for (const s of t.services) {
    if (s.tier === 'data') {
      assert.equal(s.hpa, undefined);
    } else {
      assert.deepEqual([s.hpa!.targetCpuUtilization, s.hpa!.maxReplicas], [0.7, 2 * s.replicas]);
    }
  }
});

test('replay: the exact HPA and the predictive policy on a timer trace; zero guard violations; deterministic', async () => {
  const trace = timerTrace(180);
  const common = { trace, seed: 5, sloMs: 250, scale: 3, warmupSeconds: 3600 };
  const hpa = await replayPolicy('hpa', common);
  const pred = await replayPolicy('predictive', common);
  for (const r of [hpa, pred]) {
    assert.ok(r.available);
    assert.equal(r.simulatedHours, 3);
    assert.ok(r.replicaHours! > 0 && r.replicaHoursAll! > r.replicaHours!);
    assert.ok(r.scalingActions! > 0 && r.largestStep! >= 1);
    assert.ok(r.latencyMs!.p50 <= r.latencyMs!.p95 && r.latencyMs!.p95 <= r.latencyMs!.p99);
    assert.equal(r.guardViolations, 0);
  }
  assert.equal(pred.mode, 'parametric');
  assert.ok(pred.policyActions! > 0, 'the policy acted');
  assert.equal(pred.guardChecks, pred.policyActions);
  assert.ok(pred.proposals!.total >= pred.policyActions!);
  assert.ok(pred.forecasts! > 0);
  assert.ok((pred.scalingActionsBySource?.['hpa bounds'] ?? 0) > 0, 'bound changes moved replicas');
  // The spikes recur every 10 minutes: after the warm-up the forecast sees them coming.
  assert.ok(
    pred.sloViolationMinutes! < hpa.sloViolationMinutes!,
    `predictive ${pred.sloViolationMinutes} vs hpa ${hpa.sloViolationMinutes}`
  );
  const again = await replayPolicy('hpa', common);
  assert.deepEqual({ ...again, elapsedSeconds: 0 }, { ...hpa, elapsedSeconds: 0 });
  const cmp = compareToHpa([hpa, pred, rlNotAvailable()]);
  assert.equal(cmp.length, 1);
  assert.ok(cmp[0]!.sloViolationMinutesChange < 0);
});

test('replay in direct mode: the HPAs are removed after the warm-up and the policy owns the replicas', async () => {
  const r = await replayPolicy('predictive', {
    trace: timerTrace(90),
    seed: 5,
    sloMs: 250,
    scale: 3,
    warmupSeconds: 3600,
    mode: 'direct',
  });
  assert.equal(r.mode, 'direct');
  assert.ok((r.scalingActionsBySource?.['predictive'] ?? 0) > 0);
  assert.equal(r.guardViolations, 0);
});

test('trace files: timestamp,value CSV and the Azure Functions layout (sum of all or one row)', () => {
  const azure = join(root, 'inv.csv');
  const header = [
    'HashFunction',
    'HashApp',
    'HashOwner',
    ...Array.from({ length: 120 }, (_, i) => `minute_${i + 1}`),
  ].join(',');
  const row = (k: number) =>
    ['f', 'a', 'o', ...Array.from({ length: 120 }, (_, i) => String(k * (10 + (i % 10 === 7 ? 40 : 0))))].join(',');
  writeFileSync(azure, [header, row(1), row(2)].join('\n') + '\n');
  const all = loadTraceFile(azure, undefined);
  assert.equal(all.values[0], 30);
  assert.match(all.name, /sum of all functions/);
  assert.equal(loadTraceFile(azure, '1').values[0], 20);
  assert.throws(() => loadTraceFile(azure, 'x'), /--function/);
  const tv = join(root, 'tv.csv');
  writeFileSync(tv, 'timestamp,value\n2020-01-01 00:00:00,5\n2020-01-01 00:05:00,7\n2020-01-01 00:10:00,9\n');
  const t = loadTraceFile(tv, undefined);
  assert.deepEqual([t.stepSeconds, t.values], [300, [5, 7, 9]]);
  assert.throws(() => loadTraceFile(join(root, 'missing.csv'), undefined), /file not found/);
  assert.throws(() => loadTraceFile(tv, '0'), /--function applies to Azure/);
});

test('aidpe autoscale-eval: table, RESULT.json with every policy, rl not available, usage errors', async () => {
  const trace = join(root, 'timer.csv');
  const rows = ['timestamp,value'];
  for (const [i, v] of timerTrace(120).values.entries()) {
    rows.push(`${new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString().slice(0, 19).replace('T', ' ')},${v}`);
  }
  writeFileSync(trace, rows.join('\n') + '\n');
  const out = join(root, 'res', 'result.json');
  const { value, out: printed } = await quiet(() =>
    // --models: an empty models folder, so the RL policy has no model here (rlPolicy.test.ts runs the shipped one).
    runAutoscaleEval([
      '--trace',
      trace,
      '--policies',
      'hpa,predictive,rl',
      '--slo-ms',
      '250',
      '--seed',
      '3',
      '--out',
      out,
      '--scale',
      '2',
      '--warmup-minutes',
      '60',
      '--models',
      join(root, 'no-models'),
    ])
  );
  assert.equal(value, 0);
  assert.match(printed, /SLO-viol min/);
  assert.match(printed, /rl +not available: RL model .*aidpe-ppo-v1\.onnx is missing/);
  assert.match(printed, /predictive \(parametric\) vs hpa: SLO-violation minutes/);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(report.tool, 'aidpe autoscale-eval');
  assert.equal(report.seed, 3);
  assert.equal(report.simulatedHours, 2);
  assert.deepEqual(
    report.policies.map((p: { policy: string }) => p.policy),
    ['hpa', 'predictive', 'rl']
  );
  assert.equal(report.policies[2].available, false);
  for (const p of report.policies.slice(0, 2)) {
    for (const k of [
      'sloViolationMinutes',
      'replicaHours',
      'scalingActions',
      'largestStep',
      'guardViolations',
      'latencyMs',
    ]) {
      assert.ok(k in p, `${p.policy}: ${k}`);
    }
    assert.equal(p.guardViolations, 0);
  }
  assert.equal(report.comparison.length, 1);
  // Usage errors exit 2 with a message naming the flag.
  const bad = await quiet(() => main(['autoscale-eval', '--trace', trace, '--policies', 'hpa,magic', '--out', out]));
  assert.equal(bad.value, 2);
  assert.match(bad.out, /--policies: unknown policy "magic"/);
  const noOut = await quiet(() => main(['autoscale-eval', '--trace', trace]));
  assert.equal(noOut.value, 2);
  assert.match(noOut.out, /--out is required/);
  const help = await quiet(() => main(['help']));
  assert.match(help.out, /autoscale-eval --trace TRACE \[--trace TRACE …\] --out RESULT.json/);
});

test('--predictive: overrides of the predictive defaults reach the replay; bad fields are usage errors naming them', async () => {
  assert.deepEqual(parsePredictiveOverrides(undefined), {});
  assert.deepEqual(parsePredictiveOverrides('{"ceilingUtilization":0.85,"ceilingLiftAboveSlo":true}'), {
    ceilingUtilization: 0.85,
    ceilingLiftAboveSlo: true,
  });
  assert.throws(() => parsePredictiveOverrides('{"magic":1}'), /--predictive: unknown field "magic"/);
  assert.throws(() => parsePredictiveOverrides('{"raiseStep":"big"}'), /--predictive: raiseStep must be a number/);
  assert.throws(
    () => parsePredictiveOverrides('{"ceilingLiftAboveSlo":1}'),
    /--predictive: ceilingLiftAboveSlo must be true or false/
  );
  assert.throws(() => parsePredictiveOverrides('[1]'), /--predictive: expected a JSON object/);
  assert.throws(() => parsePredictiveOverrides('{'), /--predictive: expected a JSON object/);
  const trace = join(root, 'short.csv');
  const rows = ['timestamp,value'];
  for (const [i, v] of timerTrace(30).values.entries()) {
    rows.push(`${new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString().slice(0, 19).replace('T', ' ')},${v}`);
  }
  writeFileSync(trace, rows.join('\n') + '\n');
  const out = join(root, 'res', 'override.json');
  const { value } = await quiet(() =>
    runAutoscaleEval([
      '--trace',
      trace,
      '--policies',
      'predictive',
      '--out',
      out,
      '--scale',
      '1',
      '--hours',
      '0.1',
      '--predictive',
      '{"raiseStep":0.1}',
    ])
  );
  assert.equal(value, 0);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(report.config.predictive.raiseStep, 0.1);
  const bad = await quiet(() =>
    main(['autoscale-eval', '--trace', trace, '--out', out, '--predictive', '{"horizon":60}'])
  );
  assert.equal(bad.value, 2);
  assert.match(bad.out, /--predictive: unknown field "horizon"/);
});

test('leave-one-trace-out: each trace gets the candidate chosen on the others; the criterion penalises extra cost', () => {
  const row = (v: number, rh: number, act: number, guard = 0): PolicyResult => ({
    policy: 'predictive',
    available: true,
    sloViolationMinutes: v,
    replicaHours: rh,
    scalingActions: act,
    guardViolations: guard,
  });
  const hpa = row(10, 100, 100);
  assert.equal(targetScore(row(4, 100, 100), hpa), -0.6);
  assert.ok(Math.abs(targetScore(row(4, 110, 100), hpa) - (-0.6 + EXCESS_WEIGHT * 0.1)) < 1e-12);
  assert.equal(targetScore(row(0, 50, 50, 1), hpa), Infinity);
  assert.equal(meetsTarget(row(5, 100, 100), hpa), true);
  assert.equal(meetsTarget(row(5, 100.1, 100), hpa), false);
  // "cheap" wins on A and B; "safe" on C (where cheap costs more replicas). Held out C: chosen on A, B → cheap.
  const runs: TraceRuns[] = [
    { trace: 'A', hpa, candidates: { safe: row(6, 100, 100), cheap: row(2, 95, 90) } },
    { trace: 'B', hpa, candidates: { safe: row(6, 100, 100), cheap: row(3, 99, 95) } },
    { trace: 'C', hpa, candidates: { safe: row(4, 100, 100), cheap: row(1, 120, 90) } },
  ];
  const all = selectCandidate(runs, ['safe', 'cheap']);
  assert.equal(all.chosen, 'safe', 'on all three the 20% extra replica-hours on C outweighs');
  const loto = leaveOneTraceOut(runs, ['safe', 'cheap']);
  assert.deepEqual(
    loto.map((r) => [r.heldOut, r.chosen, r.meetsTarget]),
    [
      ['A', 'safe', false],
      ['B', 'safe', false],
      ['C', 'cheap', false],
    ]
  );
  assert.ok(Math.abs(loto[2]!.change.replicaHours - 0.2) < 1e-12);
});

test('aidpe autoscale-eval: several traces (synthetic and comma lists), per-trace tables, LOTO table, --help', async () => {
  const help = await quiet(() => main(['autoscale-eval', '--help']));
  assert.equal(help.value, 0);
  assert.match(help.out, /--trace TRACE \[--trace TRACE …\]/);
  assert.match(help.out, /leave-one-trace-out/);
  const cands = join(root, 'cands.json');
  writeFileSync(
    cands,
    JSON.stringify([
      { name: 'default', predictive: {} },
      { name: 'calm', predictive: { fallback: false, staffingBeta: 1.5 } },
    ])
  );
  const out = join(root, 'res', 'multi.json');
  const { value, out: printed } = await quiet(() =>
    runAutoscaleEval([
      '--trace',
      'synthetic:flash:1:0.1,synthetic:regime:2:0.1',
      '--trace',
      'synthetic:mix:3:0.1',
      '--out',
      out,
      '--scale',
      '1',
      '--warmup-minutes',
      '60',
      '--candidates',
      cands,
    ])
  );
  assert.equal(value, 0);
  assert.match(printed, /^default policy: predictive \(parametric\)/m);
  assert.match(printed, /synthetic-flash#1: 2\.4 h replayed/);
  assert.match(printed, /leave-one-trace-out over 2 candidate settings \(default, calm\)/);
  assert.match(printed, /predictive \(parametric\) breaker: closed/);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(report.traces.length, 3);
  assert.equal(report.leaveOneTraceOut.heldOut.length, 3);
  assert.ok(report.defaultPolicy.settings.hpaTarget > 0);
  for (const t of report.traces) {
    assert.deepEqual(Object.keys(t.candidates), ['default', 'calm']);
    assert.ok(t.policies[1].breakerTime.seconds.closed > 0);
  }
  // A rerun with --reuse takes every replay from the first run.
  const again = join(root, 'res', 'multi2.json');
  const second = await quiet(() =>
    runAutoscaleEval([
      '--trace',
      'synthetic:flash:1:0.1,synthetic:regime:2:0.1,synthetic:mix:3:0.1',
      '--out',
      again,
      '--scale',
      '1',
      '--warmup-minutes',
      '60',
      '--candidates',
      cands,
      '--reuse',
      out,
    ])
  );
  assert.equal(second.value, 0);
  const r2 = JSON.parse(readFileSync(again, 'utf8'));
  assert.deepEqual(r2.leaveOneTraceOut.heldOut, report.leaveOneTraceOut.heldOut);
  const bad = await quiet(() => main(['autoscale-eval', '--trace', 'synthetic:storm:1', '--out', out]));
  assert.equal(bad.value, 2);
  assert.match(bad.out, /unknown synthetic kind "storm"/);
});

test('the "default policy" line is read from the settings: fallback, risk quantiles and staffing only when set', () => {
  assert.match(
    describePredictive({ ...DEFAULT_PREDICTIVE_CONFIG, fallback: false }),
    /forecast p90, at 85% CPU, no fallback mode/
  );
  // The shipped default falls back (the leave-one-trace-out choice, README).
  assert.match(describePredictive(DEFAULT_PREDICTIVE_CONFIG), /fallback to the HPA/);
  const all = describePredictive({ ...DEFAULT_PREDICTIVE_CONFIG, fallback: true, quantileCalm: 0.8, staffingBeta: 1 });
  assert.match(all, /quantile by SLO risk \(0\.8\/0\.9\/0\.9\)/);
  assert.match(all, /square-root staffing β 1/);
  assert.match(all, /fallback to the HPA/);
});
