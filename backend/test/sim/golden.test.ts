/**
 * Golden run: a few simulated hours with every fault type, manual scaling, an HPA change and a rollback,
 * digested (SHA-256) from everything the simulator emits: the OpenMetrics history, the current
 * exposition, selects, logs, Loki streams, traces, Tempo shapes, events, faults and the snapshot. The
 * digests were recorded before the simulator was split into modules; any change to the tick physics, the
 * random streams, the recorder or the log/trace generators changes them. A deliberate behaviour change
 * must re-record them (the failure message prints the new digest) and say so in its commit.
 *
 * The third run adds the code-level faults (exception, wrong_return) with the fault-suite telemetry
 * (background noise, span attributes, the response-size metric); its digests were recorded when those were
 * added. The first two runs use neither, so their digests stayed those of the unsplit simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  FAULT_SUITE_TELEMETRY,
  SimulatedCluster,
  createSimpleHpa,
  syntheticDiurnalTrace,
} from '../../src/sim/index.ts';

const MIN = 60_000;
const HOURS = 3;

function digest(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return createHash('sha256').update(text).digest('hex');
}

type GoldenRun = 'kubernetes' | 'simple' | 'code-level';

function goldenRun(run: GoldenRun): Record<string, string> {
  const c = new SimulatedCluster({
    seed: 20250101,
    workload: syntheticDiurnalTrace(),
    historyRetentionSeconds: (HOURS + 1) * 3600,
    ...(run === 'simple' ? { autoscaler: createSimpleHpa() } : {}),
    ...(run === 'code-level' ? FAULT_SUITE_TELEMETRY : {}),
  });
  const t0 = c.startTimeMs;
  const at = (minutes: number): number => t0 + minutes * MIN;
  if (run === 'code-level') {
    c.injectFault({ service: 'cart', type: 'exception', startMs: at(5), endMs: at(20), intensity: 1.5 });
    c.injectFault({ service: 'cart', type: 'wrong_return', variant: 'empty', startMs: at(35), endMs: at(50) });
    c.injectFault({ service: 'catalog', type: 'wrong_return', variant: 'inflated', startMs: at(55), endMs: at(65) });
    c.injectFault({ service: 'postgres-orders', type: 'exception', startMs: at(120), endMs: at(150) });
    c.injectFault({ service: 'frontend', type: 'exception', startMs: at(155), endMs: at(165), intensity: 0.5 });
  }
  c.injectFault({ service: 'cart', type: 'latency', startMs: at(10), endMs: at(25) });
  c.injectFault({ service: 'currency', type: 'error_burst', startMs: at(30), endMs: at(40), intensity: 1.5 });
  c.injectFault({ service: 'catalog', type: 'cpu_contention', startMs: at(45), endMs: at(60), intensity: 0.8 });
  c.injectFault({ service: 'cart', type: 'memory_leak', startMs: at(70), endMs: at(100), intensity: 2 });
  c.injectFault({ service: 'checkout', type: 'bad_deploy', startMs: at(110), endMs: at(170) });
  c.scheduleRandomFaults({
    count: 4,
    fromMs: at(60),
    toMs: at(HOURS * 60),
    minDurationMs: 2 * MIN,
    maxDurationMs: 10 * MIN,
  });
  c.advanceTo(at(50));
  c.setReplicas('catalog', 5, 'golden');
  c.advanceTo(at(80));
  const hpaService = c.snapshot().services.find((s) => s.hpa)?.service;
  if (hpaService !== undefined) {
    const hpa = c.getDeployment(hpaService).hpa!;
    c.setHpa(hpaService, { ...hpa, maxReplicas: hpa.maxReplicas + 2, targetCpuUtilization: 0.5 });
  }
  c.advanceTo(at(130));
  c.rollback('checkout');
  c.advanceTo(at(HOURS * 60));

  const { startMs, endMs } = c.historyRange();
  const traces = c.traces({ startMs, endMs, limit: 100_000 });
  const search = c.toTempoSearch({ startMs, endMs, limit: 200, status: 'error' });
  return {
    history: digest(c.openMetricsHistory(startMs, endMs)),
    exposition: digest(c.exposition()),
    select: digest(
      c.select('aidpe_sim_latency_seconds', [{ label: 'quantile', op: '=', value: '0.99' }], startMs, endMs)
    ),
    seriesLabels: digest([c.seriesLabels(undefined, []), c.metricNames()]),
    logs: digest(c.logs({ startMs, endMs, limit: 1_000_000 })),
    logsBackward: digest(c.logs({ startMs: at(100), endMs: at(120), level: 'error', direction: 'backward' })),
    loki: digest(c.toLokiStreams({ startMs: at(60), endMs: at(90), service: 'cart', limit: 5000 })),
    traces: digest(traces),
    tempoSearch: digest(search),
    tempoTraces: digest(search.traces.slice(0, 20).map((t) => c.toTempoTrace(t.traceID))),
    events: digest(c.events()),
    faults: digest(c.faults()),
    snapshot: digest([c.snapshot(), c.serviceNames().map((s) => c.getDeployment(s))]),
    counts: `${traces.length} traces, ${c.events().length} events`,
  };
}

// kubernetes and simple: recorded on the unsplit simulator; code-level: when code-level faults were added.
const GOLDEN: Record<GoldenRun, Record<string, string>> = {
  kubernetes: {
    history: '11e5cb5f179c2203dc9391621e5c11afabc589bc174156feac46e6745d7889eb',
    exposition: 'c9e45188d39c7347b0a3eb22e2c7cded04f8f4b4728939cb286366c382c4f780',
    select: '1cb6ffac077d971be5e5ae177f9a8f23dc5281d2786b507e84fc74149b0127b2',
    seriesLabels: '67590978bf43d4702d1a1966bc06c1574b1e234f8a2550f212098fcd33a48268',
    logs: '281ae4320e4b02a77a7f0965230575f1e3dcdce7d89b21bd793c2f82cc27deff',
    logsBackward: '37cd6040666b7ecc4705b6dbb6f43c33d3abcd34e8d7b9e5b1de109b233aa810',
    loki: 'e123ab970447a2a29bb5a9f62921d73f9ee6fb44c97d9a0dba8cf59516a15f12',
    traces: '50d66e4268dca1d57bf2e6ef47a5fd21be50525cf3e866189b6d96ea87d7e6b4',
    tempoSearch: 'ffe66638a9b9f380691731ee3781c3a7865d41128c503e1d15e0993cc572587b',
    tempoTraces: '04f098c4ca7a701cbf3fd05141104fea3231ec71f4850d1ec9a59fb02c8144ea',
    events: '5fc17e7e3ab132b80abebd74d4a4b7e69ef1759b07a0b4890bbfbde59eaecb28',
    faults: '41c345a9d2e9b6fb8185a7d1f716f7c6cd352122ab57d536621548de5365b5a6',
    snapshot: 'b9632108d3c32f56ef2507082a3822302e7ba8fdf72a8adcac9b8d64367ff064',
    counts: '4320 traces, 33 events',
  },
  simple: {
    history: '193d9af70a3aefac60d898c75b02b852ca29306ad8635d991cda28898064888d',
    exposition: 'af7923d485b8e8f40dacc9e66afb65f4d077c95957964b1a14bbab545dae2f72',
    select: 'c4fcc8f22125523d0e66638129672a3854d5d0a6a627fac816d0b1cd03d1d61a',
    seriesLabels: '67590978bf43d4702d1a1966bc06c1574b1e234f8a2550f212098fcd33a48268',
    logs: 'a5356d9456839299b6a8c6ef8530e6f7bf341ab5c0f5a700fe353b4c9cdc11c1',
    logsBackward: '37cd6040666b7ecc4705b6dbb6f43c33d3abcd34e8d7b9e5b1de109b233aa810',
    loki: '53ceb741a68fde132aebeea64e3a20cf866c247dd84654f4051a92077e8a1242',
    traces: '1d5f7832717a3b91e131d8e6e6dcb3f50e8dedd5c5033dfead2ca9da548ed7cb',
    tempoSearch: '5b886d0d661b28c0ede8e7eaf0e6482904a0a8a04e1219cb214f2c149b0a771d',
    tempoTraces: 'a8973a43a88c60cdcad08264e9e5d58892d07fa9dc74374a26b28b420b96abb1',
    events: 'd3216afba02ba23b442ee943069bae8e83125d39c9e50c0c7cbc6238d2604602',
    faults: '41c345a9d2e9b6fb8185a7d1f716f7c6cd352122ab57d536621548de5365b5a6',
    snapshot: 'a3fc2079ba12d345da2ce5f5fb2449854f28dd75ac42967ab8bdcd9148250960',
    counts: '4320 traces, 34 events',
  },
  'code-level': {
    history: 'b5615d1e441b4c6e7908fe835640dc29799c1b13f9d4978c17a074bcc8cf367c',
    exposition: '0b05154bfc37b117b77fd3c1775ee040cf5522fa9d2bb211e990ddbe9824b263',
    select: '78e62842ce2b2ac98e1368307bd9eb1a18a3791045c95a9e34cce678cdd7489a',
    seriesLabels: '1bf536b5bef54f62c79803ed4fcdb770ac11dc042f189dcdf771ea84e283b915',
    logs: 'beaa06f6254a7adc4523f89680fd075dddef68a562877c84d0054857a097a0c8',
    logsBackward: 'd5093aefbdd3bc5ad3384becc43db7314e7184d8fe8d41dfbd636518306d4346',
    loki: '0685fc63428687790a77cf6dcf955c3eedaeecd43a727853dcd1a68f539c1804',
    traces: 'd5a338b12915b5af4b5f9b9da216d6c8334fc25b10a7868bca731cb29e7e52d0',
    tempoSearch: '6621465291736275959ddcb54e8e179d01a9dfd07f0dc1c83dd4780d70f08a38',
    tempoTraces: 'e26b0c33258e4b828c980b347d65a3a4fb36ccfda43b80479a9e82e24bc38d6e',
    events: 'd77cdfbb694a65cb3ce08a4b6f43508756474ab076edaa62fcfe7822c5e70da4',
    faults: 'e4ee8e24e94908213e65f57cc1ead2d0d7874d41e55f4fd2a2f1385e9893f78d',
    snapshot: 'b9632108d3c32f56ef2507082a3822302e7ba8fdf72a8adcac9b8d64367ff064',
    counts: '4320 traces, 43 events',
  },
};

for (const run of ['kubernetes', 'simple', 'code-level'] as const) {
  test(`golden ${HOURS}-hour run with faults (${run}) emits the recorded digests`, () => {
    const actual = goldenRun(run);
    assert.deepEqual(actual, GOLDEN[run], `new digests: ${JSON.stringify(actual, null, 2)}`);
  });
}
