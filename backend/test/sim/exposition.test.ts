import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedCluster, renderExposition, renderOpenMetrics } from '../../src/sim/index.ts';
import { flat } from './helpers.ts';

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const VALUE = '(?:NaN|[+-]Inf|[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(?:${LABEL}(?:,${LABEL})*,?)?\\})? ${VALUE}(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

function checkTextFormat(text: string): number {
  assert.ok(text.endsWith('\n'));
  const lines = text.slice(0, -1).split('\n');
  const typed = new Map<string, string>();
  const seenFamilies: string[] = [];
  let samples = 0;
  for (const line of lines) {
    if (line.startsWith('# HELP')) {
      assert.match(line, HELP);
      continue;
    }
    if (line.startsWith('# TYPE')) {
      const m = TYPE.exec(line);
      assert.ok(m, `bad TYPE line: ${line}`);
      assert.ok(!typed.has(m[1]!), `duplicate TYPE for ${m[1]}`);
      typed.set(m[1]!, m[2]!);
      seenFamilies.push(m[1]!);
      continue;
    }
    const m = SAMPLE.exec(line);
    assert.ok(m, `line does not match the text-format grammar: ${JSON.stringify(line)}`);
    assert.equal(m[1], seenFamilies[seenFamilies.length - 1], `sample ${m[1]} outside its family block`);
    samples++;
  }
  return samples;
}

test('cluster exposition parses as Prometheus text format 0.0.4', () => {
  const c = new SimulatedCluster({ seed: 41, workload: flat });
  c.advance(120);
  const text = c.exposition();
  const n = checkTextFormat(text);
  assert.ok(n > 100);
  for (const name of [
    'aidpe_sim_requests_total',
    'aidpe_sim_request_rate',
    'aidpe_sim_errors_total',
    'aidpe_sim_error_ratio',
    'aidpe_sim_latency_seconds',
    'aidpe_sim_cpu_utilization',
    'aidpe_sim_cpu_usage_cores',
    'aidpe_sim_memory_bytes',
    'aidpe_sim_replicas',
    'aidpe_sim_replicas_ready',
    'aidpe_sim_replicas_desired',
    'aidpe_sim_hpa_min_replicas',
    'aidpe_sim_hpa_max_replicas',
    'aidpe_sim_hpa_target_cpu_utilization',
    'aidpe_sim_queue_backlog',
  ]) {
    assert.match(text, new RegExp(`^# TYPE ${name} (counter|gauge)$`, 'm'), name);
  }
  assert.match(text, /^# TYPE aidpe_sim_requests_total counter$/m);
  assert.match(text, /^aidpe_sim_latency_seconds\{service="cart",quantile="0\.95"\} [0-9.e-]+$/m);
  assert.match(text, /^aidpe_sim_memory_bytes\{service="cart",pod="cart-[a-z0-9]{10}-[a-z0-9]{5}"\} \d+/m);
});

test('escaping and special values', () => {
  const text = renderExposition([
    {
      name: 'x_total',
      help: 'back\\slash\nnewline',
      type: 'counter',
      labels: { a: 'q"uote', b: 'back\\slash', c: 'new\nline' },
      value: 1,
    },
    { name: 'y', help: 'h', type: 'gauge', labels: {}, value: NaN },
    { name: 'y', help: 'h', type: 'gauge', labels: { k: 'v' }, value: Infinity },
    { name: 'y', help: 'h', type: 'gauge', labels: { k: 'w' }, value: -Infinity },
  ]);
  checkTextFormat(text);
  assert.ok(text.includes('# HELP x_total back\\\\slash\\nnewline'));
  assert.ok(text.includes('x_total{a="q\\"uote",b="back\\\\slash",c="new\\nline"} 1'));
  assert.ok(text.includes('y NaN'));
  assert.ok(text.includes('y{k="v"} +Inf'));
  assert.ok(text.includes('y{k="w"} -Inf'));
});

test('OpenMetrics history for backfill', () => {
  const c = new SimulatedCluster({ seed: 42, workload: flat });
  c.advance(300);
  const om = c.openMetricsHistory(c.timeMs - 120_000, c.timeMs);
  assert.ok(om.endsWith('# EOF\n'));
  assert.match(om, /^# TYPE aidpe_sim_requests counter$/m);
  assert.doesNotMatch(om, /^# TYPE aidpe_sim_requests_total/m);
  assert.match(om, /^aidpe_sim_requests_total\{service="frontend"\} [0-9.e+]+ \d+\.\d{3}$/m);
  // Each series' points are contiguous and time-ordered; every sample carries a timestamp.
  const last = new Map<string, number>();
  const done = new Set<string>();
  let prev = '';
  for (const line of om.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const m = /^(\S+?(?:\{.*\})?) (\S+) (\S+)$/.exec(line);
    assert.ok(m, line);
    const [key, ts] = [m[1]!, Number(m[3])];
    if (key !== prev) {
      assert.ok(!done.has(key), `series ${key} not contiguous`);
      if (prev) {
        done.add(prev);
      }
      prev = key;
    }
    assert.ok(ts > (last.get(key) ?? 0));
    assert.ok(ts * 1000 >= c.timeMs - 120_000 && ts * 1000 <= c.timeMs);
    last.set(key, ts);
  }
  assert.ok(renderOpenMetrics([]) === '# EOF\n');
});
