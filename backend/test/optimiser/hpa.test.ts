/**
 * The HPA port against the Kubernetes controller's own test cases. Each test names the Go test it mirrors
 * (kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go and horizontal_test.go),
 * with the same inputs and expected outputs. The Go harness gives each pod two containers with the same
 * request and usage, start time and Ready transition at the zero time unless set, metrics stamped at the
 * zero time with a one-minute window, a 2-minute CPU initialisation period and a 10-second initial
 * readiness delay; the helpers below reproduce exactly that.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubernetesHpaPolicy } from '../../src/engines/optimiser/hpa.ts';
import {
  calculateScaleDownLimitWithBehaviors,
  calculateScaleUpLimitWithScalingRules,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  getReplicasChangePerPeriod,
  HorizontalPodAutoscalerController,
  resolveBehavior,
  type ResolvedScalingRules,
  type TimestampedScaleEvent,
} from '../../src/kube/hpaController.ts';
import { getResourceReplicas, groupPods } from '../../src/kube/replicaCalculator.ts';
import type { PodState } from '../../src/kube/types.ts';
import { createKubernetesHpa } from '../../src/sim/autoscaler.ts';
import { timeFeatures } from '../../src/engines/optimiser/types.ts';
import { SimulatedCluster } from '../../src/sim/index.ts';
import { smallTopology } from '../sim/helpers.ts';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const MIN = 60_000;
const TESTING = { cpuInitializationPeriodSeconds: 120, initialReadinessDelaySeconds: 10 };
const TOL = { scaleDown: 0.1, scaleUp: 0.1 };
const HOT = NOW; // hotCPUCreationTime()
const COOL = NOW - 3 * MIN; // coolCPUCreationTime()
const CONTAINERS = 2; // numContainersPerPod

interface Case {
  currentReplicas: number;
  /** Per-container CPU usage of each pod with a metric (makePodMetricLevels). */
  levels: number[];
  /** Per-container request (millicores) of each pod; default 1000. */
  requests?: number[];
  readiness?: boolean[];
  startTimes?: number[];
  phases?: Array<PodState['phase']>;
  deleting?: boolean[];
}

/** replicaCalcTestCase.prepareTestClientSet + prepareTestMetricsClient. */
function podsFor(tc: Case): PodState[] {
  const count = Math.max(tc.currentReplicas, tc.phases?.length ?? 0);
  return Array.from({ length: count }, (_, i) => {
    const level = tc.levels[i];
    return {
      name: `test-pod-${i}`,
      phase: tc.phases?.[i] ?? 'Running',
      deleting: tc.deleting?.[i] ?? false,
      startTimeMs: tc.startTimes?.[i] ?? 0,
      readyCondition: { status: tc.readiness?.[i] ?? true, lastTransitionTimeMs: 0 },
      cpuRequestMilli: CONTAINERS * (tc.requests?.[i] ?? 1000),
      ...(level !== undefined ? { cpuUsage: { milli: CONTAINERS * level, timestampMs: 0, windowMs: MIN } } : {}),
    };
  });
}

function calc(tc: Case, target: number) {
  return getResourceReplicas(tc.currentReplicas, target, TOL, podsFor(tc), NOW, TESTING);
}

function expectCalc(tc: Case, target: number, replicas: number, utilization: number, rawPerContainer: number): void {
  const r = calc(tc, target);
  assert.equal(r.replicas, replicas, 'replicas');
  assert.equal(r.utilization, utilization, 'utilization');
  assert.equal(r.rawAverageMilli, CONTAINERS * rawPerContainer, 'raw value');
}

// ---- replica_calculator_test.go ----------------------------------------------------------------

test('TestReplicaCalcScaleUp', () => expectCalc({ currentReplicas: 3, levels: [300, 500, 700] }, 30, 5, 50, 500));

test('TestReplicaCalcScaleUpUnreadyLessScale', () =>
  expectCalc({ currentReplicas: 3, readiness: [false, true, true], levels: [300, 500, 700] }, 30, 4, 60, 600));

test('TestReplicaCalcScaleUpHotCpuLessScale', () =>
  expectCalc({ currentReplicas: 3, startTimes: [HOT, COOL, COOL], levels: [300, 500, 700] }, 30, 4, 60, 600));

test('TestReplicaCalcScaleUpUnreadyNoScale', () =>
  expectCalc({ currentReplicas: 3, readiness: [true, false, false], levels: [400, 500, 700] }, 30, 3, 40, 400));

test('TestReplicaCalcScaleHotCpuNoScale', () =>
  expectCalc(
    { currentReplicas: 3, readiness: [true, false, false], startTimes: [COOL, HOT, HOT], levels: [400, 500, 700] },
    30,
    3,
    40,
    400
  ));

test('TestReplicaCalcScaleUpIgnoresFailedPods', () =>
  expectCalc(
    {
      currentReplicas: 2,
      readiness: [true, true, false, false],
      phases: ['Running', 'Running', 'Failed', 'Failed'],
      levels: [500, 700],
    },
    30,
    4,
    60,
    600
  ));

test('TestReplicaCalcScaleUpIgnoresDeletionPods', () =>
  expectCalc(
    {
      currentReplicas: 2,
      readiness: [true, true, false, false],
      phases: ['Running', 'Running', 'Running', 'Running'],
      deleting: [false, false, true, true],
      levels: [500, 700],
    },
    30,
    4,
    60,
    600
  ));

test('TestReplicaCalcScaleDown', () =>
  expectCalc({ currentReplicas: 5, levels: [100, 300, 500, 250, 250] }, 50, 3, 28, 280));

test('TestReplicaCalcScaleDownExcludeUnreadyPods', () =>
  expectCalc(
    { currentReplicas: 5, readiness: [true, true, true, false, false], levels: [100, 300, 500, 250, 250] },
    50,
    2,
    30,
    300
  ));

test('TestReplicaCalcScaleDownExcludeUnscheduledPods', () =>
  expectCalc(
    {
      currentReplicas: 5,
      readiness: [true, false, false, false, false],
      phases: ['Running', 'Pending', 'Pending', 'Pending', 'Pending'],
      levels: [100],
    },
    50,
    1,
    10,
    100
  ));

test('TestReplicaCalcScaleDownIgnoreHotCpuPods', () =>
  expectCalc(
    { currentReplicas: 5, startTimes: [COOL, COOL, COOL, HOT, HOT], levels: [100, 300, 500, 250, 250] },
    50,
    2,
    30,
    300
  ));

test('TestReplicaCalcScaleDownIgnoresFailedPods', () =>
  expectCalc(
    {
      currentReplicas: 5,
      readiness: [true, true, true, true, true, false, false],
      phases: ['Running', 'Running', 'Running', 'Running', 'Running', 'Failed', 'Failed'],
      levels: [100, 300, 500, 250, 250],
    },
    50,
    3,
    28,
    280
  ));

test('TestReplicaCalcTolerance', () =>
  expectCalc({ currentReplicas: 3, requests: [900, 1000, 1100], levels: [1010, 1030, 1020] }, 100, 3, 102, 1020));

test('TestReplicaCalcMissingMetrics', () => {
  const r = calc({ currentReplicas: 4, levels: [400, 95] }, 100);
  assert.deepEqual([r.replicas, r.utilization, r.rawAverageMilli], [3, 24, 495]);
});

test('TestReplicaCalcMissingMetricsNoChangeEq / Gt / Lt', () => {
  expectCalc({ currentReplicas: 2, levels: [1000] }, 100, 2, 100, 1000);
  expectCalc({ currentReplicas: 2, levels: [1900] }, 100, 2, 190, 1900);
  expectCalc({ currentReplicas: 2, levels: [600] }, 100, 2, 60, 600);
});

test('TestReplicaCalcMissingMetricsUnreadyChange', () =>
  expectCalc({ currentReplicas: 3, readiness: [false, true, true], levels: [100, 450] }, 50, 3, 45, 450));

test('TestReplicaCalcMissingMetricsUnreadyScaleUp / HotCpuScaleUp', () => {
  expectCalc({ currentReplicas: 3, readiness: [false, true, true], levels: [100, 2000] }, 50, 4, 200, 2000);
  expectCalc(
    { currentReplicas: 3, readiness: [false, true, true], startTimes: [HOT, COOL, COOL], levels: [100, 2000] },
    50,
    4,
    200,
    2000
  );
});

test('TestReplicaCalcMissingMetricsUnreadyScaleDown', () =>
  expectCalc({ currentReplicas: 4, readiness: [false, true, true, true], levels: [100, 100, 100] }, 50, 3, 10, 100));

test('TestReplicaCalcMissingMetricsScaleDownTargetOver100 (missing pods count at max(100%, target))', () =>
  expectCalc(
    {
      currentReplicas: 4,
      readiness: [false, true, true, true],
      requests: [1000, 1000, 2000, 2000],
      levels: [200, 100, 100],
    },
    300,
    2,
    6,
    100
  ));

test('TestReplicaCalcDuringRollingUpdateWithMaxSurge', () =>
  expectCalc({ currentReplicas: 2, phases: ['Running', 'Running', 'Running'], levels: [100, 100] }, 50, 2, 10, 100));

test('TestReplicaCalcComputedToleranceAlgImplementation', () => {
  const startPods = 10;
  const used = startPods * 150;
  const requested = 2 * used;
  const requestedToUsed = Math.trunc(requested / used);
  const perPod = requested / startPods;
  const requests = [
    perPod + 100,
    perPod - 100,
    perPod + 10,
    perPod - 10,
    perPod + 2,
    perPod - 2,
    perPod + 1,
    perPod - 1,
    perPod,
    perPod,
  ];
  const levels = Array(10).fill(used / 10) as number[];
  let target = Math.abs(1 / (requestedToUsed * (1 - 0.1))) + 0.01;
  const finalPods = Math.ceil((used / (requested * target)) * startPods);
  expectCalc(
    { currentReplicas: startPods, levels, requests },
    Math.trunc(target * 100),
    finalPods,
    Math.trunc((used * 100) / requested),
    used / 10
  );
  // Within a hair of the tolerance: no scaling.
  target = Math.abs(1 / (requestedToUsed * (1 - 0.1))) + 0.004;
  assert.equal(calc({ currentReplicas: startPods, levels, requests }, Math.trunc(target * 100)).replicas, startPods);
});

test('TestReplicaCalcEmptyCPURequest and no metrics: the controller errors (no scaling)', () => {
  assert.throws(() => calc({ currentReplicas: 1, requests: [Number.NaN], levels: [200] }, 100), /missing request for/);
  assert.throws(() => calc({ currentReplicas: 3, levels: [] }, 100), /did not receive metrics for targeted pods/);
  assert.throws(() => getResourceReplicas(1, 100, TOL, [], NOW, TESTING), /no pods returned by selector/);
});

test('TestGroupPods (CPU): initialisation period, fresh metrics, never-ready pods, missing and ignored', () => {
  const g = (pod: Omit<PodState, 'name' | 'cpuRequestMilli'>) =>
    groupPods([{ name: 'p', cpuRequestMilli: 1000, ...pod }], NOW, 2 * MIN, 10_000);
  const metric = (ts = 0, window = 0) => ({ milli: 1, timestampMs: ts, windowMs: window });
  // unready a pod without ready condition
  assert.deepEqual([...g({ phase: 'Succeeded', startTimeMs: NOW, cpuUsage: metric() }).unreadyPods], ['p']);
  // count in a ready pod with fresh metrics during initialization period
  assert.equal(
    g({
      phase: 'Succeeded',
      startTimeMs: NOW - MIN,
      readyCondition: { status: true, lastTransitionTimeMs: NOW - 30_000 },
      cpuUsage: metric(NOW, 30_000),
    }).readyPodCount,
    1
  );
  // unready a ready pod without fresh metrics during initialization period
  assert.equal(
    g({
      phase: 'Succeeded',
      startTimeMs: NOW - MIN,
      readyCondition: { status: true, lastTransitionTimeMs: NOW - 30_000 },
      cpuUsage: metric(NOW, MIN),
    }).unreadyPods.size,
    1
  );
  // unready an unready pod (transition 6 s after start, within the 10 s readiness delay)
  assert.equal(
    g({
      phase: 'Succeeded',
      startTimeMs: NOW - 10 * MIN,
      readyCondition: { status: false, lastTransitionTimeMs: NOW - 9 * MIN - 54_000 },
      cpuUsage: metric(),
    }).unreadyPods.size,
    1
  );
  // count in a ready pod without fresh metrics after initialization period
  assert.equal(
    g({
      phase: 'Succeeded',
      startTimeMs: NOW - 3 * MIN,
      readyCondition: { status: true, lastTransitionTimeMs: NOW - 3 * MIN },
      cpuUsage: metric(NOW - 2 * MIN, MIN),
    }).readyPodCount,
    1
  );
  // count in an unready pod that was ready after initialization period
  assert.equal(
    g({
      phase: 'Succeeded',
      startTimeMs: NOW - 10 * MIN,
      readyCondition: { status: false, lastTransitionTimeMs: NOW - 9 * MIN },
      cpuUsage: metric(),
    }).readyPodCount,
    1
  );
  // "unready pod that has never been ready after initialization period": transition exactly 10 s after start counts (strict After)
  assert.equal(
    g({
      phase: 'Succeeded',
      startTimeMs: NOW - 10 * MIN,
      readyCondition: { status: false, lastTransitionTimeMs: NOW - 9 * MIN - 50_000 },
      cpuUsage: metric(),
    }).readyPodCount,
    1
  );
  // a missing pod; a failed pod is ignored; a pending pod is unready
  assert.deepEqual([...g({ phase: 'Succeeded', startTimeMs: NOW - 3 * MIN }).missingPods], ['p']);
  assert.deepEqual([...g({ phase: 'Failed', cpuUsage: metric() }).ignoredPods], ['p']);
  assert.deepEqual([...g({ phase: 'Pending', cpuUsage: metric() }).unreadyPods], ['p']);
});

// ---- horizontal_test.go --------------------------------------------------------------------------

test('TestConvertDesiredReplicasWithRules (no behavior: scale-up limit max(2×current, 4))', () => {
  const cases: Array<[number, number, number, number, number, string]> = [
    [5, 7, 3, 8, 7, 'DesiredWithinRange'],
    [3, 1, 2, 8, 2, 'TooFewReplicas'],
    [1, 0, 0, 10, 0, 'DesiredWithinRange'],
    [20, 1000, 1, 10, 10, 'TooManyReplicas'],
    [3, 1000, 1, 2000, 6, 'ScaleUpLimit'],
    [1, 1000, 1, 2000, 4, 'ScaleUpLimit'],
  ];
  for (const [current, desired, min, max, want, cond] of cases) {
    const r = convertDesiredReplicasWithRules(current, desired, min, max);
    assert.equal(r.replicas, want, `${current}→${desired} in [${min},${max}]`);
    assert.equal(r.condition, cond);
  }
});

test('TestNormalizeDesiredReplicas (stabilizeRecommendation: max over 5 min, old sample replaced)', () => {
  const cases: Array<[string, Array<[number, number]>, number, number, number]> = [
    ['empty log', [], 5, 5, 1],
    [
      'stabilize',
      [
        [4, -2],
        [5, -1],
      ],
      3,
      5,
      3,
    ],
    [
      'no stabilize',
      [
        [1, -2],
        [2, -1],
      ],
      3,
      3,
      3,
    ],
    [
      'no stabilize - old recommendations',
      [
        [10, -10],
        [9, -9],
      ],
      3,
      3,
      2,
    ],
    [
      'stabilize - old recommendations',
      [
        [10, -10],
        [4, -1],
        [5, -2],
        [9, -9],
      ],
      3,
      5,
      4,
    ],
  ];
  for (const [name, recs, desired, want, logLength] of cases) {
    const c = new HorizontalPodAutoscalerController({ downscaleStabilizationSeconds: 300 });
    c.seed('k', { recommendations: recs.map(([r, m]) => ({ recommendation: r, timestampMs: NOW + m * MIN })) });
    assert.equal(c.stabilizeRecommendation('k', desired, NOW), want, name);
    assert.equal(c.history('k').recommendations.length, logLength, `${name}: log length`);
  }
});

/** generateScalingRules(pods, podsPeriod, percent, percentPeriod, stabilizationWindow). */
function rules(
  pods: number,
  podsPeriod: number,
  percent: number,
  percentPeriod: number,
  window: number
): ResolvedScalingRules {
  const policies: ResolvedScalingRules['policies'] = [];
  if (pods !== 0) {
    policies.push({ type: 'Pods', value: pods, periodSeconds: podsPeriod });
  }
  if (percent !== 0) {
    policies.push({ type: 'Percent', value: percent, periodSeconds: percentPeriod });
  }
  return { stabilizationWindowSeconds: window, selectPolicy: 'Max', policies };
}

/** generateEventsUniformDistribution: events at the centres of equal segments of the last `period` seconds. */
function events(raw: number[], periodSeconds: number): TimestampedScaleEvent[] {
  const seg = periodSeconds / raw.length;
  return raw.map((change, i) => ({
    replicaChange: change,
    timestampMs: NOW - Math.trunc(periodSeconds - seg * (i + 1) + seg / 2) * 1000,
    outdated: false,
  }));
}

test('TestScalingWithRules (convertDesiredReplicasWithBehaviorRate, API-defaulted rules)', () => {
  type Row = {
    name: string;
    cur: number;
    desired: number;
    min: number;
    max: number;
    want: number;
    cond: string;
    up?: ResolvedScalingRules;
    down?: ResolvedScalingRules;
    upEv?: TimestampedScaleEvent[];
    downEv?: TimestampedScaleEvent[];
  };
  const rows: Row[] = [
    { name: 'within range', cur: 5, desired: 7, min: 3, max: 8, want: 7, cond: 'DesiredWithinRange' },
    { name: '< minReplicas', cur: 3, desired: 1, min: 2, max: 8, want: 2, cond: 'TooFewReplicas' },
    { name: 'min 0', cur: 1, desired: 0, min: 0, max: 10, want: 0, cond: 'DesiredWithinRange' },
    { name: 'maxReplicas < scaleUpLimit', cur: 20, desired: 1000, min: 1, max: 10, want: 10, cond: 'TooManyReplicas' },
    { name: 'more than max', cur: 100, desired: 1000, min: 100, max: 150, want: 150, cond: 'TooManyReplicas' },
    {
      name: 'user 1% policy',
      cur: 3,
      desired: 1000,
      min: 1,
      max: 2000,
      want: 4,
      cond: 'ScaleUpLimit',
      up: rules(0, 0, 1, 60, 0),
    },
    { name: 'scaleUp with default behavior', cur: 10, desired: 50, min: 1, max: 1000, want: 20, cond: 'ScaleUpLimit' },
    {
      name: 'pods policy larger',
      cur: 10,
      desired: 500,
      min: 1,
      max: 1000,
      want: 110,
      cond: 'ScaleUpLimit',
      up: rules(100, 60, 100, 60, 0),
    },
    {
      name: 'percent policy larger',
      cur: 10,
      desired: 500,
      min: 1,
      max: 1000,
      want: 20,
      cond: 'ScaleUpLimit',
      up: rules(2, 60, 100, 60, 0),
    },
    {
      name: 'pod policy limitation',
      cur: 10,
      desired: 50,
      min: 1,
      max: 1000,
      want: 40,
      cond: 'ScaleUpLimit',
      up: rules(30, 60, 0, 0, 0),
    },
    {
      name: 'percent policy limitation',
      cur: 10,
      desired: 50,
      min: 1,
      max: 1000,
      want: 30,
      cond: 'ScaleUpLimit',
      up: rules(0, 0, 200, 60, 0),
    },
    {
      name: 'scaleDown percent larger than pods',
      cur: 100,
      desired: 2,
      min: 1,
      max: 1000,
      want: 80,
      cond: 'ScaleDownLimit',
      down: rules(20, 60, 1, 60, 300),
    },
    {
      name: 'scaleDown pods larger than percent',
      cur: 100,
      desired: 2,
      min: 1,
      max: 1000,
      want: 98,
      cond: 'ScaleDownLimit',
      down: rules(2, 60, 1, 60, 300),
    },
    {
      name: 'scaleDown MinReplicas with large pod policy',
      cur: 10,
      desired: 0,
      min: 1,
      max: 1000,
      want: 1,
      cond: 'TooFewReplicas',
      down: rules(100, 60, 0, 0, 300),
    },
    {
      name: 'scaleDown MinReplicas with large percent policy',
      cur: 10,
      desired: 2,
      min: 5,
      max: 1000,
      want: 5,
      cond: 'TooFewReplicas',
      down: rules(0, 0, 100, 60, 300),
    },
    {
      name: 'scaleDown pod policy limitation',
      cur: 10,
      desired: 2,
      min: 1,
      max: 1000,
      want: 5,
      cond: 'ScaleDownLimit',
      down: rules(5, 60, 0, 0, 300),
    },
    {
      name: 'scaleDown percent policy within',
      cur: 10,
      desired: 5,
      min: 1,
      max: 1000,
      want: 5,
      cond: 'DesiredWithinRange',
      down: rules(0, 0, 50, 60, 300),
    },
    {
      name: 'max with large pod policy and events',
      cur: 100,
      desired: 500,
      min: 1,
      max: 200,
      want: 200,
      cond: 'TooManyReplicas',
      up: rules(300, 60, 0, 0, 0),
      upEv: events([1, 5, 9], 120),
    },
    {
      name: 'rate.PeriodSeconds with many recent scale-ups',
      cur: 100,
      desired: 500,
      min: 1,
      max: 1000,
      want: 100,
      cond: 'ScaleUpLimit',
      up: rules(5, 120, 0, 0, 0),
      upEv: events([1, 5, 9], 120),
    },
    {
      name: 'pod policy and previous scale-ups',
      cur: 100,
      desired: 500,
      min: 1,
      max: 1000,
      want: 235,
      cond: 'ScaleUpLimit',
      up: rules(150, 120, 0, 0, 0),
      upEv: events([1, 5, 9], 120),
    },
    {
      name: 'percent policy and previous scale-ups',
      cur: 100,
      desired: 500,
      min: 1,
      max: 1000,
      want: 255,
      cond: 'ScaleUpLimit',
      up: rules(0, 0, 200, 120, 0),
      upEv: events([1, 5, 9], 120),
    },
    {
      name: 'percent policy, scale-up and -down events',
      cur: 6,
      desired: 24,
      min: 1,
      max: 1000,
      want: 16,
      cond: 'ScaleUpLimit',
      up: rules(0, 0, 300, 300, 0),
      upEv: events([4], 120),
      downEv: events([2], 120),
    },
    {
      name: 'scaleDown default policy and events',
      cur: 10,
      desired: 5,
      min: 1,
      max: 1000,
      want: 5,
      cond: 'DesiredWithinRange',
      downEv: events([1, 5, 9], 120),
    },
    {
      name: 'scaleDown pod policy and events',
      cur: 100,
      desired: 2,
      min: 1,
      max: 1000,
      want: 100,
      cond: 'ScaleDownLimit',
      down: rules(5, 120, 0, 0, 300),
      downEv: events([1, 5, 9], 120),
    },
    {
      name: 'scaleDown percent policy and events',
      cur: 100,
      desired: 0,
      min: 1,
      max: 1000,
      want: 56,
      cond: 'ScaleDownLimit',
      down: rules(0, 0, 50, 120, 300),
      downEv: events([2, 4, 6], 120),
    },
    {
      name: 'scaleDown percent, scale-up and -down events',
      cur: 10,
      desired: 1,
      min: 1,
      max: 1000,
      want: 6,
      cond: 'ScaleDownLimit',
      down: rules(0, 0, 50, 180, 0),
      upEv: events([2], 120),
      downEv: events([4], 120),
    },
    {
      name: 'previous events prevent further scale-down',
      cur: 100,
      desired: 0,
      min: 1,
      max: 1000,
      want: 100,
      cond: 'ScaleDownLimit',
      down: rules(0, 0, 10, 120, 300),
      downEv: events([10, 10, 10], 120),
    },
    {
      name: 'previous events still allow more',
      cur: 10,
      desired: 5,
      min: 1,
      max: 1000,
      want: 5,
      cond: 'DesiredWithinRange',
      down: rules(0, 0, 1000, 120, 300),
      downEv: events([10, 10, 10], 120),
    },
  ];
  for (const r of rows) {
    const b = resolveBehavior({ ...(r.up ? { scaleUp: r.up } : {}), ...(r.down ? { scaleDown: r.down } : {}) }, 300);
    const out = convertDesiredReplicasWithBehaviorRate(
      {
        scaleUp: b.scaleUp,
        scaleDown: b.scaleDown,
        minReplicas: r.min,
        maxReplicas: r.max,
        currentReplicas: r.cur,
        desiredReplicas: r.desired,
      },
      r.upEv ?? [],
      r.downEv ?? [],
      NOW
    );
    assert.equal(out.replicas, r.want, r.name);
    assert.equal(out.reason, r.cond, `${r.name}: condition`);
  }
});

test('TestCalculateScaleUp/DownLimitWithScalingRules: Min and Disabled select policies', () => {
  const up = (
    select: 'Max' | 'Min' | 'Disabled',
    policies: ResolvedScalingRules['policies'],
    ev: TimestampedScaleEvent[] = []
  ) =>
    calculateScaleUpLimitWithScalingRules(
      5,
      ev,
      [],
      { stabilizationWindowSeconds: 0, selectPolicy: select, policies },
      NOW
    );
  assert.equal(up('Max', [{ type: 'Pods', value: 4, periodSeconds: 60 }]), 9);
  assert.equal(
    up(
      'Max',
      [{ type: 'Pods', value: 4, periodSeconds: 60 }],
      [{ replicaChange: 2, timestampMs: NOW - 30_000, outdated: false }]
    ),
    7
  );
  assert.equal(up('Disabled', [{ type: 'Pods', value: 4, periodSeconds: 60 }]), 5);
  assert.equal(
    up('Min', [
      { type: 'Pods', value: 4, periodSeconds: 60 },
      { type: 'Pods', value: 2, periodSeconds: 60 },
    ]),
    7
  );
  // TestCalculateScaleDownLimitWithBehaviors… with the Min select policy (upstream: 5 pods, 2 pods or 50% → 3).
  const minDown = calculateScaleDownLimitWithBehaviors(
    5,
    [],
    [],
    {
      stabilizationWindowSeconds: 300,
      selectPolicy: 'Min',
      policies: [
        { type: 'Pods', value: 2, periodSeconds: 60 },
        { type: 'Percent', value: 50, periodSeconds: 60 },
      ],
    },
    NOW
  );
  assert.equal(minDown, 3);
  assert.equal(
    calculateScaleDownLimitWithBehaviors(
      10,
      [],
      [{ replicaChange: 1, timestampMs: NOW - 30_000, outdated: false }],
      {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 20, periodSeconds: 60 }],
      },
      NOW
    ),
    8
  );
  // getReplicasChangePerPeriod counts events strictly inside the period.
  assert.equal(
    getReplicasChangePerPeriod(
      60,
      [
        { replicaChange: 3, timestampMs: NOW - 60_000, outdated: false },
        { replicaChange: 2, timestampMs: NOW - 59_999, outdated: false },
      ],
      NOW
    ),
    2
  );
});

test('TestStoreScaleEvents: no behavior stores nothing; outdated slots are reused', () => {
  const run = (prev: Array<[number, number]>, up: ResolvedScalingRules | undefined) => {
    const c = new HorizontalPodAutoscalerController();
    c.seed('k', {
      scaleUpEvents: prev.map(([ch, agoS]) => ({ replicaChange: ch, timestampMs: NOW - agoS * 1000, outdated: false })),
    });
    c.storeScaleEvent(up ? { scaleUp: up } : undefined, 'k', 10, 15, NOW);
    return c.history('k').scaleUpEvents.map((e) => [e.replicaChange, e.timestampMs === NOW, e.outdated]);
  };
  assert.deepEqual(run([], undefined), []);
  assert.deepEqual(run([], rules(10, 60, 100, 60, 0)), [[5, true, false]]);
  assert.deepEqual(run([[7, 61]], undefined), [[7, false, false]]);
  assert.deepEqual(run([[7, 61]], rules(10, 60, 100, 60, 0)), [[5, true, false]]);
  assert.deepEqual(run([[7, 58]], rules(10, 60, 100, 60, 0)), [
    [7, false, false],
    [5, true, false],
  ]);
  assert.deepEqual(
    run(
      [
        [7, 61],
        [6, 59],
      ],
      rules(10, 60, 0, 0, 0)
    ),
    [
      [5, true, false],
      [6, false, false],
    ]
  );
  assert.deepEqual(
    run(
      [
        [8, 29],
        [6, 59],
        [7, 61],
        [9, 61],
      ],
      rules(10, 60, 100, 30, 0)
    ),
    [
      [8, false, false],
      [6, false, false],
      [7, false, true],
      [5, true, false],
    ]
  );
});

// ---- reconcileAutoscaler ------------------------------------------------------------------------------

function readyPods(n: number, usageMilli: number, requestMilli = 100): PodState[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `p${i}`,
    phase: 'Running' as const,
    startTimeMs: NOW - 10 * MIN,
    readyCondition: { status: true, lastTransitionTimeMs: NOW - 9 * MIN },
    cpuRequestMilli: requestMilli,
    cpuUsage: { milli: usageMilli, timestampMs: NOW, windowMs: 30_000 },
  }));
}

test('TestStabilizeDownscale (reconcile: a recent higher recommendation holds the scale-down)', () => {
  const c = new HorizontalPodAutoscalerController();
  c.seed('ns/hpa', {
    recommendations: [
      { recommendation: 10, timestampMs: NOW - 10 * MIN },
      { recommendation: 4, timestampMs: NOW - MIN },
    ],
  });
  const r = c.reconcile(
    { key: 'ns/hpa', minReplicas: 1, maxReplicas: 5, targetCpuUtilizationPercent: 100 },
    4,
    readyPods(4, 50),
    NOW
  );
  assert.equal(r.metricDesiredReplicas, 2);
  assert.equal(r.rescale, false);
  assert.equal(r.desiredReplicas, 4);
  assert.equal(r.conditions.ableToScale, 'ScaleDownStabilized');
});

test('reconcileAutoscaler: out-of-bounds replicas jump to the bound without a rate limit; zero disables scaling', () => {
  const c = new HorizontalPodAutoscalerController();
  const above = c.reconcile(
    { key: 'a', minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 50 },
    40,
    readyPods(40, 10),
    NOW
  );
  assert.deepEqual([above.desiredReplicas, above.reason], [5, 'Current number of replicas above Spec.MaxReplicas']);
  const below = c.reconcile(
    { key: 'b', minReplicas: 30, maxReplicas: 50, targetCpuUtilizationPercent: 50 },
    2,
    readyPods(2, 10),
    NOW
  );
  assert.deepEqual([below.desiredReplicas, below.reason], [30, 'Current number of replicas below Spec.MinReplicas']);
  const zero = c.reconcile({ key: 'z', minReplicas: 1, maxReplicas: 5, targetCpuUtilizationPercent: 50 }, 0, [], NOW);
  assert.deepEqual([zero.rescale, zero.conditions.scalingActive], [false, 'ScalingDisabled']);
  const noMetrics = c.reconcile(
    { key: 'm', minReplicas: 1, maxReplicas: 5, targetCpuUtilizationPercent: 50 },
    2,
    readyPods(2, 10).map(({ cpuUsage: _u, ...p }) => p),
    NOW
  );
  assert.equal(noMetrics.rescale, false);
  assert.match(noMetrics.error ?? '', /did not receive metrics/);
});

test('reconcileAutoscaler without behavior: legacy scale-up limit per sync, scale-down after the 300 s window', () => {
  const c = new HorizontalPodAutoscalerController();
  const hpa = { key: 'k', minReplicas: 1, maxReplicas: 20, targetCpuUtilizationPercent: 50 };
  // 2 pods at 250% of target: wants 10, limited to max(2×2, 4) = 4.
  const up = c.reconcile(hpa, 2, readyPods(2, 250), NOW);
  assert.deepEqual(
    [up.metricDesiredReplicas, up.desiredReplicas, up.conditions.scalingLimited],
    [10, 4, 'ScaleUpLimit']
  );
  assert.equal(up.reason, 'cpu resource utilization (percentage of request) above target');
  // Load drops: the recommendation of 10 (15 s ago) holds replicas until it leaves the window.
  const hold = c.reconcile(hpa, 4, readyPods(4, 10), NOW + 15_000);
  assert.equal(hold.desiredReplicas, 8, 'max(recent recommendations) = 10, capped at 2×4');
  let t = NOW + 15_000;
  let cur = 8;
  let downAt = -1;
  for (let i = 0; i < 30 && downAt < 0; i++) {
    t += 15_000;
    const r = c.reconcile(hpa, cur, readyPods(cur, 10), t);
    if (r.desiredReplicas < cur) {
      downAt = t;
    }
    cur = r.desiredReplicas;
  }
  // The recommendation of 10 was made at NOW; the cutoff is inclusive (rec < now − 300 s is old), so it
  // still counts at NOW + 300 s and the first sync after that scales down.
  assert.equal(downAt, NOW + 315_000);
  assert.equal(cur, 2, 'ceil(0.2 × 8): 10% utilisation against a 50% target');
});

test('reconcileAutoscaler with behavior: defaults (4 pods or 100% per 15 s up, 100% per 15 s down), Disabled scale-down', () => {
  const c = new HorizontalPodAutoscalerController();
  const hpa = { key: 'b', minReplicas: 1, maxReplicas: 100, targetCpuUtilizationPercent: 50, behavior: {} };
  const r1 = c.reconcile(hpa, 10, readyPods(10, 500), NOW);
  assert.deepEqual([r1.metricDesiredReplicas, r1.desiredReplicas], [100, 20]);
  // Within the same 15 s period the 10 added pods count against the limit: period start 10 → 20 again.
  const r2 = c.reconcile(hpa, 20, readyPods(20, 500), NOW + 5_000);
  assert.equal(r2.desiredReplicas, 20);
  assert.equal(r2.rescale, false);
  const r3 = c.reconcile(hpa, 20, readyPods(20, 500), NOW + 16_000);
  assert.equal(r3.desiredReplicas, 40);
  // Scale-down disabled: never below current.
  const d = new HorizontalPodAutoscalerController();
  const off = {
    key: 'd',
    minReplicas: 1,
    maxReplicas: 100,
    targetCpuUtilizationPercent: 50,
    behavior: { scaleDown: { selectPolicy: 'Disabled' as const, stabilizationWindowSeconds: 0 } },
  };
  assert.equal(d.reconcile(off, 10, readyPods(10, 5), NOW).desiredReplicas, 10);
  // Scale-up stabilisation window: the lowest recommendation of the last 60 s wins.
  const s = new HorizontalPodAutoscalerController();
  const slow = {
    key: 's',
    minReplicas: 1,
    maxReplicas: 100,
    targetCpuUtilizationPercent: 50,
    behavior: { scaleUp: { stabilizationWindowSeconds: 60 } },
  };
  s.seed('s', { recommendations: [{ recommendation: 12, timestampMs: NOW - 30_000 }] });
  assert.equal(s.reconcile(slow, 10, readyPods(10, 100), NOW).desiredReplicas, 12);
});

test('configurable tolerance (behavior.scaleUp.tolerance) widens the band', () => {
  const c = new HorizontalPodAutoscalerController();
  const base = { key: 't', minReplicas: 1, maxReplicas: 100, targetCpuUtilizationPercent: 50 };
  assert.equal(c.reconcile(base, 10, readyPods(10, 60), NOW).desiredReplicas, 12);
  const wide = { ...base, key: 't2', behavior: { scaleUp: { tolerance: 0.25 } } };
  assert.equal(c.reconcile(wide, 10, readyPods(10, 60), NOW).rescale, false);
});

test('the simulator runs the exact HPA by default and exposes pods in the Kubernetes shape', () => {
  const seen: PodState[][] = [];
  const hpa = createKubernetesHpa();
  const c = new SimulatedCluster({
    seed: 9,
    topology: smallTopology({
      hpa: { minReplicas: 1, maxReplicas: 10, targetCpuUtilization: 0.5 },
      podStartupSeconds: 20,
    }),
    workload: { name: 'flat', stepSeconds: 60, values: [1, 1] },
    peakRps: 190,
    autoscaler: (s, now) => {
      seen.push(s.pods);
      return hpa(s, now);
    },
  });
  c.advance(600);
  const pods = seen[seen.length - 1]!;
  assert.ok(pods.every((p) => p.phase === 'Running' && p.cpuRequestMilli === 500 && p.readyCondition !== undefined));
  assert.ok(pods.some((p) => p.cpuUsage && Number.isInteger(p.cpuUsage.milli)));
  // 190 req/s at 100 req/s per replica at 50% target → about 4 replicas.
  const d = c.getDeployment('api');
  assert.ok(d.replicas >= 4 && d.replicas <= 5, `replicas ${d.replicas}`);
  assert.ok(hpa.controller.history('api').recommendations.length > 0);
  // First sync after creation: the new pods are missing (no full metric window) yet, then counted.
  assert.ok(seen.some((ps) => ps.some((p) => !p.cpuUsage)));
});

test('KubernetesHpaPolicy: the port behind the policy interface', () => {
  const p = new KubernetesHpaPolicy();
  const out = p.propose({
    service: 'api',
    timeMs: NOW,
    replicas: { desired: 2, ready: 2, starting: 0 },
    pods: readyPods(2, 90),
    cpuUtilization: 0.9,
    hpa: { minReplicas: 1, maxReplicas: 10, targetCpuUtilization: 0.5 },
    latencyP95Ms: 100,
    sloMs: 200,
    errorRate: 0,
    requestRate: 100,
    time: timeFeatures(NOW),
  });
  assert.equal(out?.mode, 'direct');
  assert.equal(out?.replicas, 4);
  assert.match(out?.reason ?? '', /above target/);
});
