import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { scoreSequence } from '../../src/engines/rca/logAnomaly.ts';
import { loadLogSequenceModel, LOGSEQ_MODEL_NAME } from '../../src/models/logSequenceModel.ts';
import { quiet } from '../helpers/quiet.ts';

const modelsDir = join(import.meta.dirname, '..', '..', '..', 'models');
const shipped = join(modelsDir, 'logseq');
let root = '';

before(() => {
  root = mkdtempSync(join(tmpdir(), 'aidpe-logseq-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

test('the shipped model reproduces its golden vectors through onnxruntime-node', async () => {
  const model = await loadLogSequenceModel({ modelsDir });
  assert.equal(model.state, 'loaded', model.state === 'loaded' ? '' : model.error);
  if (model.state !== 'loaded') {
    return;
  }
  const golden = JSON.parse(readFileSync(join(shipped, `${LOGSEQ_MODEL_NAME}.golden.json`), 'utf8')) as {
    inputs: { window: { shape: [number, number]; data: number[] } };
    output: { shape: [number, number]; data: number[] };
    tolerance: number;
  };
  const [rows, h] = golden.inputs.window.shape;
  const vocab = golden.output.shape[1];
  assert.equal(h, model.spec.h);
  assert.equal(vocab, model.spec.vocabularySize);
  let worst = 0;
  for (let r = 0; r < rows; r++) {
    const probs: Float32Array = await model.nextTemplateProbabilities(
      Int32Array.from(golden.inputs.window.data.slice(r * h, (r + 1) * h))
    );
    assert.equal(probs.length, vocab);
    let sum = 0;
    for (let k = 0; k < vocab; k++) {
      worst = Math.max(worst, Math.abs(probs[k]! - golden.output.data[r * vocab + k]!));
      sum += probs[k]!;
    }
    assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
  }
  assert.ok(worst <= golden.tolerance, `max |onnx - torch| = ${worst}`);
  // The model through the DeepLog rule: a known template id is scored, an unknown one is unseen.
  const scored = await scoreSequence([2, model.spec.vocabularySize + 5], model.spec, model.nextTemplateProbabilities);
  assert.equal(scored.status, 'scored');
  if (scored.status === 'scored') {
    assert.equal(scored.events[1]!.reason, 'unseen template');
  }
  await assert.rejects(model.nextTemplateProbabilities(new Int32Array(3)), /expected \d+ template ids/);
});

test('a missing or tampered model is "not available" with the reason, never a crash', async () => {
  const missing = await loadLogSequenceModel({ modelsDir: join(root, 'nowhere') });
  assert.equal(missing.state, 'missing');
  assert.match((missing as { error: string }).error, /not available.*missing/);
  const dir = join(root, 'tampered', 'logseq');
  mkdirSync(dir, { recursive: true });
  for (const ext of ['.onnx', '.card.json', '.vocab.json']) {
    copyFileSync(join(shipped, LOGSEQ_MODEL_NAME + ext), join(dir, LOGSEQ_MODEL_NAME + ext));
  }
  const onnx = readFileSync(join(dir, `${LOGSEQ_MODEL_NAME}.onnx`));
  onnx[onnx.length - 10] = onnx[onnx.length - 10]! ^ 0xff;
  writeFileSync(join(dir, `${LOGSEQ_MODEL_NAME}.onnx`), onnx);
  const tampered = await loadLogSequenceModel({ modelsDir: join(root, 'tampered') });
  assert.equal(tampered.state, 'checksum_mismatch');
  writeFileSync(join(dir, `${LOGSEQ_MODEL_NAME}.card.json`), '{ not json');
  const badCard = await loadLogSequenceModel({ modelsDir: join(root, 'tampered') });
  assert.equal(badCard.state, 'corrupt');
});

test('loganomaly-eval usage errors exit 2 and name the flag', async () => {
  const noBgl = await quiet(() => main(['loganomaly-eval', '--out', join(root, 'o.json')]));
  assert.equal(noBgl.value, 2);
  assert.match(noBgl.out, /--bgl/);
  const noOut = await quiet(() => main(['loganomaly-eval', '--bgl', join(root, 'x.log')]));
  assert.equal(noOut.value, 2);
  assert.match(noOut.out, /--out/);
  const missingFile = await quiet(() =>
    main(['loganomaly-eval', '--bgl', join(root, 'absent.log'), '--out', join(root, 'o.json')])
  );
  assert.equal(missingFile.value, 2);
  assert.match(missingFile.out, /--bgl .*not found/);
  const badWindow = await quiet(() =>
    main(['loganomaly-eval', '--bgl', join(root, 'x.log'), '--out', join(root, 'o.json'), '--window-lines', '0'])
  );
  assert.equal(badWindow.value, 2);
  assert.match(badWindow.out, /--window-lines/);
  writeFileSync(join(root, 'garbage.log'), 'not a bgl line\n\nanother one\n');
  const noLine = await quiet(() =>
    main(['loganomaly-eval', '--bgl', join(root, 'garbage.log'), '--out', join(root, 'o.json')])
  );
  assert.equal(noLine.value, 2);
  assert.match(noLine.out, /--bgl .*no line fits/);
  const badNezha = await quiet(() =>
    main([
      'loganomaly-eval',
      '--bgl',
      join(root, 'garbage.log'),
      '--nezha',
      join(root, 'nope'),
      '--out',
      join(root, 'o.json'),
    ])
  );
  assert.equal(badNezha.value, 2);
});

test('loganomaly-eval without a model scores by frequency and keywords, and says so', async () => {
  // A small BGL-shaped log: a steady normal mix, then a held-out half with an alert burst of a new template.
  const line = (label: string, t: number, level: string, content: string): string =>
    `${label} ${t} 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL ${level} ${content}`;
  const rows: string[] = [];
  for (let i = 0; i < 60; i++) {
    rows.push(
      line(
        '-',
        1117838570 + i,
        'INFO',
        i % 2 ? `instruction cache parity error corrected` : `generating core.${1000 + i}`
      )
    );
  }
  for (let i = 60; i < 120; i++) {
    if (i >= 100 && i < 105) {
      rows.push(line('KERNDTLB', 1117838570 + i, 'FATAL', `data TLB error interrupt`));
    } else {
      rows.push(
        line(
          '-',
          1117838570 + i,
          'INFO',
          i % 2 ? `instruction cache parity error corrected` : `generating core.${1000 + i}`
        )
      );
    }
  }
  rows.splice(30, 0, 'a malformed line');
  const file = join(root, 'BGL_2k.log');
  writeFileSync(file, rows.join('\n') + '\n');
  const out = join(root, 'result.json');
  const run = await quiet(() =>
    main(['loganomaly-eval', '--bgl', root, '--models', join(root, 'no-models'), '--out', out, '--window-lines', '20'])
  );
  assert.equal(run.value, 0, run.out);
  assert.match(run.out, /sequence scoring skipped/);
  assert.match(run.out, /skipped 1 malformed line/);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(report.bgl.testLines, 60);
  assert.equal(report.bgl.testAnomalies, 5);
  assert.equal(report.bgl.methods.sequence, undefined);
  assert.equal(report.bgl.methods.frequency.tp, 5);
  assert.equal(report.bgl.methods.frequency.fp, 0);
  // The keyword rule flags the normal "parity error corrected" lines too.
  assert.equal(report.bgl.methods.keyword.recall, 1);
  assert.ok(report.bgl.methods.keyword.precision < 0.2);
  assert.equal(report.model.state, 'missing');
});
