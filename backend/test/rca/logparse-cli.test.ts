import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { parseCsv } from '../../src/engines/rca/logparse/format.ts';
import { quiet } from '../helpers/quiet.ts';

let root = '';
const hdfsLines = [
  ['PacketResponder 1 for block blk_38865049064139660 terminating', 'PacketResponder <*> for block <*> terminating'],
  ['PacketResponder 0 for block blk_-6952295868487656571 terminating', 'PacketResponder <*> for block <*> terminating'],
  [
    'Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6',
    'Received block <*> of size <*> from <*>',
  ],
  [
    'Received block blk_7503483334202473044 of size 233217 from /10.250.19.102',
    'Received block <*> of size <*> from <*>',
  ],
  ['10.251.73.220:50010 Served block blk_1 to /10.251.73.220', '<*>:<*> Served block <*> to <*>'],
  ['Verification succeeded for blk_-4980916519894289629, "quoted"', 'Verification succeeded for <*>, "quoted"'],
];

before(() => {
  root = mkdtempSync(join(tmpdir(), 'aidpe-loghub-'));
  const dir = join(root, 'loghub', 'HDFS');
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(root, 'loghub', 'Unknown'), { recursive: true });
  writeFileSync(join(root, 'loghub', 'Unknown', 'Unknown_2k.log'), 'x\n');
  writeFileSync(
    join(root, 'loghub', 'Unknown', 'Unknown_2k.log_structured.csv'),
    'LineId,Content,EventId,EventTemplate\n1,x,E1,x\n'
  );
  const raw = hdfsLines.map(([c], i) => `081109 2036${10 + i} ${100 + i} INFO dfs.DataNode: ${c}`);
  writeFileSync(join(dir, 'HDFS_2k.log'), raw.join('\n') + '\n');
  const q = (s: string): string => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const gt = [
    'LineId,Content,EventId,EventTemplate',
    ...hdfsLines.map(([c, t], i) => `${i + 1},${q(c!)},E${i},${q(t!)}`),
  ];
  writeFileSync(join(dir, 'HDFS_2k.log_structured_corrected.csv'), gt.join('\n') + '\n');
  writeFileSync(join(dir, 'HDFS_2k.log_structured.csv'), 'LineId,Content,EventId,EventTemplate\n');
});
after(() => rmSync(root, { recursive: true, force: true }));

test('aidpe logparse writes the structured CSV (quoted), one row per line', async () => {
  const out = join(root, 'out', 'HDFS_structured.csv');
  const { value, out: text } = await quiet(() =>
    main([
      'logparse',
      '--input',
      join(root, 'loghub', 'HDFS', 'HDFS_2k.log'),
      '--format',
      '<Date> <Time> <Pid> <Level> <Component>: <Content>',
      '--out',
      out,
    ])
  );
  assert.equal(value, 0, text);
  const rows = parseCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(rows[0], ['LineId', 'Content', 'EventId', 'EventTemplate']);
  assert.equal(rows.length, hdfsLines.length + 1);
  assert.equal(rows[1]![3], 'PacketResponder <*> for block <*> terminating');
  assert.equal(rows[6]![1], hdfsLines[5]![0]);
  assert.equal(rows[6]![3], 'Verification succeeded for <*>, "quoted"');
  assert.equal(rows[1]![2], rows[2]![2]);
});

test('aidpe logparse-eval: LOSO headline beside in-sample, anchors per system, unknown systems by detection', async () => {
  const out = join(root, 'eval.json');
  const { value, out: text } = await quiet(() =>
    main(['logparse-eval', '--loghub', join(root, 'loghub'), '--out', out, '--timing', '0'])
  );
  assert.equal(value, 0, text);
  assert.match(text, /LOSO \(each system scored with settings chosen on the other 1\)/);
  for (const p of ['aidpe', 'drain3', 'drain-bench', 'spell']) {
    assert.match(text, new RegExp(`^${p}\\s+\\d`, 'm'));
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(
    report.systems.map((s: { system: string }) => s.system),
    ['HDFS', 'Unknown']
  );
  const hdfs = report.systems[0];
  assert.match(hdfs.groundTruth, /_structured_corrected\.csv$/);
  assert.equal(hdfs.formatSource, 'benchmark');
  assert.equal(hdfs.contentMismatches, 0);
  assert.equal(hdfs.parsers.aidpe.inSample.PA, 1);
  assert.equal(hdfs.parsers.aidpe.loso.GA, 1);
  assert.equal(hdfs.detection.splitAccuracy, 1);
  for (const p of ['drain3', 'drain-bench', 'spell']) {
    for (const k of ['GA', 'PA', 'FGA', 'FTA']) {
      assert.equal(typeof hdfs.parsers[p].loso[k], 'number');
    }
  }
  assert.ok(hdfs.parsers.drain3.loso.PA < 1);
  // HDFS has a published benchmark setting (in-sample); the unknown system has none, only LOSO
  assert.equal(hdfs.parsers['drain-bench'].inSampleSetting, "HDFS's setting");
  const unknown = report.systems[1];
  assert.equal(unknown.formatSource, 'detected');
  assert.equal(unknown.parsers['drain-bench'].inSample, undefined);
  assert.equal(typeof report.means.aidpe.loso.GA, 'number');
  assert.ok(Array.isArray(report.aidpe.ruleEffects) && report.aidpe.ruleEffects.length > 10);
  assert.deepEqual(report.skipped, []);
});

test('aidpe logparse-eval names why a folder cannot be scored', async () => {
  const dir = join(root, 'no-truth');
  mkdirSync(join(dir, 'Foo'), { recursive: true });
  writeFileSync(join(dir, 'Foo', 'Foo_2k.log'), 'a b c\n');
  const r = await quiet(() => main(['logparse-eval', '--loghub', dir, '--out', join(root, 'x.json')]));
  assert.equal(r.value, 2);
  assert.match(r.out, /Foo: no ground truth next to .*Foo_2k\.log/);
});

test('aidpe logparse detects the header when no format is given, and takes a file of formats', async () => {
  const input = join(root, 'loghub', 'HDFS', 'HDFS_2k.log');
  const detected = join(root, 'out', 'detected.csv');
  const d = await quiet(() => main(['logparse', '--input', input, '--out', detected]));
  assert.equal(d.value, 0, d.out);
  assert.match(d.out, /detected header: COMPACT COMPACT NUM LEVEL COMP/);
  const rows = parseCsv(readFileSync(detected, 'utf8'));
  assert.equal(rows[1]![1], hdfsLines[0]![0]);
  const map = join(root, 'formats.txt');
  writeFileSync(map, '# system format\nHDFS <Date> <Time> <Pid> <Level> <Component>: <Content>\n');
  const mapped = join(root, 'out', 'mapped.csv');
  const m = await quiet(() => main(['logparse', '--input', input, '--format', map, '--out', mapped]));
  assert.equal(m.value, 0, m.out);
  assert.deepEqual(readFileSync(mapped, 'utf8'), readFileSync(detected, 'utf8'));
  const regex = await quiet(() =>
    main(['logparse', '--input', input, '--format', '^\\S+ \\S+ \\d+ \\w+ [^:]+: (?<Content>.*)$', '--out', mapped])
  );
  assert.equal(regex.value, 0, regex.out);
  assert.deepEqual(readFileSync(mapped, 'utf8'), readFileSync(detected, 'utf8'));
  const help = await quiet(() => main(['logparse-eval', '--help']));
  assert.equal(help.value, 0);
  assert.match(help.out, /leave-one-system-out/);
});

test('usage errors exit 2 and name the flag', async () => {
  const missing = await quiet(() => main(['logparse', '--input', 'x.log', '--format', '<Content>']));
  assert.equal(missing.value, 2);
  assert.match(missing.out, /--out/);
  const badFormat = await quiet(() =>
    main(['logparse', '--input', 'x.log', '--format', '<Date> <Time>', '--out', join(root, 'o.csv')])
  );
  assert.equal(badFormat.value, 2);
  assert.match(badFormat.out, /--format/);
  const noDir = await quiet(() =>
    main(['logparse-eval', '--loghub', join(root, 'nope'), '--out', join(root, 'o.json')])
  );
  assert.equal(noDir.value, 2);
  assert.match(noDir.out, /--loghub/);
  const badParser = await quiet(() =>
    main(['logparse', '--input', 'x.log', '--format', '<Content>', '--out', 'o.csv', '--parser', 'magic'])
  );
  assert.equal(badParser.value, 2);
  assert.match(badParser.out, /--parser/);
});
