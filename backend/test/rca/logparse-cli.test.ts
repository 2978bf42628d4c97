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

test('aidpe logparse-eval scores AIDPE and plain Drain per system from the corrected ground truth', async () => {
  const out = join(root, 'eval.json');
  const { value, out: text } = await quiet(() =>
    main(['logparse-eval', '--loghub', join(root, 'loghub'), '--out', out])
  );
  assert.equal(value, 0, text);
  assert.match(text, /HDFS\s+aidpe/);
  assert.match(text, /mean\s+drain/);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(report.systems.length, 1);
  const hdfs = report.systems[0];
  assert.match(hdfs.groundTruth, /_structured_corrected\.csv$/);
  assert.equal(hdfs.contentMismatches, 0);
  assert.equal(hdfs.parsers.aidpe.PA, 1);
  assert.equal(hdfs.parsers.aidpe.GA, 1);
  for (const k of ['GA', 'PA', 'FGA', 'FTA', 'linesPerSecond', 'linesPerCpuSecond']) {
    assert.equal(typeof hdfs.parsers.drain[k], 'number');
  }
  assert.ok(hdfs.parsers.drain.PA < 1);
  assert.deepEqual(
    report.skipped.map((s: { system: string }) => s.system),
    ['Unknown']
  );
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
