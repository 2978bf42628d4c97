/**
 * PetShop: the loader on a tiny fixture in the dataset's layout (three header rows, a `unix_timestamp` row, an
 * adjacency matrix, a fault-free export from another period), the graph direction checked against the front
 * end, and `aidpe rca-eval --petshop` end to end with the anchors and the absent evidence said.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  faultKindOf,
  listPetshopCases,
  loadPetshopCase,
  readPetshopGraph,
  readPetshopTable,
} from '../../src/eval/rca/petshopData.ts';
import { petshopEvalCase } from '../../src/eval/rca/petshopEval.ts';
import { evaluateCase } from '../../src/eval/rca/evalCore.ts';
import { main } from '../../src/cli/main.ts';
import { quiet } from '../helpers/quiet.ts';

const FIXTURE = fileURLToPath(new URL('../helpers/fixtures/petshop/', import.meta.url));
const SCENARIO = join(FIXTURE, 'dataset', 'tiny');

test('table: three header rows, the unix_timestamp row skipped, times in ms; graph read so the front end calls', () => {
  const t = readPetshopTable(join(SCENARIO, 'train', 'issue_0', 'metrics.csv'));
  assert.equal(t.times.length, 5);
  assert.equal(t.times[0], 1681350000 * 1000);
  assert.deepEqual(
    t.columns.slice(0, 3).map((c) => [c.component, c.metric, c.statistic]),
    [
      ['Front', 'latency', 'Average'],
      ['Front', 'requests', 'Sum'],
      ['Front', 'availability', 'Average'],
    ]
  );
  const g = readPetshopGraph(join(SCENARIO, 'graph.csv'), 'Front');
  assert.equal(g.reading, 'row calls column');
  assert.ok(g.edges.some((e) => e.source === 'Front' && e.target === 'Api'));
  // The same matrix transposed: the front end only receives edges, so the reading flips.
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-petshop-graph-'));
  try {
    const rows = readFileSync(join(SCENARIO, 'graph.csv'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const transposed = rows[0]!.map((_, j) => rows.map((r) => r[j]!).join(',')).join('\n');
    writeFileSync(join(dir, 'graph.csv'), `${transposed}\n`);
    const t2 = readPetshopGraph(join(dir, 'graph.csv'), 'Front');
    assert.equal(t2.reading, 'column calls row');
    assert.deepEqual(
      t2.edges.map((e) => `${e.source}->${e.target}`).sort(),
      g.edges.map((e) => `${e.source}->${e.target}`).sort()
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(faultKindOf("aws ssm put-parameter --name '/petstore/searchdelay' --value '1000'"), 'delay');
  assert.equal(faultKindOf("aws ssm put-parameter --name '/petstore/searcherrorpercent' --value '2'"), 'error');
  assert.equal(faultKindOf('aws lambda update-function-code --function-name x'), 'code-change');
});

test('case: the fault-free export is re-timed before the case; the level is the case’s own rows before the fault', () => {
  const [only] = listPetshopCases(FIXTURE);
  const c = loadPetshopCase(only!.scenarioDir, only!.caseDir);
  assert.equal(c.id, 'tiny/train/issue_0');
  assert.equal(c.truth, 'Db');
  assert.equal(c.faultKind, 'delay');
  assert.ok(c.noissueBaseline);
  const lat = c.metrics.find((m) => m.service === 'Db' && m.kind === 'latency')!;
  assert.equal(lat.times.length, 65);
  assert.ok(lat.times[59]! < lat.times[60]!, 'the export ends before the case begins');
  assert.equal(c.window.levelStartMs, 1681350000 * 1000);
  assert.equal(c.window.incidentStartMs, 1681350300 * 1000, 'the bucket that holds the fault starts the incident');
  const e = petshopEvalCase(c);
  assert.deepEqual(e.absent.slice(0, 2), ['traces', 'logs']);
  assert.equal(e.graph.source, 'declared');
  const r = evaluateCase(e);
  assert.ok(r.ranks.aidpe !== undefined && r.ranks.aidpe <= 3, JSON.stringify(r.top5.map((x) => x.service)));
  for (const m of ['rule', 'baro', 'epsilon', 'randomWalk'] as const) {
    assert.ok(m in r.ranks);
  }
});

test('aidpe rca-eval --petshop: usage errors name the flag; a run writes per-scenario and per-kind rows', async () => {
  const missing = await quiet(() => main(['rca-eval', '--petshop', '/nonexistent/petshop', '--out', '/tmp/y.json']));
  assert.equal(missing.value, 2);
  assert.match(missing.out, /--petshop: \/nonexistent\/petshop: not a folder/);
  const both = await quiet(() => main(['rca-eval', '--petshop', FIXTURE, '--sim', '--out', '/tmp/y.json']));
  assert.equal(both.value, 2);
  assert.match(both.out, /pick one suite/);
  const help = await quiet(() => main(['rca-eval', '--help']));
  assert.equal(help.value, 0);
  assert.match(help.out, /--petshop DIR/);
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-petshop-'));
  try {
    cpSync(FIXTURE, join(dir, 'data'), { recursive: true });
    const out = join(dir, 'result.json');
    const r = await quiet(() => main(['rca-eval', '--petshop', join(dir, 'data'), '--out', out]));
    assert.equal(r.value, 0, r.out);
    assert.match(r.out, /tiny/);
    assert.match(r.out, /kind delay/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(report.overall.aidpe.cases, 1);
    assert.ok('baro' in report.overall && 'randomWalk' in report.overall);
    assert.ok(report.cases[0].absent.includes('logs'));
    assert.equal(report.tiers.length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
