import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayPolicy } from '../../src/eval/autoscale/evaluation.ts';
import { ACTION_DIM, argmax, OBS_DIM, RlPolicy } from '../../src/engines/optimiser/rl.ts';
import { loadRlPolicyModel, RL_MODEL_NAME, type RlModelLoad } from '../../src/models/rlPolicyModel.ts';
import { runAutoscaleEval } from '../../src/cli/autoscaleCommands.ts';
import { Rng } from '../../src/sim/random.ts';
import { timeFeatures, type ServiceState } from '../../src/engines/optimiser/types.ts';
import type { WorkloadTrace } from '../../src/sim/workload.ts';
import { quiet } from '../helpers/quiet.ts';

const MODELS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models');
const SHIPPED = join(MODELS, 'autoscale');

function timerTrace(minutes: number): WorkloadTrace {
  return {
    name: 'timer',
    stepSeconds: 60,
    values: Array.from({ length: minutes }, (_, i) => (i % 10 === 7 ? 80 : 30) + (i % 3)),
  };
}

const errorOf = (load: RlModelLoad): string => (load.state === 'loaded' ? '' : load.error);

let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'aidpe-rl-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the shipped model and card in a fresh models folder. */
function copyModels(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'autoscale'), { recursive: true });
  for (const ext of ['.onnx', '.card.json']) {
    copyFileSync(join(SHIPPED, RL_MODEL_NAME + ext), join(dir, 'autoscale', RL_MODEL_NAME + ext));
  }
  return dir;
}

test('the shipped model reproduces its golden vectors through onnxruntime-node (logits and greedy actions)', async () => {
  const load = await loadRlPolicyModel({ modelsDir: MODELS });
  assert.equal(load.state, 'loaded', errorOf(load));
  if (load.state !== 'loaded') {
    return;
  }
  const golden = JSON.parse(readFileSync(join(SHIPPED, `${RL_MODEL_NAME}.golden.json`), 'utf8')) as {
    sha256: string;
    tolerance: number;
    obs: { shape: [number, number]; data: number[] };
    logits: { shape: [number, number]; data: number[] };
    argmax: number[];
  };
  assert.equal(golden.sha256, load.sha256, 'the golden file belongs to this model');
  assert.deepEqual([golden.obs.shape[1], golden.logits.shape[1]], [OBS_DIM, ACTION_DIM]);
  for (let b = 0; b < golden.obs.shape[0]; b++) {
    const logits: Float32Array = await load.infer(
      Float32Array.from(golden.obs.data.slice(b * OBS_DIM, (b + 1) * OBS_DIM))
    );
    const want = golden.logits.data.slice(b * ACTION_DIM, (b + 1) * ACTION_DIM);
    for (let i = 0; i < ACTION_DIM; i++) {
      assert.ok(
        Math.abs(logits[i]! - want[i]!) <= golden.tolerance * Math.max(1, Math.abs(want[i]!)),
        `row ${b} logit ${i}: ${logits[i]} vs ${want[i]}`
      );
    }
    assert.equal(argmax(logits), golden.argmax[b]);
  }
  await assert.rejects(load.infer(new Float32Array(3)), /expected 18 features/);
});

test('the loader: missing model, missing card, tampered file and garbage bytes are reported, not thrown', async () => {
  const missing = await loadRlPolicyModel({ modelsDir: join(root, 'nothing') });
  assert.equal(missing.state, 'missing');
  assert.match(errorOf(missing), /is missing/);

  const noCard = copyModels('no-card');
  rmSync(join(noCard, 'autoscale', `${RL_MODEL_NAME}.card.json`));
  const nc = await loadRlPolicyModel({ modelsDir: noCard });
  assert.equal(nc.state, 'missing');
  assert.match(errorOf(nc), /model card .* is missing/);

  const tampered = copyModels('tampered');
  const onnx = join(tampered, 'autoscale', `${RL_MODEL_NAME}.onnx`);
  const bytes = readFileSync(onnx);
  bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
  writeFileSync(onnx, bytes);
  const t = await loadRlPolicyModel({ modelsDir: tampered });
  assert.equal(t.state, 'checksum_mismatch');
  assert.match(errorOf(t), /does not match the card/);

  // Garbage that matches its card's checksum still fails cleanly at load.
  const garbage = copyModels('garbage');
  const gfile = join(garbage, 'autoscale', `${RL_MODEL_NAME}.onnx`);
  writeFileSync(gfile, 'not an onnx model');
  const cardFile = join(garbage, 'autoscale', `${RL_MODEL_NAME}.card.json`);
  const card = JSON.parse(readFileSync(cardFile, 'utf8')) as { sha256: string };
  const { createHash } = await import('node:crypto');
  card.sha256 = createHash('sha256').update('not an onnx model').digest('hex');
  writeFileSync(cardFile, JSON.stringify(card));
  const g = await loadRlPolicyModel({ modelsDir: garbage });
  assert.equal(g.state, 'corrupt');
  assert.match(errorOf(g), /could not be loaded/);
});

test('RlPolicy: greedy argmax of the injected network becomes a parametric proposal; wrong output size is an error', async () => {
  const baselines = { api: { minReplicas: 1, maxReplicas: 20, targetCpuUtilization: 0.7 } };
  const state: ServiceState = {
    service: 'api',
    timeMs: Date.UTC(2025, 0, 1, 12),
    replicas: { desired: 6, ready: 6, starting: 0 },
    cpuUtilization: 0.6,
    hpa: { ...baselines.api },
    latencyP95Ms: 180,
    sloMs: 250,
    errorRate: 0,
    requestRate: 300,
    time: timeFeatures(Date.UTC(2025, 0, 1, 12)),
  };
  const seen: Float32Array[] = [];
  const pick = (action: number) =>
    new RlPolicy(
      async (obs) => {
        seen.push(obs);
        return Float32Array.from({ length: ACTION_DIM }, (_, i) => (i === action ? 5 : 0));
      },
      { baselines }
    );
  const plus2 = await pick(5).propose(state);
  assert.deepEqual(plus2?.hpa, { minReplicas: 8 });
  assert.equal(plus2?.mode, 'parametric');
  assert.equal(await pick(0).propose(state), undefined);
  assert.deepEqual((await pick(8).propose(state))?.hpa, { targetCpuUtilization: 0.75 });
  assert.equal(seen[0]!.length, OBS_DIM);
  assert.ok(Math.abs(seen[0]![8]! - 0.6) < 1e-6, 'CPU utilisation feature');
  await assert.rejects(new RlPolicy(async () => new Float32Array(2), { baselines }).propose(state), /expected 9/);
});

test('a replay under an adversarial network: every applied action passes the guard auditor (0 violations)', async () => {
  const rng = new Rng(11);
  // Random logits: every action, often, including floor jumps the safety layer must clamp or reject.
  const infer = async (): Promise<Float32Array> => Float32Array.from({ length: ACTION_DIM }, () => rng.next() * 4);
  const r = await replayPolicy('rl', {
    trace: timerTrace(120),
    seed: 3,
    sloMs: 250,
    scale: 3,
    warmupSeconds: 1800,
    rlInfer: infer,
  });
  assert.ok(r.available);
  assert.ok(r.policyActions! > 20, `policy actions ${r.policyActions}`);
  assert.equal(r.guardChecks, r.policyActions);
  assert.ok(r.proposals!.rejected + r.proposals!.modified > 0, 'the safety layer had to intervene');
  assert.equal(r.guardViolations, 0);
});

test('the shipped model on a short replay: available, 0 guard violations', async () => {
  const load = await loadRlPolicyModel({ modelsDir: MODELS });
  assert.equal(load.state, 'loaded');
  if (load.state !== 'loaded') {
    return;
  }
  const r = await replayPolicy('rl', {
    trace: timerTrace(150),
    seed: 4,
    sloMs: 250,
    scale: 3,
    warmupSeconds: 3600,
    rlInfer: load.infer,
  });
  assert.equal(r.guardViolations, 0);
  assert.equal(r.guardChecks, r.policyActions);
});

test('aidpe autoscale-eval: rl is not available with a tampered model, and runs with the shipped one', async () => {
  const trace = join(root, 'timer.csv');
  const rows = ['timestamp,value'];
  for (const [i, v] of timerTrace(100).values.entries()) {
    rows.push(`${new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString().slice(0, 19).replace('T', ' ')},${v}`);
  }
  writeFileSync(trace, rows.join('\n') + '\n');
  const tampered = copyModels('cli-tampered');
  writeFileSync(join(tampered, 'autoscale', `${RL_MODEL_NAME}.onnx`), 'x');
  const out = join(root, 'res.json');
  const bad = await quiet(() =>
    runAutoscaleEval([
      '--trace',
      trace,
      '--policies',
      'hpa,rl',
      '--out',
      out,
      '--scale',
      '2',
      '--warmup-minutes',
      '60',
      '--models',
      tampered,
    ])
  );
  assert.equal(bad.value, 0);
  assert.match(bad.out, /rl +not available: aidpe-ppo-v1\.onnx: sha256 .* does not match the card/);
  const good = await quiet(() =>
    runAutoscaleEval([
      '--trace',
      trace,
      '--policies',
      'hpa,rl',
      '--out',
      out,
      '--scale',
      '2',
      '--warmup-minutes',
      '60',
      '--models',
      MODELS,
    ])
  );
  assert.equal(good.value, 0);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(report.policies[1].policy, 'rl');
  assert.equal(report.policies[1].available, true);
  assert.equal(report.policies[1].guardViolations, 0);
  assert.equal(report.config.rl.decisionSeconds, 30);
  assert.match(good.out, /rl \(parametric\) vs hpa/);
});
