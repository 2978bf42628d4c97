import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnomaly, runNabScore } from '../../src/cli/anomalyCommands.ts';
import { main } from '../../src/cli/main.ts';
import { quiet } from '../helpers/quiet.ts';
import { createStreamDetector, DEFAULT_DETECTOR } from '../../src/engines/anomaly/registry.ts';

let root = '';
const stamp = (i: number) => new Date(Date.UTC(2020, 0, 1, 0, 5 * i)).toISOString().slice(0, 19).replace('T', ' ');

function series(n: number, spike: number): string {
  const rows = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    rows.push(`${stamp(i)},${i === spike ? 100 : 10 + (i % 7) * 0.5}`);
  }
  return rows.join('\n') + '\n';
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'aidpe-nab-'));
  mkdirSync(join(root, 'data', 'catA'), { recursive: true });
  mkdirSync(join(root, 'data', 'catB'), { recursive: true });
  writeFileSync(join(root, 'data', 'catA', 'a.csv'), series(200, 150));
  writeFileSync(join(root, 'data', 'catB', 'b.csv'), series(120, 200));
  writeFileSync(
    join(root, 'windows.json'),
    JSON.stringify({
      'catA/a.csv': [[`${stamp(145)}.000000`, `${stamp(155)}.000000`]],
      'catB/b.csv': [],
      'other/c.csv': [],
    })
  );
});
after(() => rmSync(root, { recursive: true, force: true }));

test('aidpe anomaly writes NAB results layout, one row per input row, labels from --labels', async () => {
  const { value } = await quiet(() =>
    runAnomaly([
      '--data',
      join(root, 'data'),
      '--out',
      join(root, 'res'),
      '--name',
      'gauss',
      '--detector',
      'windowedGaussian',
      '--labels',
      join(root, 'windows.json'),
    ])
  );
  assert.equal(value, 0);
  const a = readFileSync(join(root, 'res', 'gauss', 'catA', 'gauss_a.csv'), 'utf8')
    .trim()
    .split('\n');
  const b = readFileSync(join(root, 'res', 'gauss', 'catB', 'gauss_b.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(a[0], 'timestamp,value,anomaly_score,label');
  assert.equal(a.length, 201);
  assert.equal(b.length, 121);
  assert.equal(a[1]!.split(',')[0], stamp(0));
  assert.equal(a.filter((l) => l.endsWith(',1')).length, 11); // rows 145..155
  const spike = a[151]!.split(',');
  assert.ok(Number(spike[2]) > 0.999);
  // Default name (the detector's), null detector, no labels → label 0.
  await quiet(() => runAnomaly(['--data', join(root, 'data'), '--out', join(root, 'res'), '--detector', 'null']));
  const n = readFileSync(join(root, 'res', 'null', 'catA', 'null_a.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(n.length, 201);
  assert.ok(n.slice(1).every((l) => l.endsWith(',0,0')));
});

test('aidpe nab-score scores results next to the baselines, end to end', async () => {
  await quiet(() =>
    runAnomaly([
      '--data',
      join(root, 'data'),
      '--out',
      join(root, 'res'),
      '--name',
      'gauss',
      '--detector',
      'windowedGaussian',
    ])
  );
  const outPath = join(root, 'score.json');
  const { value, out } = await quiet(() =>
    runNabScore([
      '--data',
      join(root, 'data'),
      '--labels',
      join(root, 'windows.json'),
      '--results',
      join(root, 'res', 'gauss'),
      '--out',
      outPath,
    ])
  );
  assert.equal(value, 0);
  assert.match(out, /standard/);
  const report = JSON.parse(readFileSync(outPath, 'utf8'));
  assert.equal(report.files, 2);
  assert.deepEqual(Object.keys(report.profiles).sort(), ['reward_low_FN_rate', 'reward_low_FP_rate', 'standard']);
  assert.equal(typeof report.profiles.standard.score, 'number');
  assert.equal(typeof report.profiles.standard.threshold, 'number');
  assert.ok(report.profiles.standard.perCategory.catA);
  // The spike at row 150 lies in the window (145..155): windowed Gaussian catches it.
  assert.equal(report.profiles.standard.tp, 1);
  assert.ok(report.profiles.standard.score > 50);
  assert.equal(report.baselines.null.profiles.standard.score, 0);
  // Results computed by the CLI's own detector equal the internal baseline.
  assert.equal(report.profiles.standard.raw, report.baselines.windowedGaussian.profiles.standard.raw);
  assert.equal(typeof report.aucPr, 'number');
  assert.equal(typeof report.vusPr, 'number');
  assert.ok(typeof report.generatedAt === 'string');
});

test('nab-score errors name the file: wrong row count, bad row, missing file; exit code 2 via main', async () => {
  const bad = join(root, 'bad', 'gauss');
  mkdirSync(join(bad, 'catA'), { recursive: true });
  mkdirSync(join(bad, 'catB'), { recursive: true });
  const good = readFileSync(join(root, 'res', 'gauss', 'catA', 'gauss_a.csv'), 'utf8')
    .trim()
    .split('\n');
  writeFileSync(join(bad, 'catA', 'gauss_a.csv'), good.slice(0, 100).join('\n') + '\n');
  const args = [
    '--data',
    join(root, 'data'),
    '--labels',
    join(root, 'windows.json'),
    '--results',
    bad,
    '--out',
    join(root, 'bad.json'),
  ];
  await assert.rejects(
    quiet(() => runNabScore(args)),
    /gauss_a\.csv: has 99 data rows but the data file has 200/
  );
  const broken = [...good];
  broken[5] = `${stamp(4)},10,notanumber,0`;
  writeFileSync(join(bad, 'catA', 'gauss_a.csv'), broken.join('\n') + '\n');
  await assert.rejects(
    quiet(() => runNabScore(args)),
    /gauss_a\.csv:6: bad anomaly_score/
  );
  writeFileSync(join(bad, 'catA', 'gauss_a.csv'), good.join('\n') + '\n');
  await assert.rejects(
    quiet(() => runNabScore(args)),
    /gauss_b\.csv: file not found/
  );
  const { value, out } = await quiet(() => main(['nab-score', ...args]));
  assert.equal(value, 2);
  assert.match(out, /aidpe nab-score: .*gauss_b\.csv: file not found/);
  const missing = await quiet(() => main(['nab-score', '--data', join(root, 'data')]));
  assert.equal(missing.value, 2);
  assert.match(missing.out, /--labels is required/);
  const badDet = await quiet(() =>
    main(['anomaly', '--data', join(root, 'data'), '--out', join(root, 'x'), '--detector', 'magic'])
  );
  assert.equal(badDet.value, 2);
  // Bad data row: the data file and line are named.
  writeFileSync(join(root, 'data', 'catB', 'b.csv'), series(120, 200).replace(`${stamp(3)},`, `${stamp(3)}x,`));
  await assert.rejects(
    quiet(() => runAnomaly(['--data', join(root, 'data'), '--out', join(root, 'y')])),
    /b\.csv:5: bad timestamp/
  );
});

test('aidpe anomaly without --detector runs the default detector and names its folder after it', async () => {
  writeFileSync(join(root, 'data', 'catB', 'b.csv'), series(120, 200)); // the test before broke it on purpose
  const { value, out } = await quiet(() => runAnomaly(['--data', join(root, 'data'), '--out', join(root, 'dflt')]));
  assert.equal(value, 0);
  assert.match(out, new RegExp(`${DEFAULT_DETECTOR} over 2 files`));
  const rows = readFileSync(join(root, 'dflt', DEFAULT_DETECTOR, 'catA', `${DEFAULT_DETECTOR}_a.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const ts = rows.map((l) => Date.parse(l.split(',')[0]!.replace(' ', 'T') + 'Z'));
  const vs = rows.map((l) => Number(l.split(',')[1]));
  const det = createStreamDetector(DEFAULT_DETECTOR, {}, 300_000);
  assert.deepEqual(
    rows.map((l) => Number(l.split(',')[2])),
    vs.map((v, i) => det.update(ts[i]!, v)),
    'the scores are the registry default’s, as the sidecar runs it'
  );
});

test('every subcommand answers --help with its usage and exit code 0', async () => {
  const commands = ['demo', 'serve', 'anomaly', 'nab-score', 'nab-loco', 'forecast', 'forecast-eval', 'logparse'];
  commands.push('logparse-eval', 'autoscale-eval', 'rl-env', 'rca-eval', 'loganomaly-eval', 'mv-eval');
  for (const command of commands) {
    for (const flag of ['--help', '-h']) {
      const { value, out } = await quiet(() => main([command, flag]));
      assert.equal(value, 0, `${command} ${flag}`);
      assert.match(out, new RegExp(`^Usage:\\n  aidpe ${command}`), `${command} ${flag}: ${out}`);
    }
  }
  // Also after other flags, and for anomaly (which used to answer "Unknown option").
  const late = await quiet(() => main(['anomaly', '--data', 'x', '--help']));
  assert.equal(late.value, 0);
  assert.match(late.out, /--detector NAME/);
});
