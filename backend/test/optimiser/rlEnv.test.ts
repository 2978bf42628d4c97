import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RlEnvServer } from '../../src/cli/rlEnvCommand.ts';
import { AutoscaleRlEnv, syntheticTrainingTrace } from '../../src/eval/autoscale/rlEnv.ts';
import { ACTION_DIM, actionToProposal, OBS_DIM, rlRateForecast } from '../../src/engines/optimiser/rl.ts';
import { replayPolicy } from '../../src/eval/autoscale/evaluation.ts';
import type { WorkloadTrace } from '../../src/sim/workload.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Per-minute load with a spike every 10 minutes. */
function timerTrace(minutes: number): WorkloadTrace {
  return {
    name: 'timer',
    stepSeconds: 60,
    values: Array.from({ length: minutes }, (_, i) => (i % 10 === 7 ? 80 : 30) + (i % 3)),
  };
}

const ask = (server: RlEnvServer, msg: unknown): Record<string, unknown> => server.handle(JSON.stringify(msg)).answer;

const shortEpisode = { episodeMinutes: 5, warmupMinutes: 20, offsetMinutes: 60 };

test('rl-env protocol: spec, reset and step shapes; rewards ≤ 0, costs in [0, 1]; done at the end', () => {
  const server = new RlEnvServer();
  const spec = ask(server, { cmd: 'spec' });
  assert.equal(spec['ok'], true);
  const s = spec['spec'] as {
    obsDim: number;
    actionDim: number;
    agentsPerEnv: number;
    actions: string[];
    services: string[];
    obsFeatures: string[];
  };
  assert.equal(s.obsDim, OBS_DIM);
  assert.equal(s.actionDim, ACTION_DIM);
  assert.equal(s.actions.length, ACTION_DIM);
  assert.equal(s.obsFeatures.length, OBS_DIM);
  assert.equal(s.services.length, s.agentsPerEnv);
  assert.ok(s.agentsPerEnv >= 10);

  const reset = ask(server, {
    cmd: 'reset',
    seeds: [1, 2],
    traces: [
      { synthetic: 'diurnal', seed: 3 },
      { synthetic: 'bursty', seed: 4 },
    ],
    options: shortEpisode,
  });
  assert.equal(reset['ok'], true, String(reset['error']));
  const obs = reset['obs'] as number[][][];
  assert.deepEqual([obs.length, obs[0]!.length, obs[0]![0]!.length], [2, s.agentsPerEnv, OBS_DIM]);
  assert.ok(obs.flat(2).every((x) => Number.isFinite(x)));
  let last: Record<string, unknown> = {};
  let steps = 0;
  for (;;) {
    last = ask(server, { cmd: 'step', actions: [Array(s.agentsPerEnv).fill(4), Array(s.agentsPerEnv).fill(0)] });
    assert.equal(last['ok'], true, String(last['error']));
    steps++;
    const rewards = last['rewards'] as number[][];
    const costs = last['costs'] as number[];
    assert.deepEqual(
      [rewards.length, rewards[0]!.length, costs.length, (last['infos'] as unknown[]).length],
      [2, s.agentsPerEnv, 2, 2]
    );
    assert.ok(rewards.flat().every((r) => r <= 0 && r > -3));
    assert.ok(costs.every((c) => c >= 0 && c <= 1));
    // The per-service attribution never exceeds the env's violation share.
    const serviceCosts = last['serviceCosts'] as number[][];
    assert.deepEqual([serviceCosts.length, serviceCosts[0]!.length], [2, s.agentsPerEnv]);
    assert.ok(serviceCosts.every((row, i) => row.every((c) => c >= 0 && c <= costs[i]! + 1e-9)));
    if ((last['dones'] as boolean[]).every(Boolean)) {
      break;
    }
    assert.ok(steps < 100, 'episode should end');
  }
  // 5 minutes at 30-s decisions.
  assert.equal(steps, 10);
  const infos = last['infos'] as Array<{ guardViolations: number; applied: number }>;
  assert.ok(infos.every((i) => i.guardViolations === 0));
  // A finished env keeps answering well-formed lines until the next reset.
  const after = ask(server, { cmd: 'step', actions: [Array(s.agentsPerEnv).fill(0), Array(s.agentsPerEnv).fill(0)] });
  assert.deepEqual(after['dones'], [true, true]);
  assert.deepEqual(ask(server, { cmd: 'close' }), { ok: true, closed: true });
});

test('rl-env protocol: the same seeds and actions give the same trajectory; another seed differs', () => {
  const run = (seed: number): unknown[] => {
    const server = new RlEnvServer();
    const out: unknown[] = [
      ask(server, { cmd: 'reset', seeds: [seed], traces: [{ synthetic: 'bursty', seed: 9 }], options: shortEpisode })[
        'obs'
      ],
    ];
    for (let k = 0; k < 4; k++) {
      const a = ask(server, { cmd: 'step', actions: [Array.from({ length: 12 }, (_, i) => (i + k) % ACTION_DIM)] });
      out.push(a['obs'], a['rewards'], a['costs']);
    }
    return out;
  };
  const a = run(7);
  assert.deepEqual(run(7), a);
  assert.notDeepEqual(run(8), a);
});

test('rl-env protocol: bad commands get a JSON error line naming the problem, and the server keeps serving', () => {
  const server = new RlEnvServer();
  const err = (msg: unknown): string => {
    const r = server.handle(typeof msg === 'string' ? msg : JSON.stringify(msg)).answer;
    assert.equal(r['ok'], false);
    return String(r['error']);
  };
  assert.match(err('not json'), /not JSON/);
  assert.match(err([1, 2]), /JSON object with a "cmd"/);
  assert.match(err({ cmd: 'jump' }), /cmd: expected one of spec, reset, step, close/);
  assert.match(err({ cmd: 'step', actions: [] }), /send reset first/);
  assert.match(err({ cmd: 'reset', seeds: [1], traces: [] }), /reset\.traces: expected 1 trace/);
  assert.match(err({ cmd: 'reset', seeds: [-1], traces: [{ synthetic: 'diurnal' }] }), /reset\.seeds/);
  assert.match(err({ cmd: 'reset', seeds: [1], traces: [{ synthetic: 'sawtooth' }] }), /reset\.traces\[0\]\.synthetic/);
  assert.match(
    err({ cmd: 'reset', seeds: [1], traces: [{ azure: '100_inv.csv', rows: ['x'] }] }),
    /reset\.traces\[0\]\.rows/
  );
  assert.match(err({ cmd: 'reset', seeds: [1], traces: [{ file: '/nonexistent/trace.csv' }] }), /file not found/);
  assert.match(
    err({ cmd: 'reset', seeds: [1], traces: [{ synthetic: 'diurnal' }], options: { episodeMinutes: -3 } }),
    /reset\.options\.episodeMinutes/
  );
  assert.equal(
    ask(server, { cmd: 'reset', seeds: [1], traces: [{ synthetic: 'diurnal', seed: 1 }], options: shortEpisode })['ok'],
    true
  );
  assert.match(err({ cmd: 'step', actions: [[0, 1]] }), /step\.actions\[0\]: expected 12 integers in 0\.\.8/);
  assert.match(err({ cmd: 'step', actions: [Array(12).fill(ACTION_DIM)] }), /step\.actions\[0\]/);
  assert.equal(ask(server, { cmd: 'step', actions: [Array(12).fill(0)] })['ok'], true);
});

test('aidpe rl-env over stdio: one JSON line per command, errors included, exits on close', () => {
  const input =
    [
      JSON.stringify({ cmd: 'spec' }),
      'garbage',
      JSON.stringify({ cmd: 'reset', seeds: [3], traces: [{ synthetic: 'diurnal', seed: 2 }], options: shortEpisode }),
      JSON.stringify({ cmd: 'step', actions: [Array(12).fill(0)] }),
      JSON.stringify({ cmd: 'close' }),
    ].join('\n') + '\n';
  const r = spawnSync(process.execPath, [join(REPO, 'backend', 'bin', 'aidpe.mjs'), 'rl-env'], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    lines.map((l) => l['ok']),
    [true, false, true, true, true]
  );
  assert.equal((lines[3]!['obs'] as unknown[][]).length, 1);
});

test('actions become parametric proposals within the HPA bounds; no-ops and clamped no-changes propose nothing', () => {
  const env = new AutoscaleRlEnv({ trace: timerTrace(60), seed: 1, warmupSeconds: 600, durationSeconds: 900 });
  env.reset();
  const state = env.currentStates()[0]!;
  const base = env.baselines[state.service]!;
  assert.equal(actionToProposal(0, state, base), undefined);
  for (let a = 1; a < ACTION_DIM; a++) {
    const p = actionToProposal(a, state, base);
    if (!p) {
      continue;
    }
    assert.equal(p.mode, 'parametric');
    if (p.hpa!.minReplicas !== undefined) {
      assert.ok(p.hpa!.minReplicas >= base.minReplicas && p.hpa!.minReplicas <= base.maxReplicas);
    }
    if (p.hpa!.targetCpuUtilization !== undefined) {
      assert.ok(p.hpa!.targetCpuUtilization >= 0.5 && p.hpa!.targetCpuUtilization <= 0.9);
    }
  }
  assert.throws(() => actionToProposal(ACTION_DIM, state, base), /out of range/);
  assert.throws(() => env.step([0]), /one per managed service/);
});

test('an env that never acts replays exactly the HPA replay (same cluster, warm-up and metrics)', async () => {
  const trace = timerTrace(120);
  const common = { trace, seed: 5, sloMs: 250, scale: 3, warmupSeconds: 3600 };
  const hpa = await replayPolicy('hpa', common);
  const rl = await replayPolicy('rl', {
    ...common,
    rlInfer: async () => Float32Array.from({ length: ACTION_DIM }, (_, i) => (i === 0 ? 1 : 0)),
  });
  for (const k of [
    'sloViolationMinutes',
    'replicaHours',
    'replicaHoursAll',
    'scalingActions',
    'largestStep',
    'latencyMs',
    'meanErrorRatio',
    'simulatedHours',
  ] as const) {
    assert.deepEqual(rl[k], hpa[k], k);
  }
  assert.equal(rl.policyActions, 0);
  await assert.rejects(replayPolicy('rl', common), /rlInfer/);
});

test('the cheap forecast: a period is followed, p90 ≥ p50, undefined on short history', () => {
  assert.equal(rlRateForecast({ stepSeconds: 60, values: [1, 2, 3], lastTimestampMs: 0 }, 2), undefined);
  const values = timerTrace(120).values;
  // The next step (index 120) is phase 0 of the 10-minute timer; 127 is the spike.
  const f = rlRateForecast({ stepSeconds: 60, values, lastTimestampMs: 0 }, 10)!;
  assert.ok(f.p50.every((v, i) => f.p90[i]! >= v));
  assert.ok(f.p90[7]! >= 80, `spike phase p90 ${f.p90[7]}`);
  assert.ok(f.p50[0]! < 40);
  const syn = syntheticTrainingTrace('bursty', 3, 300);
  assert.equal(syn.values.length, 300);
  assert.deepEqual(syntheticTrainingTrace('bursty', 3, 300), syn);
  assert.notDeepEqual(syntheticTrainingTrace('bursty', 4, 300).values, syn.values);
});

test('rl-env with the HPA twin: a no-op agent equals the HPA (zero excess); raising floors costs replicas and actions', () => {
  const server = new RlEnvServer();
  const spec = ask(server, { cmd: 'spec' })['spec'] as { agentsPerEnv: number; protocol: number };
  assert.equal(spec.protocol, 2);
  const reset = ask(server, {
    cmd: 'reset',
    seeds: [7, 7],
    traces: [
      { synthetic: 'flash', seed: 2, minutes: 240 },
      { synthetic: 'flash', seed: 2, minutes: 240 },
    ],
    options: { ...shortEpisode, hpaTwin: true },
  });
  assert.equal(reset['ok'], true, String(reset['error']));
  const total = { noopReplicas: 0, noopActions: 0, upReplicas: 0, upActions: 0, hpaViolation: 0 };
  for (;;) {
    const r = ask(server, {
      cmd: 'step',
      actions: [Array(spec.agentsPerEnv).fill(0), Array(spec.agentsPerEnv).fill(5)],
    });
    assert.equal(r['ok'], true, String(r['error']));
    const rep = r['replicaExcess'] as number[][];
    const act = r['actionExcess'] as number[][];
    total.noopReplicas += rep[0]!.reduce((a, b) => a + Math.abs(b), 0);
    total.noopActions += act[0]!.reduce((a, b) => a + Math.abs(b), 0);
    total.upReplicas += rep[1]!.reduce((a, b) => a + b, 0);
    total.upActions += act[1]!.reduce((a, b) => a + b, 0);
    assert.equal((r['hpaReplicas'] as number[][])[0]!.length, spec.agentsPerEnv);
    assert.ok((r['hpaViolationShares'] as number[]).every((x) => x >= 0 && x <= 1));
    if ((r['dones'] as boolean[]).every(Boolean)) {
      break;
    }
  }
  assert.equal(total.noopReplicas, 0, 'no-op: the same cluster as the twin');
  assert.equal(total.noopActions, 0);
  assert.ok(total.upReplicas > 0 && total.upActions > 0, JSON.stringify(total));
  const bad = ask(server, {
    cmd: 'reset',
    seeds: [1],
    traces: [{ synthetic: 'flash', seed: 1 }],
    options: { hpaTwin: 'yes' },
  });
  assert.match(String(bad['error']), /reset\.options\.hpaTwin: expected true or false/);
});
