// Checks an exported forecast model with onnxruntime-node against PyTorch outputs.
//   node models/forecast/check_onnx.mjs MODEL.onnx VECTORS.json [OUT.json]
// VECTORS.json: { cases: [ { name, inputs: {past_values:{shape,data}, ...}, output: {shape,data} } ] }
// (the golden file has the same layout with a single case at top level: inputs/output).
// Prints and optionally writes { cases: [{name, batch, maxAbsDiff, maxRelDiff}], ortVersion, inferenceMsBatch8 }.
// ok when every |onnx - torch| <= 1e-4 * max(1, |torch|).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ort from 'onnxruntime-node';

const [modelPath, vecPath, outPath] = process.argv.slice(2);
if (!modelPath || !vecPath) {
  console.error('usage: node check_onnx.mjs MODEL.onnx VECTORS.json [OUT.json]');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const ortVersion = require('onnxruntime-node/package.json').version;
const vec = JSON.parse(readFileSync(vecPath, 'utf8'));
const cases = vec.cases ?? [{ name: 'golden', inputs: vec.inputs, output: vec.output }];
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });

function feeds(inputs) {
  const f = {};
  for (const [k, v] of Object.entries(inputs)) {f[k] = new ort.Tensor('float32', Float32Array.from(v.data), v.shape);}
  return f;
}

const result = { model: modelPath, ortVersion, cases: [] };
let worst = 0;
for (const c of cases) {
  const out = await session.run(feeds(c.inputs));
  const q = out.quantiles;
  let maxAbs = 0;
  let maxRel = 0; // |diff| / max(1, |reference|)
  for (let i = 0; i < q.data.length; i++) {
    const d = Math.abs(q.data[i] - c.output.data[i]);
    maxAbs = Math.max(maxAbs, d);
    maxRel = Math.max(maxRel, d / Math.max(1, Math.abs(c.output.data[i])));
  }
  if (q.data.length !== c.output.data.length) {maxAbs = maxRel = Infinity;}
  worst = Math.max(worst, maxRel);
  result.cases.push({ name: c.name, batch: c.inputs.past_values.shape[0], outShape: q.dims, maxAbsDiff: maxAbs, maxRelDiff: maxRel });
}
// Latency for a batch of 8 (first case with batch 8, else the first case tiled).
const c8 = cases.find((c) => c.inputs.past_values.shape[0] === 8);
if (c8) {
  const f = feeds(c8.inputs);
  for (let i = 0; i < 10; i++) {await session.run(f);}
  const times = [];
  for (let i = 0; i < 50; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(f);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  result.inferenceMsBatch8 = { median: times[25], p90: times[45], threads: 1 };
}
result.maxRelDiff = worst;
result.ok = worst <= 1e-4;
console.log(JSON.stringify(result));
if (outPath) {writeFileSync(outPath, JSON.stringify(result, null, 2));}
process.exit(result.ok ? 0 : 1);
