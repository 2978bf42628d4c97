// Checks the exported RL policy with onnxruntime-node against the PyTorch golden vectors.
//   node models/autoscale/check_onnx.mjs MODEL.onnx GOLDEN.json
// GOLDEN.json: { obs: {shape:[B,18], data}, logits: {shape:[B,9], data}, argmax: [B], tolerance }.
// Prints { ok, maxAbsDiff, argmaxAgree, ortVersion, inferenceMsBatch1 }; exits 1 when not ok.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ort from 'onnxruntime-node';

const [modelPath, goldenPath] = process.argv.slice(2);
if (!modelPath || !goldenPath) {
  console.error('usage: node check_onnx.mjs MODEL.onnx GOLDEN.json');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const ortVersion = require('onnxruntime-node/package.json').version;
const g = JSON.parse(readFileSync(goldenPath, 'utf8'));
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const [b, d] = g.obs.shape;
const a = g.logits.shape[1];
const out = await session.run({ obs: new ort.Tensor('float32', Float32Array.from(g.obs.data), [b, d]) });
const logits = out.logits.data;
let maxAbs = 0;
let agree = 0;
for (let i = 0; i < b; i++) {
  let best = 0;
  for (let j = 0; j < a; j++) {
    maxAbs = Math.max(maxAbs, Math.abs(logits[i * a + j] - g.logits.data[i * a + j]));
    if (logits[i * a + j] > logits[i * a + best]) {best = j;}
  }
  if (best === g.argmax[i]) {agree++;}
}
const one = { obs: new ort.Tensor('float32', Float32Array.from(g.obs.data.slice(0, d)), [1, d]) };
for (let i = 0; i < 20; i++) {await session.run(one);}
const times = [];
for (let i = 0; i < 200; i++) {
  const t0 = process.hrtime.bigint();
  await session.run(one);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((x, y) => x - y);
const tol = g.tolerance ?? 1e-4;
const result = { ok: maxAbs <= tol && agree === b, maxAbsDiff: maxAbs, argmaxAgree: `${agree}/${b}`, ortVersion, inferenceMsBatch1: { median: times[100], p90: times[180], threads: 1 } };
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
