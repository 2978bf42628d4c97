/**
 * Response schemas the routes share: errors, Grafana frames, anomaly regions, the action record, the service
 * graph. Fastify serialises answers through them, and drops what they do not declare — so every field a handler
 * returns is declared here; `additionalProperties: true` only where the shape is open (Grafana field config,
 * audit details, upstream bodies). Numbers that may be missing are `number | null` (JSON has no NaN: the app
 * writes non-finite numbers as null before serialising).
 */
import { Type, type TSchema } from 'typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** number | null without per-item matching (arrays of these can be long). */
export const NumberOrNull = Type.Unsafe<number | null>({ type: ['number', 'null'] });
export const Labels = Type.Record(Type.String(), Type.String());
/** An open object (its keys are not the API's: Grafana config, audit details, upstream shapes). */
export const OpenObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** Every 4xx and 5xx: the status, a short error, a message that starts with the field, and the field. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'The request field at fault (4xx), in the API notation' })),
    code: Type.Optional(Type.String()),
    query: Type.Optional(Type.String({ description: 'The upstream query that failed' })),
    upstreamMessage: Type.Optional(Type.String()),
  },
  { additionalProperties: true }
);

/** The error answers every operation may give (Fastify's 4xx/5xx ranges). */
export const errorResponses = { '4xx': ErrorResponse, '5xx': ErrorResponse } as const;

/** Grafana data frame, column-wise (`time` in ms, numbers with null for gaps). */
export const FrameSchema = Type.Object({
  name: Type.String(),
  fields: Type.Array(
    Type.Object({
      name: Type.String(),
      type: Type.Union([Type.Literal('time'), Type.Literal('number')]),
      values: Type.Array(NumberOrNull),
      config: Type.Optional(OpenObject('Grafana field config (min, max, custom.axisPlacement, …)')),
    })
  ),
});

/** Grafana Node Graph frame (`nodes` or `edges`). */
export const NodeGraphFrameSchema = Type.Object({
  name: Type.String(),
  meta: Type.Optional(OpenObject('Frame meta: preferredVisualisationType nodeGraph')),
  fields: Type.Array(
    Type.Object({
      name: Type.String(),
      type: Type.Union([Type.Literal('string'), Type.Literal('number')]),
      values: Type.Array(Type.Unsafe<string | number | null>({ type: ['string', 'number', 'null'] })),
      config: Type.Optional(OpenObject('Grafana field config')),
    })
  ),
});

export const ServiceGraphSchema = Type.Object({
  nodes: Type.Array(
    Type.Object({
      id: Type.String(),
      requests: Type.Number(),
      errors: Type.Number(),
      errorRate: NumberOrNull,
      rate: NumberOrNull,
      p50Ms: NumberOrNull,
      p95Ms: NumberOrNull,
      selfMsMean: NumberOrNull,
      downstreamMsMean: NumberOrNull,
      entry: Type.Boolean(),
    })
  ),
  edges: Type.Array(
    Type.Object({
      id: Type.String(),
      source: Type.String(),
      target: Type.String(),
      calls: Type.Number(),
      errors: Type.Number(),
      errorRate: NumberOrNull,
      rate: NumberOrNull,
      p50Ms: NumberOrNull,
      p95Ms: NumberOrNull,
    })
  ),
  windowSeconds: Type.Number(),
  spans: Type.Number(),
  traces: Type.Number(),
  source: Type.Optional(Type.Union([Type.Literal('spans'), Type.Literal('tempo-service-graph-metrics')])),
  quality: Type.Optional(
    Type.Object({ orphanSpans: Type.Number(), skewedSpans: Type.Number(), clampedSelfTimeSpans: Type.Number() })
  ),
  notes: Type.Optional(Type.Array(Type.String())),
});

export const Severity = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('critical'),
]);

/** A stretch where the anomaly score passed the threshold; `id` is the handle for feedback. */
export const AnomalyRegionSchema = Type.Object({
  id: Type.String(),
  seriesKey: Type.String(),
  startMs: Type.Number(),
  endMs: Type.Number(),
  peakMs: Type.Number(),
  peakScore: Type.Number(),
  severity: Severity,
  points: Type.Integer(),
  ongoing: Type.Optional(Type.Boolean({ description: 'Streaming mode: the region is still open' })),
});

// ---- actions ------------------------------------------------------------------------------------

const HpaFields = Type.Object({
  minReplicas: Type.Number(),
  maxReplicas: Type.Number(),
  targetCpuUtilization: Type.Number({ description: '0..1' }),
});
const HpaChange = Type.Partial(HpaFields);
const ActionChange = Type.Object({ replicas: Type.Optional(Type.Number()), hpa: Type.Optional(HpaChange) });
const WorkloadState = Type.Object({
  replicas: Type.Number(),
  hpa: Type.Optional(HpaFields),
  resourceVersions: Type.Optional(
    Type.Object({ scale: Type.Optional(Type.String()), hpa: Type.Optional(Type.String()) })
  ),
  lastActionId: Type.Optional(Type.String()),
  hpaActionId: Type.Optional(Type.String({ description: 'The action whose id the HPA carries (written with it)' })),
});
export const ActionStatusSchema = Type.Union([
  Type.Literal('proposed'),
  Type.Literal('pending_approval'),
  Type.Literal('applying'),
  Type.Literal('applied'),
  Type.Literal('failed'),
  Type.Literal('rejected'),
  Type.Literal('expired'),
  Type.Literal('rolling_back'),
  Type.Literal('rolled_back'),
]);
export const AutomationModeSchema = Type.Union([
  Type.Literal('recommend'),
  Type.Literal('approve'),
  Type.Literal('autonomous'),
]);
const IntegrationMode = Type.Union([Type.Literal('parametric'), Type.Literal('direct')]);

export const ActionRecordSchema = Type.Object({
  id: Type.String(),
  service: Type.String(),
  target: Type.Object({
    service: Type.String(),
    namespace: Type.String(),
    deployment: Type.String(),
    hpa: Type.Optional(Type.String()),
  }),
  policy: Type.String(),
  integration: IntegrationMode,
  mode: AutomationModeSchema,
  status: ActionStatusSchema,
  reason: Type.String(),
  proposed: ActionChange,
  change: ActionChange,
  guard: Type.Object({
    outcome: Type.Union([
      Type.Literal('allowed'),
      Type.Literal('modified'),
      Type.Literal('rejected'),
      Type.Literal('noop'),
    ]),
    decisions: Type.Array(
      Type.Object({
        rule: Type.String(),
        action: Type.Union([Type.Literal('allowed'), Type.Literal('clamped'), Type.Literal('rejected')]),
        reason: Type.String(),
      })
    ),
  }),
  forecast: Type.Optional(
    Type.Object({
      p50: Type.Number(),
      p90: Type.Number(),
      p10: Type.Optional(Type.Number()),
      horizonSeconds: Type.Number(),
    })
  ),
  predictedEffect: Type.Optional(
    Type.Object({
      replicasBefore: Type.Number(),
      replicasAfter: Type.Number(),
      capacityRpsBefore: Type.Optional(Type.Number()),
      capacityRpsAfter: Type.Optional(Type.Number()),
      forecastP90Rps: Type.Optional(Type.Number()),
    })
  ),
  observed: Type.Optional(
    Type.Object({
      latencyP95Ms: NumberOrNull,
      sloMs: Type.Number(),
      requestRateRps: NumberOrNull,
      cpuUtilization: NumberOrNull,
    })
  ),
  before: Type.Optional(WorkloadState),
  after: Type.Optional(WorkloadState),
  outcome: Type.Optional(
    Type.Object({
      measuredAt: Type.String(),
      latencyP95BeforeMs: NumberOrNull,
      latencyP95AfterMs: NumberOrNull,
      sloMs: Type.Number(),
      replicasBefore: Type.Number(),
      replicasAfter: Type.Number(),
      verdict: Type.Union([Type.Literal('improved'), Type.Literal('neutral'), Type.Literal('worse')]),
    })
  ),
  error: Type.Optional(Type.String()),
  modelVersion: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  decidedBy: Type.Optional(Type.String()),
  decidedAt: Type.Optional(Type.String()),
  decisionNote: Type.Optional(Type.String()),
  rolledBackBy: Type.Optional(Type.String()),
  rolledBackAt: Type.Optional(Type.String()),
  rollbackOf: Type.Optional(Type.String({ description: 'Rollback records: the action this one rolls back' })),
  rollbackActionId: Type.Optional(Type.String({ description: 'The rollback record, once a rollback has started' })),
});

export const AutomationStatusSchema = Type.Object({
  running: Type.Boolean(),
  intervalSeconds: Type.Number(),
  actuator: Type.Union([Type.Literal('simulator'), Type.Literal('kubernetes')]),
  lastRunAt: Type.Optional(Type.String()),
  lastError: Type.Optional(Type.String()),
  leadership: Type.Optional(
    Type.Object(
      {
        kind: Type.Union([
          Type.Literal('kubernetes-lease'),
          Type.Literal('postgres-advisory-lock'),
          Type.Literal('single-replica'),
        ]),
        identity: Type.String(),
        leading: Type.Boolean(),
      },
      { description: 'Which replica acts (leader election among sidecar replicas), when one is configured' }
    )
  ),
  services: Type.Array(
    Type.Object({
      service: Type.String(),
      mode: AutomationModeSchema,
      policy: Type.String(),
      integration: IntegrationMode,
      breaker: Type.Object({
        open: Type.Boolean(),
        reason: Type.Optional(Type.String()),
        openedAt: Type.Optional(Type.String()),
      }),
      lastError: Type.Optional(Type.String()),
    })
  ),
});

export const AuditEntrySchema = Type.Object({
  id: Type.Number(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  subject: Type.String(),
  details: OpenObject('What the entry records (the action as changed, the credential that vouched for the actor)'),
});

/** `GET /api/v1/incidents`: what the incident watcher opened, newest first. */
export const IncidentListSchema = Type.Object({
  incidents: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      query: Type.String(),
      series: Type.String(),
      labels: Labels,
      severity: Severity,
      peakScore: Type.Number(),
      startMs: Type.Number(),
      endMs: Type.Number(),
      openedAtMs: Type.Number(),
      status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
    })
  ),
  running: Type.Boolean({ description: 'False when the watcher does not run (it runs in demo mode)' }),
  message: Type.Optional(Type.String()),
  lastRun: Type.Optional(
    Nullable(
      Type.Object({
        atMs: Type.Number(),
        error: Type.Optional(Type.String()),
        states: Type.Optional(
          Type.Object({
            fromMemory: Type.Number(),
            fromStore: Type.Number(),
            rebuilt: Type.Number(),
            pointsScored: Type.Number(),
            notes: Type.Array(Type.String()),
          })
        ),
      })
    )
  ),
});

/** A copy of `value` with every non-finite number (NaN, ±Infinity) as null, as JSON.stringify would write it. */
export function finiteJson(value: unknown): unknown {
  return hasNonFinite(value, 0) ? replaceNonFinite(value) : value;
}

function hasNonFinite(value: unknown, depth: number): boolean {
  if (typeof value === 'number') {
    return !Number.isFinite(value);
  }
  if (value === null || typeof value !== 'object' || depth > 64) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.some((v) => hasNonFinite(v, depth + 1));
  }
  return Object.values(value).some((v) => hasNonFinite(v, depth + 1));
}

function replaceNonFinite(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(replaceNonFinite);
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : null));
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceNonFinite(v)]));
}
