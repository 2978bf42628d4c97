import { actionRecord, appliedHpaAction, guardDecisions } from '../../test/actionFixtures';
import {
  actionRows,
  appliedAtMs,
  changeSummary,
  clampNote,
  describeChange,
  guardChecklist,
  guardSummary,
  isOpen,
  observedText,
  openSummary,
  outcomeText,
  predictedEffectLines,
  ruleLabel,
} from './format';

describe('describeChange', () => {
  test('direct: replicas before → after', () => {
    expect(describeChange({ replicas: 5 }, { replicas: 3 })).toBe('3 → 5 replicas');
    expect(describeChange({ replicas: 5 })).toBe('→ 5 replicas');
  });

  test('parametric: only the HPA fields that change, the CPU target in percent', () => {
    const before = { hpa: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.7 } };
    expect(describeChange({ hpa: { minReplicas: 4, targetCpuUtilization: 0.6 } }, before)).toBe(
      'minReplicas 2 → 4, target 70% → 60%'
    );
    expect(describeChange({ hpa: { maxReplicas: 12 } }, before)).toBe('maxReplicas 10 → 12');
    expect(describeChange({ hpa: { targetCpuUtilization: 0.55 } })).toBe('target → 55%');
  });

  test('a rollback restores every HPA field: those already at their value are left out', () => {
    const current = { hpa: { minReplicas: 4, maxReplicas: 10, targetCpuUtilization: 0.6 } };
    expect(describeChange({ hpa: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.7 } }, current)).toBe(
      'minReplicas 4 → 2, target 60% → 70%'
    );
    expect(describeChange({ hpa: { ...current.hpa } }, current)).toBe('no change');
  });

  test('an empty change says so', () => {
    expect(describeChange({})).toBe('no change');
  });
});

describe('changeSummary and clampNote', () => {
  test('the before state comes from the actuator, else from the prediction', () => {
    expect(changeSummary(actionRecord())).toBe('3 → 5 replicas');
    expect(
      changeSummary(actionRecord({ before: undefined, predictedEffect: { replicasBefore: 4, replicasAfter: 5 } }))
    ).toBe('4 → 5 replicas');
    expect(changeSummary(actionRecord({ before: undefined, predictedEffect: undefined }))).toBe('→ 5 replicas');
    expect(changeSummary(appliedHpaAction())).toBe('minReplicas 2 → 4, target 70% → 60%');
  });

  test('clampNote says what the guards changed, and nothing when they changed nothing', () => {
    expect(clampNote(actionRecord())).toBe(
      'The policy proposed 3 → 7 replicas; the guards let 3 → 5 replicas through.'
    );
    expect(clampNote(appliedHpaAction())).toBeUndefined();
  });
});

describe('guards', () => {
  test('checklist keeps the order and every rule with a readable name', () => {
    const rows = guardChecklist(guardDecisions());
    expect(rows.map((r) => [r.label, r.action])).toEqual([
      ['Valid proposal', 'allowed'],
      ['Hard bounds', 'allowed'],
      ['Maximum step', 'clamped'],
      ['Cooldown', 'allowed'],
    ]);
    expect(rows[2].reason).toBe('at most +2 replicas per step: 7 → 5');
    expect(ruleLabel('a_rule_from_a_newer_sidecar')).toBe('a_rule_from_a_newer_sidecar');
  });

  test('summary names clamped and rejected rules', () => {
    expect(guardSummary({ outcome: 'modified', decisions: guardDecisions() })).toBe(
      'Guards: modified (1 of 4 clamped: Maximum step)'
    );
    expect(
      guardSummary({
        outcome: 'rejected',
        decisions: [
          { rule: 'validity', action: 'allowed', reason: 'ok' },
          { rule: 'freeze_window', action: 'rejected', reason: 'release freeze until 18:00' },
        ],
      })
    ).toBe('Guards: rejected (1 of 2 rejected: Freeze window)');
    expect(guardSummary({ outcome: 'allowed', decisions: [guardDecisions()[0]] })).toBe(
      'Guards: allowed (1 rule checked)'
    );
    expect(guardSummary({ outcome: 'noop', decisions: [] })).toBe('Guards: no change needed (no rules reported)');
  });
});

describe('predicted effect and outcome', () => {
  test('replicas, capacity and the forecast p90 with headroom after and now', () => {
    const a = actionRecord();
    expect(predictedEffectLines(a.predictedEffect, a.forecast)).toEqual([
      'Replicas 3 → 5',
      'Capacity 150 → 250 req/s',
      'Forecast p90 in 15m: 240 req/s (headroom 4% after, −38% now)',
    ]);
  });

  test('partial information gives fewer lines', () => {
    expect(predictedEffectLines({ replicasBefore: 2, replicasAfter: 4 })).toEqual(['Replicas 2 → 4']);
    expect(predictedEffectLines(undefined, { p50: 8, p90: 12.345, horizonSeconds: 3600 })).toEqual([
      'Forecast p90 in 1h: 12.3 req/s',
    ]);
    expect(predictedEffectLines(undefined)).toEqual([]);
  });

  test('observed state when the loop decided', () => {
    expect(observedText(actionRecord().observed)).toBe('p95 232 ms (SLO 250 ms), 148 req/s, CPU 82%');
    expect(observedText(undefined)).toBeUndefined();
  });

  test('outcome text', () => {
    expect(outcomeText(appliedHpaAction().outcome)).toBe('Improved: p95 420 → 180 ms (SLO 250 ms), 2 → 4 replicas');
    expect(outcomeText(undefined)).toBeUndefined();
  });
});

describe('rows and summaries', () => {
  test('rows newest first, with the change, the guards and the outcome', () => {
    const rows = actionRows([appliedHpaAction(), actionRecord({ decidedBy: 'ann', decisionNote: 'peak expected' })]);
    expect(rows.map((r) => r.service)).toEqual(['frontend', 'checkout']);
    expect(rows[0]).toMatchObject({
      created: '2025-01-01 11:50:00',
      statusLabel: 'Pending approval',
      summary: '3 → 5 replicas',
      policy: 'predictive (direct)',
      mode: 'Approve',
      decision: 'ann: peak expected',
      outcome: '',
    });
    expect(rows[1]).toMatchObject({ statusLabel: 'Applied', outcome: expect.stringMatching(/^Improved/) });
    expect(
      actionRows([actionRecord({ rollbackOf: 'x', change: { replicas: 3 }, before: { replicas: 5 } })])[0].summary
    ).toBe('Rollback: 5 → 3 replicas');
  });

  test('open actions and their summary', () => {
    expect(isOpen(actionRecord())).toBe(true);
    expect(isOpen(actionRecord({ status: 'proposed' }))).toBe(true);
    expect(isOpen(appliedHpaAction())).toBe(false);
    expect(
      openSummary([actionRecord(), actionRecord(), actionRecord({ status: 'proposed' }), appliedHpaAction()])
    ).toBe('2 pending approval, 1 proposed');
    expect(openSummary([appliedHpaAction()])).toBe('Nothing waits for a decision');
  });

  test('applied time: the approval in approve mode, else the creation', () => {
    expect(appliedAtMs(actionRecord({ decidedAt: '2025-01-01T11:55:00Z' }))).toBe(Date.parse('2025-01-01T11:55:00Z'));
    expect(appliedAtMs(appliedHpaAction())).toBe(Date.parse('2025-01-01T11:30:00Z'));
    expect(appliedAtMs(actionRecord({ createdAt: 'garbage' }))).toBeUndefined();
  });
});
