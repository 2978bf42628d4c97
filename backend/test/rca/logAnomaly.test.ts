import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  combinedLogScore,
  poissonLowerTailLog10,
  poissonUpperTailLog10,
  scoreSequence,
  scoreServices,
  scoreServiceWindow,
  sequenceAnomaly,
  templateWindows,
  TemplateVocabulary,
  type NextTemplateProbabilities,
  type SequenceModelSpec,
} from '../../src/engines/rca/logAnomaly.ts';
import { Drain } from '../../src/engines/rca/logparse/drain.ts';

test('Poisson tails match closed forms', () => {
  assert.ok(Math.abs(10 ** poissonUpperTailLog10(1, 1) - (1 - Math.exp(-1))) < 1e-9);
  assert.ok(Math.abs(10 ** poissonUpperTailLog10(3, 1) - (1 - Math.exp(-1) * 2.5)) < 1e-9);
  assert.ok(Math.abs(10 ** poissonLowerTailLog10(0, 5) - Math.exp(-5)) < 1e-12);
  assert.ok(Math.abs(10 ** poissonLowerTailLog10(2, 5) - Math.exp(-5) * (1 + 5 + 12.5)) < 1e-12);
  assert.equal(poissonUpperTailLog10(0, 3), 0);
  // Large counts stay finite (log space).
  assert.ok(Number.isFinite(poissonUpperTailLog10(5000, 10)) && poissonUpperTailLog10(5000, 10) < -1000);
});

test('window vs baseline: new templates and rising ones are found, steady ones are not', () => {
  // Baseline: 60 minutes; window: 6 minutes (expected = baseline / 10).
  const baseline = {
    length: 60,
    templates: [
      { template: 'A', count: 600 },
      { template: 'B', count: 300 },
      { template: 'C', count: 20 },
    ],
  };
  const window = {
    length: 6,
    templates: [
      { template: 'A', count: 62 },
      { template: 'B', count: 29 },
      { template: 'C', count: 15 },
      { template: 'D', count: 4, error: true },
    ],
  };
  const r = scoreServiceWindow('svc', baseline, window);
  assert.equal(r.status, 'scored');
  if (r.status !== 'scored') {
    return;
  }
  const byTemplate = new Map(r.deviations.map((d) => [d.template, d]));
  assert.deepEqual([...byTemplate.keys()].sort(), ['C', 'D']);
  assert.equal(byTemplate.get('D')!.kind, 'new');
  assert.equal(byTemplate.get('D')!.count, 4);
  assert.equal(byTemplate.get('C')!.kind, 'rise');
  assert.equal(byTemplate.get('C')!.baselineCount, 20);
  assert.ok(Math.abs(byTemplate.get('C')!.expected - 2) < 1e-9);
  assert.ok(byTemplate.get('C')!.surprise > 3);
  assert.ok(r.score > 0.9 && r.score <= 1, `score ${r.score}`);
  assert.match(r.summary, /1 new template/);
  assert.match(r.summary, /more frequent/);
  // The same window as the baseline's rate: nothing deviates, score 0.
  const calm = scoreServiceWindow('svc', baseline, {
    length: 6,
    templates: [
      { template: 'A', count: 60 },
      { template: 'B', count: 30 },
      { template: 'C', count: 2 },
    ],
  });
  assert.equal(calm.status, 'scored');
  if (calm.status === 'scored') {
    assert.equal(calm.deviations.length, 0);
    assert.equal(calm.score, 0);
  }
});

test('error-level new templates weigh more than info ones; a rise below minCount does not count', () => {
  const baseline = {
    length: 10,
    templates: [
      { template: 'A', count: 100 },
      { template: 'R', count: 0.1 },
    ],
  };
  const info = scoreServiceWindow('s', baseline, {
    length: 10,
    templates: [
      { template: 'A', count: 100 },
      { template: 'N', count: 2 },
    ],
  });
  const error = scoreServiceWindow('s', baseline, {
    length: 10,
    templates: [
      { template: 'A', count: 100 },
      { template: 'N', count: 2, error: true },
    ],
  });
  assert.ok(info.status === 'scored' && error.status === 'scored');
  if (info.status === 'scored' && error.status === 'scored') {
    assert.ok(error.score > info.score && info.score > 0);
  }
  const few = scoreServiceWindow(
    's',
    {
      length: 10,
      templates: [
        { template: 'A', count: 100 },
        { template: 'R', count: 1 },
      ],
    },
    {
      length: 10,
      templates: [
        { template: 'A', count: 100 },
        { template: 'R', count: 2 },
      ],
    },
    { minCount: 3 }
  );
  assert.ok(few.status === 'scored' && few.deviations.length === 0);
});

test('a template going quiet is a weak signal, counted once', () => {
  const baseline = {
    length: 10,
    templates: [
      { template: 'A', count: 200 },
      { template: 'B', count: 200 },
      { template: 'C', count: 100 },
    ],
  };
  const r = scoreServiceWindow('s', baseline, { length: 10, templates: [{ template: 'C', count: 100 }] });
  assert.equal(r.status, 'scored');
  if (r.status !== 'scored') {
    return;
  }
  assert.deepEqual(r.deviations.map((d) => `${d.template}:${d.kind}`).sort(), ['A:drop', 'B:drop']);
  assert.ok(r.score > 0 && r.score <= 0.25 + 1e-12, `score ${r.score}`);
});

test('empty windows answer insufficient data with the reason, never a score', () => {
  const none = scoreServiceWindow('s', { length: 10, templates: [] }, { length: 10, templates: [] });
  assert.equal(none.status, 'insufficient data');
  if (none.status === 'insufficient data') {
    assert.match(none.reason, /no log lines/);
  }
  const noBaseline = scoreServiceWindow(
    's',
    { length: 10, templates: [] },
    { length: 10, templates: [{ template: 'A', count: 5 }] }
  );
  assert.equal(noBaseline.status, 'insufficient data');
  if (noBaseline.status === 'insufficient data') {
    assert.match(noBaseline.reason, /baseline/);
  }
  const zero = scoreServiceWindow(
    's',
    { length: 0, templates: [{ template: 'A', count: 5 }] },
    { length: 10, templates: [{ template: 'A', count: 5 }] }
  );
  assert.equal(zero.status, 'insufficient data');
  // NaN / negative counts are ignored, not propagated.
  const junk = scoreServiceWindow(
    's',
    { length: 1, templates: [{ template: 'A', count: Number.NaN }] },
    { length: 1, templates: [{ template: 'A', count: -3 }] }
  );
  assert.equal(junk.status, 'insufficient data');
});

test('scoreServices ranks scored services first, then the insufficient ones', () => {
  const baseline = new Map([
    ['quiet', { length: 10, templates: [{ template: 'A', count: 50 }] }],
    ['loud', { length: 10, templates: [{ template: 'A', count: 50 }] }],
  ]);
  const window = new Map([
    [
      'loud',
      {
        length: 10,
        templates: [
          { template: 'A', count: 50 },
          { template: 'E', count: 9, error: true },
        ],
      },
    ],
    ['quiet', { length: 10, templates: [{ template: 'A', count: 51 }] }],
    ['newcomer', { length: 10, templates: [{ template: 'Z', count: 3 }] }],
  ]);
  const r = scoreServices(baseline, window);
  assert.deepEqual(
    r.map((x) => x.service),
    ['loud', 'quiet', 'newcomer']
  );
  assert.equal(r[2]!.status, 'insufficient data');
});

test('templateWindows mines templates, skips malformed lines and says how many', () => {
  const t0 = 1_700_000_000_000;
  const base = [0, 1, 2, 3].map((i) => ({
    service: 'api',
    timeMs: t0 + i,
    message: `GET /items/${i} 200 in ${10 + i}ms`,
  }));
  const win = [
    { service: 'api', timeMs: t0 + 100, message: 'GET /items/9 200 in 12ms' },
    { service: 'api', timeMs: t0 + 101, message: 'connection refused to db-1:5432', level: 'ERROR' },
    { service: '', timeMs: t0 + 102, message: 'no service' },
    { service: 'api', timeMs: Number.NaN, message: 'no time' },
    { service: 'api', timeMs: t0 + 103, message: 42 },
    { service: 'api', timeMs: t0 + 104, message: '   ' },
  ];
  const w = templateWindows(base, win, { baseline: 1, window: 1 });
  assert.equal(w.skippedMalformed, 4);
  assert.match(w.notes.join(' '), /skipped 4 malformed line/);
  const r = scoreServices(w.baseline, w.window);
  assert.equal(r[0]!.status, 'scored');
  if (r[0]!.status === 'scored') {
    const fresh = r[0]!.deviations.filter((d) => d.kind === 'new');
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0]!.error, true);
    assert.match(w.texts.get(fresh[0]!.template)!, /connection refused/);
  }
  const empty = templateWindows([], [], { baseline: 1, window: 1 });
  assert.equal(empty.window.size, 0);
  assert.deepEqual(scoreServices(empty.baseline, empty.window), []);
});

// A fake next-template model over ids 0..5 (PAD 0, UNK 1): after t it expects t+1 (after 5: 2, after PAD: 2),
// then the others in increasing order of distance.
const spec: SequenceModelSpec = { h: 3, vocabularySize: 6, padId: 0, unkId: 1, topG: 1 };
const calls: number[][] = [];
const fake: NextTemplateProbabilities = async (window) => {
  calls.push([...window]);
  const last = window[window.length - 1]!;
  const next = last === 0 || last === 1 || last === 5 ? 2 : last + 1;
  const p = new Float32Array(6);
  // Ties broken towards higher ids so ranks are unambiguous.
  for (let k = 2; k < 6; k++) {
    p[k] = k === next ? 0.7 : 0.1 / (1 + Math.abs(k - next)) + 0.001 * k;
  }
  return p;
};

test('DeepLog rule: in top-g is normal, outside is a miss with its rank', async () => {
  const ok = await scoreSequence([2, 3, 4, 5, 2], spec, fake);
  assert.equal(ok.status, 'scored');
  if (ok.status === 'scored') {
    assert.equal(ok.misses, 0);
    assert.equal(ok.missRate, 0);
    assert.deepEqual(
      ok.events.map((e) => e.rank),
      [1, 1, 1, 1, 1]
    );
  }
  const jump = await scoreSequence([2, 4], spec, fake);
  assert.ok(jump.status === 'scored');
  if (jump.status === 'scored') {
    assert.equal(jump.events[1]!.miss, true);
    assert.equal(jump.events[1]!.reason, 'not in top-g');
    assert.equal(jump.events[1]!.rank, 2);
    assert.equal(jump.missRate, 0.5);
  }
  // With g = 2 the same jump is normal.
  const wider = await scoreSequence([2, 4], { ...spec, topG: 2 }, fake);
  assert.ok(wider.status === 'scored' && wider.misses === 0);
});

test('unknown template ids are misses ("unseen template") and enter the history as UNK', async () => {
  calls.length = 0;
  const r = await scoreSequence([2, 9, 1, -1, 2.5, 3], spec, fake);
  assert.equal(r.status, 'scored');
  if (r.status !== 'scored') {
    return;
  }
  assert.deepEqual(
    r.events.map((e) => e.reason ?? 'ok'),
    ['ok', 'unseen template', 'unseen template', 'unseen template', 'unseen template', 'not in top-g']
  );
  assert.equal(r.unseen, 4);
  assert.equal(r.events[1]!.templateId, 1);
  // The model is not asked about unseen events; the last call saw UNKs in its history.
  assert.equal(calls.length, 2);
  assert.deepEqual(calls[1], [1, 1, 1]);
});

test('context fills the history; empty sequences are insufficient data', async () => {
  calls.length = 0;
  await scoreSequence([4], spec, fake, { context: [7, 2, 3] });
  assert.deepEqual(calls[0], [1, 2, 3]);
  const empty = await scoreSequence([], spec, fake);
  assert.equal(empty.status, 'insufficient data');
  const short = await scoreSequence([2, 3], spec, fake, { minEvents: 5 });
  assert.equal(short.status, 'insufficient data');
  if (short.status === 'insufficient data') {
    assert.match(short.reason, /at least 5/);
  }
  await assert.rejects(
    scoreSequence([2], spec, async () => new Float32Array(3)),
    /expected 6 probabilities/
  );
});

test('sequence anomaly is the miss rate above the baseline; combination keeps [0,1]', async () => {
  const base = await scoreSequence([2, 3, 5, 2], spec, fake); // one miss of four
  const win = await scoreSequence([2, 5, 3, 5], spec, fake); // three of four
  assert.ok(base.status === 'scored' && win.status === 'scored');
  const s = sequenceAnomaly(win, base)!;
  assert.ok(Math.abs(s - (0.75 - 0.25) / 0.75) < 1e-12);
  assert.equal(sequenceAnomaly(base, win), 0);
  assert.equal(sequenceAnomaly({ status: 'insufficient data', reason: 'x', events: [] }, base), undefined);
  assert.equal(combinedLogScore(undefined, undefined), undefined);
  assert.equal(combinedLogScore(0.5, undefined), 0.5);
  assert.ok(Math.abs(combinedLogScore(0.5, 0.5)! - 0.75) < 1e-12);
});

test('the vocabulary maps lines to ids as mined, without learning; unknown lines are UNK', () => {
  const parser = Drain.aidpe({ simTh: 0.5 });
  const lines = [
    'user 17 logged in from 10.0.0.1',
    'user 18 logged in from 10.0.0.2',
    'cache flushed',
    'disk sda1 is 91% full',
  ];
  for (const l of lines) {
    parser.addLogMessage(l);
  }
  const templates: Record<string, number> = {};
  parser.clusters.forEach((c, i) => (templates[parser.template(c)] = 2 + i));
  const vocab = new TemplateVocabulary({
    format: 'aidpe-logseq-vocab/1',
    padId: 0,
    unkId: 1,
    templates,
    parser: parser.toSnapshot(),
  });
  assert.equal(vocab.size, 2 + parser.clusters.length);
  const login = vocab.idOf('user 99 logged in from 10.9.9.9');
  assert.ok(login >= 2);
  assert.equal(vocab.idOf('user 1 logged in from 10.0.0.3'), login);
  // One constant token differs of four: the parser would have joined the cluster (similarity 0.75 >= 0.5).
  assert.equal(vocab.idOf('cache cleared'), vocab.idOf('cache flushed'));
  assert.equal(vocab.idOf('kernel panic: attempted to kill init'), 1);
  // Inference does not learn: the unknown line stays unknown.
  assert.equal(vocab.idOf('kernel panic: attempted to kill init'), 1);
  assert.throws(() => new TemplateVocabulary({ format: 'nope' } as never), /format/);
});
