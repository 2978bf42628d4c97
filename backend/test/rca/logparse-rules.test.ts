/**
 * AIDPE's general rules on top of Drain3 (enumerated constants, masked tokens matching wildcards,
 * token-by-token masking), on hand-made lines: none of them names a system or a system's text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AIDPE_MASKS, Drain, type DrainOptions } from '../../src/engines/rca/logparse/drain.ts';
import { mineTemplates } from '../../src/engines/rca/logparse/mine.ts';

/**
 * The first version's rule settings: each test below pins the options it exercises, so it tests the
 * mechanism, not whatever `AIDPE_RULES` the selection currently ships.
 */
const V1: Partial<DrainOptions> = {
  simTh: 0.5,
  depth: 4,
  masking: AIDPE_MASKS,
  postProcess: true,
  partialWildcards: true,
  partialCut: 'brackets',
  partialEmpty: false,
  enumMaxValues: 8,
  enumMaxWords: 2,
  enumMinRepeats: 2,
  enumPartial: false,
  enumDigits: false,
  enumSkipsUnits: false,
  calendarWords: false,
  collapseVariableRuns: false,
  constantSimilarity: false,
  siblingMerge: 0,
  wildcardsMatchMasked: true,
};
const v1 = (o: Partial<DrainOptions> = {}): Drain => new Drain({ ...V1, ...o });

function feed(d: Drain, lines: string[]): Array<{ clusterId: number; template: string }> {
  const results = lines.map((l) => d.addLogMessage(l));
  return results.map((r) => ({ clusterId: r.cluster.id, template: d.lineTemplate(r.cluster, r.tokens) }));
}

test('enumerated constants: few repeated UPPER_CASE states stay in the line template; the cluster is unchanged', () => {
  const d = v1();
  const states = ['NEW', 'RUNNING', 'RUNNING', 'DONE', 'NEW', 'DONE', 'RUNNING', 'NEW'];
  const out = feed(
    d,
    states.map((s, i) => `job j${i} moved to state ${s} now`)
  );
  assert.equal(new Set(out.map((o) => o.clusterId)).size, 1, 'one Drain cluster');
  assert.equal(d.template(d.clusters[0]!), 'job <*> moved to state <*> now');
  assert.deepEqual([...new Set(out.map((o) => o.template))].sort(), [
    'job <*> moved to state DONE now',
    'job <*> moved to state NEW now',
    'job <*> moved to state RUNNING now',
  ]);
  assert.equal(out[1]!.template, 'job <*> moved to state RUNNING now');
  assert.deepEqual(d.enumeratedPositions(d.clusters[0]!), [5]);
});

test('enumerated constants: two alternating lower-case words are constants, a third value makes it a variable', () => {
  const two = v1();
  const alt = feed(two, [
    'Failed password for 10.0.0.1',
    'Failed password for 10.0.0.2',
    'Failed none for 10.0.0.3',
    'Failed none for 10.0.0.4',
  ]);
  assert.deepEqual(
    alt.map((o) => o.template),
    ['Failed password for <*>', 'Failed password for <*>', 'Failed none for <*>', 'Failed none for <*>']
  );
  // a bracketed word is a word too
  const bracketed = v1();
  const br = feed(bracketed, [
    'conn 10.0.0.1 closed [idle]',
    'conn 10.0.0.2 closed [idle]',
    'conn 10.0.0.3 closed (reset)',
    'conn 10.0.0.4 closed (reset)',
  ]);
  assert.deepEqual(
    br.map((o) => o.template),
    ['conn <*> closed [idle]', 'conn <*> closed [idle]', 'conn <*> closed (reset)', 'conn <*> closed (reset)']
  );
  // user names: lower-case and more than enumMaxWords distinct values → a variable, however often each repeats
  const users = v1();
  const u = feed(
    users,
    ['root', 'root', 'admin', 'admin', 'guest', 'guest'].map((n, i) => `session opened for ${n} from 10.0.0.${i}`)
  );
  assert.ok(u.every((o) => o.template === 'session opened for <*> from <*>'));
});

test('enumerated constants: values seen fewer than enumMinRepeats times on average, or with digits, stay variables', () => {
  const once = v1();
  const a = feed(once, ['lock held by alpha', 'lock held by beta']);
  assert.ok(
    a.every((o) => o.template === 'lock held by <*>'),
    'two values seen once each: 2 lines < 2 × 2'
  );
  const digits = v1();
  const b = feed(digits, ['state is ON', 'state is ON', 'state is OFF2', 'state is OFF2']);
  assert.ok(b.every((o) => o.template === 'state is <*>'));
  // off in plain Drain3
  const plain = Drain.plain();
  const c = feed(plain, ['Failed password for x', 'Failed password for y', 'Failed none for z', 'Failed none for w']);
  assert.ok(c.every((o) => o.template === 'Failed <*> for <*>'));
});

test('enumerated constants survive a snapshot round trip', () => {
  const d = v1();
  const lines = [
    'task 101 went from NEW to RUNNING',
    'task 102 went from NEW to RUNNING',
    'task 103 went from RUNNING to DONE',
    'task 104 went from RUNNING to DONE',
  ];
  feed(d, lines);
  const restored = Drain.fromSnapshot(JSON.parse(JSON.stringify(d.toSnapshot())));
  for (const l of lines) {
    const ca = d.match(l, 'always')!;
    const cb = restored.match(l, 'always')!;
    const tokens = d.maskedTokens(l);
    assert.equal(restored.lineTemplate(cb, tokens), d.lineTemplate(ca, tokens));
  }
  assert.equal(
    restored.lineTemplate(restored.clusters[0]!, restored.maskedTokens(lines[2]!)),
    'task <*> went from RUNNING to DONE'
  );
  // an older snapshot without value statistics still loads (no enumerated positions yet)
  const old = { ...d.toSnapshot(), positionValues: undefined };
  assert.equal(Drain.fromSnapshot(old).enumeratedPositions(d.clusters[0]!).length, 0);
});

test('wildcardsMatchMasked: a template that is mostly masked variables still takes new messages', () => {
  const line = (i: number): string => `copy 10.0.0.${i} 10.0.1.${i} ${i}ms ok`;
  const aidpe = v1();
  for (let i = 1; i <= 5; i++) {
    aidpe.addLogMessage(line(i));
  }
  assert.equal(aidpe.clusterCount, 1);
  // Drain3's similarity ignores `<*>` positions: 2 of 5 tokens equal < 0.5, so every message makes a copy
  const drain3Like = v1({ wildcardsMatchMasked: false });
  for (let i = 1; i <= 5; i++) {
    drain3Like.addLogMessage(line(i));
  }
  assert.equal(drain3Like.clusterCount, 5);
  // match() keeps Drain3's rule (wildcards count as matching when includeParams)
  assert.equal(aidpe.match(line(9))?.id, aidpe.clusters[0]!.id);
});

test('token-by-token masking gives exactly the whole-line masking result', () => {
  const d = v1();
  const lines = [
    'Served block blk_-6952295868487656571 to /10.251.73.220:50010',
    'open /var/log/app-2.log took 12ms size 64MB at 12:30:01,123 on 2024-01-02',
    '  leading and   repeated\tspaces 0x1f3a deadbeef12 http://h.example.com/a?b=1, done ',
    'attempt_1445_0020_m_000000_0 on msra-sa-41:9000 mac 00:1a:2b:3c:4d:5e id 123e4567-e89b-12d3-a456-426614174000',
    '',
  ];
  for (const l of lines) {
    assert.deepEqual(d.maskedTokens(l), d.tokenize(d.mask(l)), l);
  }
  // a mask that is not token-local (it spans a space) goes through whole-line masking
  const spanning = new Drain({ masking: [{ pattern: 'took \\d+ ms', maskWith: 'DURATION' }] });
  assert.deepEqual(spanning.maskedTokens('request took 12 ms'), ['request', '<DURATION>']);
  assert.ok(AIDPE_MASKS.every((m) => m.tokenLocal === true));
});

test('a leading slash belongs to an IP address only at the start of a token', () => {
  const d = v1();
  assert.equal(d.mask('from host-1/10.0.0.1:8030 to /10.0.0.2:50010'), 'from <*>/<*> to <*>');
  const r = feed(d, [
    'Old: host-1/10.0.0.1:8030 New: host-2/10.0.0.9:8030',
    'Old: host-3/10.0.0.4:8030 New: host-4/10.0.0.5:8030',
  ]);
  assert.equal(r[1]!.template, 'Old: <*>/<*> New: <*>/<*>');
});

test('option validation names the option', () => {
  assert.throws(() => new Drain({ enumMaxValues: -1 }), /enumMaxValues/);
  assert.throws(() => new Drain({ enumMaxWords: 1.5 }), /enumMaxWords/);
  assert.throws(() => new Drain({ enumMinRepeats: 0 }), /enumMinRepeats/);
});

test('sibling merge: more than N clusters that differ only in a keyed position are one template; a few stay apart', () => {
  const sentence = 'scheduler told me to run this job later';
  const many = ['alpha.daily', 'beta.hourly', 'gamma.sync', 'delta.heartbeat', 'eps.update', 'zeta.fetch'];
  const on = v1({ siblingMerge: 4, siblingMinContext: 3, partialCut: 'punctuation' });
  const lines = many.flatMap((n) => [`com.example.${n}: ${sentence}`, `com.example.${n}: ${sentence}`]);
  const mined = mineTemplates(lines, on);
  assert.equal(new Set(mined.eventIds).size, 1);
  assert.ok(mined.templates.every((t) => t === `com.example.<*>: ${sentence}`));
  assert.equal(on.clusterCount, 1);
  assert.equal(on.template(on.clusters[0]!), `com.example.<*>: ${sentence}`);
  // a message with a new value at that position joins the merged template through the tree's `<*>` branch
  assert.equal(on.addLogMessage(`com.example.omega.cleanup: ${sentence}`).changeType, 'none');
  // three alternatives (not more than N) stay three templates
  const few = v1({ siblingMerge: 4, siblingMinContext: 3 });
  feed(
    few,
    ['Starting', 'Stopping', 'Ending'].map((w) => `${w} the installer service now`)
  );
  assert.equal(few.clusterCount, 3);
  // a thin shared context (two constants) is no evidence
  const thin = v1({ siblingMerge: 2, siblingMinContext: 3 });
  feed(
    thin,
    ['cupsd', 'klogd', 'portmap', 'syslogd'].map((w) => `${w} startup succeeded`)
  );
  assert.equal(thin.clusterCount, 4);
  // off: every first token keeps its own cluster
  const off = v1({ siblingMerge: 0 });
  feed(off, lines);
  assert.equal(off.clusterCount, many.length);
});

test('sibling merge: a word sent down its own tree branch joins the variable template its numeric siblings made', () => {
  const d = v1({ siblingMerge: 4, siblingMinContext: 3, depth: 6 });
  const r = feed(d, [
    'Invalid user webmaster from 10.0.0.1 port 22',
    'Invalid user test9 from 10.0.0.2 port 22',
    'Invalid user admin1 from 10.0.0.3 port 22',
  ]);
  assert.equal(d.clusterCount, 1);
  assert.ok(r.slice(1).every((x) => x.template === 'Invalid user <*> from <*> port <*>'));
  assert.equal(
    d.lineTemplate(d.clusters[0]!, d.maskedTokens('Invalid user webmaster from 10.0.0.1 port 22')),
    'Invalid user <*> from <*> port <*>'
  );
});

test('constant similarity: shared masks do not make two short messages one template', () => {
  const lines = ['[id: 10.0.0.1] Claim successful', '[id: 10.0.0.2] Creating image', '[id: 10.0.0.3] Claim successful'];
  const on = v1({ constantSimilarity: true });
  feed(on, lines);
  assert.equal(on.clusterCount, 2);
  const off = v1({ constantSimilarity: false });
  feed(off, lines);
  assert.equal(off.clusterCount, 1, 'Drain3 similarity: 2 of 4 tokens equal (`[id:` and `<*>]`) reaches 0.5');
});

test('partial tokens: structural cuts keep a dotted head and an empty middle stays a partial wildcard', () => {
  const d = v1({ partialCut: 'punctuation', partialEmpty: true });
  const r = feed(d, [
    'session opened by (uid=0) now',
    'session opened by LOGIN(uid=0) now',
    'conn from 10.0.0.1 () ok',
    'conn from 10.0.0.2 (host-a) ok',
  ]);
  assert.equal(r[1]!.template, 'session opened by <*>(uid=<*>) now');
  assert.equal(r[3]!.template, 'conn from <*> (<*>) ok');
  const brackets = v1({ partialCut: 'brackets', partialEmpty: false });
  // without: the pair becomes a bare `<*>`, which merges with the address before it
  assert.equal(
    feed(brackets, ['conn from 10.0.0.1 () ok', 'conn from 10.0.0.2 (host-a) ok'])[1]!.template,
    'conn from <*> ok'
  );
});
