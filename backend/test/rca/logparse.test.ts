import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AIDPE_MASKS, Drain, mergeAdjacentWildcards } from '../../src/engines/rca/logparse/drain.ts';
import {
  compileLogFormat,
  csvRow,
  LOGHUB_FORMATS,
  parseCsv,
  splitLine,
} from '../../src/engines/rca/logparse/format.ts';
import { alignWithNullValues, evaluateParsing, prepareGroundTruth } from '../../src/eval/loghub/metrics.ts';

test('Drain: created, template changed, none; sizes and token-count split', () => {
  const d = Drain.plain();
  const a = d.addLogMessage('user alice logged in');
  assert.equal(a.changeType, 'cluster_created');
  const b = d.addLogMessage('user bob logged in');
  assert.equal(b.changeType, 'cluster_template_changed');
  assert.equal(b.template, 'user <*> logged in');
  assert.equal(b.cluster.id, a.cluster.id);
  const c = d.addLogMessage('user carol logged in');
  assert.equal(c.changeType, 'none');
  assert.equal(c.cluster.size, 3);
  // a different token count never joins
  assert.equal(d.addLogMessage('user dave logged in twice').changeType, 'cluster_created');
  assert.equal(d.clusterCount, 2);
});

test('Drain: similarity threshold decides between joining and a new cluster', () => {
  const d = Drain.plain({ simTh: 0.4 });
  d.addLogMessage('a b c d');
  // same leaf (first token a), 1/4 equal < 0.4 → new cluster
  assert.equal(d.addLogMessage('a x y z').changeType, 'cluster_created');
  // 2/4 with the first: joins (best of the two candidates)
  const r = d.addLogMessage('a b q r');
  assert.equal(r.changeType, 'cluster_template_changed');
  assert.equal(r.template, 'a b <*> <*>');
  const strict = Drain.plain({ simTh: 0.9 });
  strict.addLogMessage('a b c d');
  assert.equal(strict.addLogMessage('a b c e').changeType, 'cluster_created');
});

test('Drain: tokens with digits go under the wildcard node unless parametrizeNumericTokens is off', () => {
  const d = Drain.plain();
  d.addLogMessage('42 items processed');
  const r = d.addLogMessage('43 items processed');
  assert.equal(r.changeType, 'cluster_template_changed');
  assert.equal(r.template, '<*> items processed');
  const off = Drain.plain({ parametrizeNumericTokens: false });
  off.addLogMessage('42 items processed');
  assert.equal(off.addLogMessage('43 items processed').changeType, 'cluster_created');
});

test('Drain: a node with maxChildren children sends new first tokens to the wildcard child', () => {
  const d = Drain.plain({ maxChildren: 2 });
  d.addLogMessage('alpha 1 2');
  d.addLogMessage('beta 1 2'); // second child: the wildcard node
  const r = d.addLogMessage('gamma 1 2'); // routed to <*>, joins beta's cluster
  assert.equal(r.changeType, 'cluster_template_changed');
  assert.equal(r.template, '<*> 1 2');
  assert.equal(d.clusterCount, 2);
});

test('masking: named masks in templates, parameters extracted with their mask names', () => {
  const d = new Drain({
    masking: [
      { pattern: '\\d+\\.\\d+\\.\\d+\\.\\d+', maskWith: 'IP' },
      { pattern: '\\d+', maskWith: 'NUM' },
    ],
  });
  assert.equal(d.mask('from 10.0.0.1 port 22'), 'from <IP> port <NUM>');
  d.addLogMessage('connect from 10.0.0.1 port 22 user alice');
  const r = d.addLogMessage('connect from 10.0.0.2 port 2222 user bob');
  assert.equal(r.template, 'connect from <IP> port <NUM> user <*>');
  assert.deepEqual(d.extractParameters(r.template, 'connect from 10.0.0.9 port 80 user carol'), [
    { value: '10.0.0.9', maskName: 'IP' },
    { value: '80', maskName: 'NUM' },
    { value: 'carol', maskName: '*' },
  ]);
  // exact matching: a NUM mask does not accept letters
  assert.equal(d.extractParameters(r.template, 'connect from 10.0.0.9 port eighty user carol'), undefined);
  assert.equal(d.extractParameters(r.template, 'connect from 10.0.0.9 port eighty user carol', false)?.length, 3);
  assert.equal(d.extractParameters('a <*> c', 'x y z'), undefined);
});

test('AIDPE masks: IPs with ports, block ids, hex, UUIDs, paths, units, key=value, framework ids', () => {
  const d = Drain.aidpe();
  const m = (s: string): string => d.mask(s);
  assert.equal(m('Served block blk_-6952295868487656571 to /10.251.73.220:50010'), 'Served block <*> to <*>');
  assert.equal(m('id 0x1f3a uuid 123e4567-e89b-12d3-a456-426614174000 seq deadbeef12'), 'id <*> uuid <*> seq <*>');
  assert.equal(m('open /var/log/app-2.log took 12ms size 64MB'), 'open <*> took <*> size <*>');
  assert.equal(m('uid=0 euid=0 tty=ssh rhost=1.2.3.4'), 'uid=<*> euid=<*> tty=ssh rhost=<*>');
  assert.equal(m('Launching attempt_1445144423722_0020_m_000000_0 on msra-sa-41:9000'), 'Launching <*> on <*>');
  assert.equal(
    m('jk2_init() Found child 6725 in scoreboard slot 10 via ssh2'),
    'jk2_init() Found child <*> in scoreboard slot <*> via ssh2'
  );
  assert.ok(AIDPE_MASKS.length > 5);
});

test('AIDPE template text: partial wildcards keep keys and punctuation; runs of variables merge', () => {
  const d = Drain.aidpe({ simTh: 0.5, depth: 4 });
  d.addLogMessage('failure; ruser= rhost=host-a.example.com user=root');
  const r = d.addLogMessage('failure; ruser= rhost=other.example.org user=admin');
  assert.equal(r.template, 'failure; ruser= rhost=<*> user=<*>');
  assert.equal(mergeAdjacentWildcards('<*>:<*> served <*> <*> to <*>.<*>'), '<*> served <*> to <*>');
  const plain = Drain.plain();
  plain.addLogMessage('failure; ruser= rhost=host-a.example.com user=root');
  assert.equal(
    plain.addLogMessage('failure; ruser= rhost=other.example.org user=admin').template,
    'failure; ruser= <*> <*>'
  );
});

test('match() finds full matches only and creates or changes nothing', () => {
  const d = Drain.plain({ maxClusters: 10 });
  d.addLogMessage('user alice logged in');
  d.addLogMessage('user bob logged in');
  d.addLogMessage('disk full on sda');
  const before = JSON.stringify(d.toSnapshot());
  assert.equal(d.match('user zed logged in')?.tokens.join(' '), 'user <*> logged in');
  assert.equal(d.match('user zed logged out'), undefined);
  assert.equal(d.match('completely new message here'), undefined);
  assert.equal(d.match('disk full on sdb', 'fallback'), undefined);
  assert.equal(d.match('disk full on sda', 'always')?.size, 1);
  assert.equal(JSON.stringify(d.toSnapshot()), before);
});

test('snapshot: JSON round trip restores clusters, tree, counter and masks; training continues identically', () => {
  const mk = (): Drain => Drain.aidpe({ maxClusters: 50 });
  const lines = [
    'PacketResponder 1 for block blk_1 terminating',
    'Received block blk_2 of size 67108864 from /10.0.0.1',
    'PacketResponder 2 for block blk_3 terminating',
  ];
  const a = mk();
  lines.forEach((l) => a.addLogMessage(l));
  const restored = Drain.fromSnapshot(JSON.parse(JSON.stringify(a.toSnapshot())));
  assert.deepEqual(restored.clusters, a.clusters);
  assert.deepEqual(restored.options, a.options);
  const next = 'Received block blk_9 of size 12 from /10.0.0.7';
  const ra = a.addLogMessage(next);
  const rb = restored.addLogMessage(next);
  assert.equal(rb.changeType, ra.changeType);
  assert.equal(rb.template, ra.template);
  assert.equal(restored.addLogMessage('brand new event').cluster.id, a.addLogMessage('brand new event').cluster.id);
  assert.throws(() => Drain.fromSnapshot({ format: 'nope' } as never));
});

test('LRU: at maxClusters the least recently used cluster is evicted; joining a cluster refreshes it', () => {
  const d = Drain.plain({ maxClusters: 2 });
  const a = d.addLogMessage('alpha one').cluster.id;
  const b = d.addLogMessage('beta two three').cluster.id;
  d.addLogMessage('alpha one'); // touch a
  const c = d.addLogMessage('gamma four five six').cluster.id;
  assert.deepEqual(
    d.clusters.map((x) => x.id),
    [a, c]
  );
  assert.ok(!d.clusters.some((x) => x.id === b));
  // b's messages now start a new cluster
  assert.equal(d.addLogMessage('beta two three').changeType, 'cluster_created');
  assert.equal(d.clusterCount, 2);
});

test('format: benchmark header formats split header from content', () => {
  const hdfs = compileLogFormat(LOGHUB_FORMATS.HDFS!);
  assert.deepEqual(hdfs.headers, ['Date', 'Time', 'Pid', 'Level', 'Component', 'Content']);
  const f = splitLine(
    hdfs,
    '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_3 terminating '
  );
  assert.equal(f?.Component, 'dfs.DataNode$PacketResponder');
  assert.equal(f?.Content, 'PacketResponder 1 for block blk_3 terminating');
  const zk = compileLogFormat(LOGHUB_FORMATS.Zookeeper!);
  const z = splitLine(
    zk,
    '2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200'
  );
  assert.equal(z?.Level, 'INFO');
  assert.equal(z?.Id, '774');
  assert.equal(z?.Content, 'Notification time out: 3200');
  assert.equal(splitLine(compileLogFormat(LOGHUB_FORMATS.HealthApp!), 'no pipes here'), undefined);
  assert.throws(() => compileLogFormat('<Date> <Time>'), /Content/);
});

test('CSV: quoting round trip', () => {
  const row = csvRow([1, 'a, "quoted" b', 'E1', 'x <*>']);
  assert.equal(row, '1,"a, ""quoted"" b",E1,x <*>');
  assert.deepEqual(parseCsv(`h1,h2\n${row}\r\n"multi\nline",z\n`), [
    ['h1', 'h2'],
    ['1', 'a, "quoted" b', 'E1', 'x <*>'],
    ['multi\nline', 'z'],
  ]);
});

test('metrics: GA, FGA, PA, FTA on a hand-computed example', () => {
  const truth = [
    { content: 'open file a', template: 'open file <*>' },
    { content: 'open file b', template: 'open file <*>' },
    { content: 'open file c', template: 'open file <*>' },
    { content: 'close', template: 'close' },
  ];
  const pred = ['open file <*>', 'open file <*>', 'open <*>', 'close'].map((t, i) => ({
    content: truth[i]!.content,
    template: t,
  }));
  const m = evaluateParsing(truth, pred);
  // truth groups: T1 {0,1,2} split over two predicted groups → wrong; T2 {3} exact → right.
  assert.equal(m.GA, 1 / 4);
  assert.ok(Math.abs(m.FGA - 0.4) < 1e-12); // P = 1/3, R = 1/2
  assert.equal(m.PA, 3 / 4);
  assert.ok(Math.abs(m.FTA - 0.8) < 1e-12); // P = 2/3, R = 1
  assert.equal(m.identifiedTemplates, 3);
  assert.equal(m.groundTemplates, 2);
  assert.throws(() => evaluateParsing(truth, pred.slice(1)));
});

test('metrics: loghub-2.0 preparation (null-value alignment, merged variables in the ground truth)', () => {
  assert.equal(prepareGroundTruth('10.0.0.1:50010 Served block', '<*>:<*> Served block'), '<*> Served block');
  assert.equal(alignWithNullValues('logname= uid=0', 'logname=<*> uid=<*>'), 'logname= uid=<*>');
  assert.equal(alignWithNullValues('no match here', 'other <*>'), 'other <*>');
  const m = evaluateParsing(
    [{ content: '1.2.3.4:5 up', template: '<*>:<*> up' }],
    [{ content: '1.2.3.4:5 up', template: '<*> up' }]
  );
  assert.equal(m.PA, 1);
});
