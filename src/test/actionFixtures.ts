import type { ActionRecord, AuditEntry, AutomationStatus, RuleDecision } from '../api/types';

/** Guard decisions of a direct-mode proposal that max_step clamped. */
export function guardDecisions(): RuleDecision[] {
  return [
    { rule: 'validity', action: 'allowed', reason: 'proposal is well-formed' },
    { rule: 'hard_bounds', action: 'allowed', reason: 'within 1..20 replicas' },
    { rule: 'max_step', action: 'clamped', reason: 'at most +2 replicas per step: 7 → 5' },
    { rule: 'cooldown', action: 'allowed', reason: 'last change 12m ago (cooldown 5m)' },
  ];
}

/** A direct-mode action waiting for approval: frontend 3 → 5 replicas (the policy asked for 7). */
export function actionRecord(overrides: Partial<ActionRecord> = {}): ActionRecord {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    service: 'frontend',
    target: { service: 'frontend', namespace: 'demo', deployment: 'frontend', hpa: 'frontend' },
    policy: 'predictive',
    integration: 'direct',
    mode: 'approve',
    status: 'pending_approval',
    reason: 'forecast p90 240 req/s in 15m exceeds the capacity of 3 replicas (150 req/s)',
    proposed: { replicas: 7 },
    change: { replicas: 5 },
    guard: { outcome: 'modified', decisions: guardDecisions() },
    forecast: { p50: 200, p90: 240, p10: 170, horizonSeconds: 900 },
    predictedEffect: {
      replicasBefore: 3,
      replicasAfter: 5,
      capacityRpsBefore: 150,
      capacityRpsAfter: 250,
      forecastP90Rps: 240,
    },
    observed: { latencyP95Ms: 231.6, sloMs: 250, requestRateRps: 148.2, cpuUtilization: 0.824 },
    before: { replicas: 3 },
    modelVersion: 'aidpe-tft-lite-v1',
    createdAt: '2025-01-01T11:50:00.000Z',
    updatedAt: '2025-01-01T11:50:00.000Z',
    ...overrides,
  };
}

/** A parametric action, applied and measured: HPA minReplicas 2 → 4 and the CPU target 70% → 60%. */
export function appliedHpaAction(overrides: Partial<ActionRecord> = {}): ActionRecord {
  return actionRecord({
    id: 'a1b2c3d4-0000-4000-8000-000000000002',
    service: 'checkout',
    target: { service: 'checkout', namespace: 'demo', deployment: 'checkout', hpa: 'checkout' },
    integration: 'parametric',
    mode: 'autonomous',
    status: 'applied',
    reason: 'latency p95 near the SLO; raise the floor ahead of the forecast peak',
    proposed: { hpa: { minReplicas: 4, targetCpuUtilization: 0.6 } },
    change: { hpa: { minReplicas: 4, targetCpuUtilization: 0.6 } },
    guard: { outcome: 'allowed', decisions: [{ rule: 'validity', action: 'allowed', reason: 'ok' }] },
    predictedEffect: { replicasBefore: 2, replicasAfter: 4 },
    before: { replicas: 2, hpa: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 0.7 } },
    after: { replicas: 4, hpa: { minReplicas: 4, maxReplicas: 10, targetCpuUtilization: 0.6 } },
    outcome: {
      measuredAt: '2025-01-01T11:40:00.000Z',
      latencyP95BeforeMs: 420,
      latencyP95AfterMs: 180,
      sloMs: 250,
      replicasBefore: 2,
      replicasAfter: 4,
      verdict: 'improved',
    },
    createdAt: '2025-01-01T11:30:00.000Z',
    updatedAt: '2025-01-01T11:40:00.000Z',
    ...overrides,
  });
}

export function automationStatus(overrides: Partial<AutomationStatus> = {}): AutomationStatus {
  return {
    running: true,
    intervalSeconds: 60,
    actuator: 'simulator',
    lastRunAt: '2025-01-01T11:59:00.000Z',
    services: [
      { service: 'frontend', mode: 'approve', policy: 'predictive', integration: 'direct', breaker: { open: false } },
      {
        service: 'checkout',
        mode: 'autonomous',
        policy: 'predictive',
        integration: 'parametric',
        breaker: { open: true, reason: '3 failed actuations in 10m', openedAt: '2025-01-01T11:45:00.000Z' },
      },
    ],
    ...overrides,
  };
}

export function auditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 7,
    at: '2025-01-01T11:51:00.000Z',
    actor: 'ann',
    action: 'action.approve',
    subject: 'a1b2c3d4-0000-4000-8000-000000000001',
    details: { note: 'peak expected' },
    ...overrides,
  };
}
