/**
 * The embedded demo cluster's own surface: its Prometheus exposition (for a real Prometheus to
 * scrape), Loki- and Tempo-shaped read endpoints (so the same connectors read it), the scale API
 * the actuator drives, and fault injection with ground truth.
 */
import { Type, type Static } from 'typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ALL_FAULT_TYPES, isCodeFaultType, type SimulatedCluster, type FaultType } from '../sim/index.ts';
import { BadRequestError, NotFoundError } from './errors.ts';
import { parseTime } from './query.ts';
import { errorResponses, Labels, NumberOrNull, OpenObject } from './responses.ts';

const ServiceParam = Type.Object({ service: Type.String({ minLength: 1 }) });
const ReplicasBody = Type.Object(
  { replicas: Type.Integer({ minimum: 0, maximum: 1000 }) },
  { additionalProperties: false }
);
const HpaBody = Type.Object(
  {
    minReplicas: Type.Integer({ minimum: 1, maximum: 1000 }),
    maxReplicas: Type.Integer({ minimum: 1, maximum: 1000 }),
    targetCpuUtilization: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
  },
  { additionalProperties: false }
);
const FaultBody = Type.Object(
  {
    service: Type.String({ minLength: 1 }),
    type: Type.Union(ALL_FAULT_TYPES.map((t) => Type.Literal(t))),
    startInSeconds: Type.Optional(
      Type.Number({ minimum: 0, maximum: 7 * 86400, description: 'Seconds after the simulated now; default 0' })
    ),
    durationSeconds: Type.Number({ minimum: 1, maximum: 7 * 86400, description: 'At least a second' }),
    intensity: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10 })),
    operation: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'exception / wrong_return only: the faulty operation (default: drawn from the fault id)',
      })
    ),
    variant: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          "exception: the exception class; wrong_return: 'empty' or 'inflated' (default: drawn from the fault id)",
      })
    ),
  },
  { additionalProperties: false }
);
const LokiQuery = Type.Object({
  query: Type.String({
    minLength: 1,
    description: 'LogQL stream selector, e.g. {service="cart"} or {service="cart", level="error"}',
  }),
  start: Type.Optional(Type.String({ maxLength: 64 })),
  end: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
});
const TempoSearch = Type.Object({
  start: Type.Optional(Type.String({ maxLength: 64 })),
  end: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

// ---- response shapes (the simulator's own; the ServiceSpec and HPA behaviour are open: they follow the topology)

const HpaSchema = Type.Object(
  {
    minReplicas: Type.Number(),
    maxReplicas: Type.Number(),
    targetCpuUtilization: Type.Number(),
    behavior: Type.Optional(OpenObject('autoscaling/v2 behavior (scale-up/down rules)')),
  },
  { description: 'The HPA; absent when the service has none' }
);
const FaultTypeSchema = Type.Union(ALL_FAULT_TYPES.map((t) => Type.Literal(t)));
const FaultRecordSchema = Type.Object({
  id: Type.String(),
  service: Type.String(),
  type: FaultTypeSchema,
  startMs: Type.Number(),
  endMs: Type.Number(),
  intensity: Type.Number(),
  operation: Type.Optional(Type.String({ description: 'Code-level faults: the faulty operation' })),
  variant: Type.Optional(
    Type.String({ description: 'Code-level faults: the exception class or wrong-return variant' })
  ),
});
const DeploymentSchema = Type.Object({
  service: Type.String(),
  spec: OpenObject("The service's simulated spec (tier, capacity, calls, resources)"),
  replicas: Type.Number(),
  readyReplicas: Type.Number(),
  startingReplicas: Type.Number(),
  pods: Type.Array(
    Type.Object({ name: Type.String(), ready: Type.Boolean(), restarts: Type.Number(), version: Type.String() })
  ),
  hpa: Type.Optional(HpaSchema),
  version: Type.String(),
});
const SnapshotSchema = Type.Object({
  timeMs: Type.Number(),
  seed: Type.Number(),
  services: Type.Array(
    Type.Object({
      service: Type.String(),
      tier: Type.String(),
      arrivalRps: NumberOrNull,
      throughputRps: NumberOrNull,
      errorRatio: NumberOrNull,
      latencyP50Ms: NumberOrNull,
      latencyP95Ms: NumberOrNull,
      latencyP99Ms: NumberOrNull,
      cpuUtilization: NumberOrNull,
      cpuCores: NumberOrNull,
      memoryBytes: NumberOrNull,
      queueBacklog: NumberOrNull,
      replicas: Type.Object({ desired: Type.Number(), ready: Type.Number(), starting: Type.Number() }),
      hpa: Type.Optional(HpaSchema),
      version: Type.String(),
      activeFaults: Type.Array(FaultTypeSchema),
    })
  ),
});
const EventSchema = Type.Object({
  timeMs: Type.Number(),
  type: Type.String(),
  service: Type.String(),
  message: Type.String(),
  pod: Type.Optional(Type.String()),
  faultId: Type.Optional(Type.String()),
  from: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  to: Type.Optional(Type.Union([Type.Number(), Type.String()])),
});
const LokiResponse = Type.Object({
  status: Type.Literal('success'),
  data: Type.Object({
    resultType: Type.Literal('streams'),
    result: Type.Array(
      Type.Object({
        stream: Labels,
        values: Type.Array(Type.Array(Type.String(), { minItems: 2, maxItems: 2 }), {
          description: '[Unix nanoseconds, line]',
        }),
      })
    ),
  }),
});
const TempoSearchResponse = Type.Object({
  traces: Type.Array(
    Type.Object({
      traceID: Type.String(),
      rootServiceName: Type.String(),
      rootTraceName: Type.String(),
      startTimeUnixNano: Type.String(),
      durationMs: Type.Number(),
    })
  ),
});
const TempoTraceResponse = Type.Object({
  batches: Type.Array(
    Type.Object({
      resource: Type.Object({
        attributes: Type.Array(Type.Object({ key: Type.String(), value: Type.Object({ stringValue: Type.String() }) })),
      }),
      scopeSpans: Type.Array(
        Type.Object({
          scope: Type.Object({ name: Type.String() }),
          spans: Type.Array(
            Type.Object({
              traceId: Type.String(),
              spanId: Type.String(),
              parentSpanId: Type.Optional(Type.String()),
              name: Type.String(),
              kind: Type.String(),
              startTimeUnixNano: Type.String(),
              endTimeUnixNano: Type.String(),
              status: Type.Object({ code: Type.String() }),
            })
          ),
        })
      ),
    })
  ),
});
const PrometheusText = {
  content: { 'text/plain': { schema: Type.String({ description: 'Prometheus text exposition format 0.0.4' }) } },
};

/** The longest window the simulator's Loki and Tempo shapes answer (the simulator keeps less history than this). */
const MAX_SIM_WINDOW_MS = 24 * 3600_000;

function checkWindow(startMs: number, endMs: number): void {
  if (startMs >= endMs) {
    throw new BadRequestError('start', 'must be before end');
  }
  if (endMs - startMs > MAX_SIM_WINDOW_MS) {
    throw new BadRequestError('start', `the window is longer than ${MAX_SIM_WINDOW_MS / 3600_000} h; narrow it`);
  }
}

/** Loki query times are Unix nanoseconds, seconds or RFC 3339. */
function lokiTime(field: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) {
    return fallbackMs;
  }
  if (/^\d{16,}$/.test(value)) {
    return parseTime(field, Number(BigInt(value) / 1_000_000n), fallbackMs);
  }
  return parseTime(field, value, fallbackMs);
}

/** The stream-selector subset of LogQL the simulator answers: equality matchers on service / level / pod. */
export function parseStreamSelector(query: string): Record<string, string> {
  const m = /^\s*\{(.*)\}\s*$/.exec(query);
  if (!m) {
    throw new BadRequestError(
      'query',
      'the embedded simulator answers LogQL stream selectors only, e.g. {service="cart"}'
    );
  }
  const out: Record<string, string> = {};
  const body = m[1]!.trim();
  if (body === '') {
    return out;
  }
  for (const part of body.split(',')) {
    const kv = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(part);
    if (!kv) {
      throw new BadRequestError('query', `cannot parse matcher ${JSON.stringify(part.trim())}; use label="value"`);
    }
    out[kv[1]!] = kv[2]!;
  }
  return out;
}

export const simulatorRoutes: FastifyPluginAsync<{ cluster: SimulatedCluster }> = async (app, { cluster }) => {
  const requireService = (service: string) => {
    if (!cluster.topology.services.some((s) => s.name === service)) {
      throw new NotFoundError(
        `service: ${JSON.stringify(service)} is not in the demo cluster; known: ${cluster.topology.services.map((s) => s.name).join(', ')}`,
        'service'
      );
    }
  };

  app.get(
    '/sim/metrics',
    {
      schema: {
        tags: ['simulator'],
        summary: "The demo cluster's metrics in Prometheus text format (scrape target)",
        response: { 200: PrometheusText },
      },
    },
    async (_req, reply) => {
      reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
      return cluster.exposition();
    }
  );

  app.get(
    '/api/v1/sim/status',
    {
      schema: {
        tags: ['simulator'],
        summary: 'Current state of every service in the demo cluster',
        response: { 200: SnapshotSchema, ...errorResponses },
      },
    },
    async () => cluster.snapshot()
  );

  app.get(
    '/api/v1/sim/deployments',
    {
      schema: {
        tags: ['simulator'],
        summary: 'Deployments with replicas and HPA settings',
        response: { 200: Type.Array(DeploymentSchema), ...errorResponses },
      },
    },
    async () => cluster.topology.services.map((s) => cluster.getDeployment(s.name))
  );

  app.put<{ Params: Static<typeof ServiceParam>; Body: Static<typeof ReplicasBody> }>(
    '/api/v1/sim/deployments/:service/replicas',
    {
      schema: {
        tags: ['simulator'],
        summary: 'Set desired replicas (new pods are ready after the start-up delay)',
        params: ServiceParam,
        body: ReplicasBody,
        response: { 200: DeploymentSchema, ...errorResponses },
      },
    },
    async (req) => {
      requireService(req.params.service);
      cluster.setReplicas(req.params.service, req.body.replicas);
      return cluster.getDeployment(req.params.service);
    }
  );

  app.put<{ Params: Static<typeof ServiceParam>; Body: Static<typeof HpaBody> }>(
    '/api/v1/sim/deployments/:service/hpa',
    {
      schema: {
        tags: ['simulator'],
        summary: "Set the service's HPA min/max/target",
        params: ServiceParam,
        body: HpaBody,
        response: { 200: DeploymentSchema, ...errorResponses },
      },
    },
    async (req) => {
      requireService(req.params.service);
      if (req.body.minReplicas > req.body.maxReplicas) {
        throw new BadRequestError('minReplicas', 'must not exceed maxReplicas');
      }
      cluster.setHpa(req.params.service, req.body);
      return cluster.getDeployment(req.params.service);
    }
  );

  app.get(
    '/api/v1/sim/faults',
    {
      schema: {
        tags: ['simulator'],
        summary:
          'Ground truth: every injected fault {service, type, start, end} (code-level faults: operation, variant)',
        response: { 200: Type.Array(FaultRecordSchema), ...errorResponses },
      },
    },
    async () => cluster.faults()
  );

  app.post<{ Body: Static<typeof FaultBody> }>(
    '/api/v1/sim/faults',
    {
      schema: {
        tags: ['simulator'],
        summary: 'Inject a fault (recorded as ground truth)',
        body: FaultBody,
        response: { 201: FaultRecordSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      requireService(req.body.service);
      const type = req.body.type as FaultType;
      for (const field of ['operation', 'variant'] as const) {
        if (req.body[field] !== undefined && !isCodeFaultType(type)) {
          throw new BadRequestError(field, 'applies to exception and wrong_return faults only');
        }
      }
      const startMs = cluster.now() + (req.body.startInSeconds ?? 0) * 1000;
      let record;
      try {
        record = cluster.injectFault({
          service: req.body.service,
          type,
          startMs,
          endMs: startMs + req.body.durationSeconds * 1000,
          ...(req.body.intensity !== undefined ? { intensity: req.body.intensity } : {}),
          ...(req.body.operation !== undefined ? { operation: req.body.operation } : {}),
          ...(req.body.variant !== undefined ? { variant: req.body.variant } : {}),
        });
      } catch (err) {
        // The cluster names what is wrong with the operation or variant (e.g. the operations it serves).
        const message = err instanceof Error ? err.message : '';
        if (!message.startsWith('injectFault: ')) {
          throw err;
        }
        const field = /variant/.test(message) ? 'variant' : 'operation';
        throw new BadRequestError(field, message.slice('injectFault: '.length));
      }
      return reply.status(201).send(record);
    }
  );

  app.get(
    '/api/v1/sim/events',
    {
      schema: {
        tags: ['simulator'],
        summary: 'Scale, deploy and fault events',
        response: { 200: Type.Array(EventSchema), ...errorResponses },
      },
    },
    async () => cluster.events()
  );

  app.get<{ Querystring: Static<typeof LokiQuery> }>(
    '/sim/loki/api/v1/query_range',
    {
      schema: {
        tags: ['simulator'],
        summary: "The demo cluster's logs in Loki's query_range shape",
        querystring: LokiQuery,
        response: { 200: LokiResponse, ...errorResponses },
      },
    },
    async (req) => {
      const selector = parseStreamSelector(req.query.query);
      if (selector.service !== undefined && !cluster.topology.services.some((s) => s.name === selector.service)) {
        throw new BadRequestError(
          'query',
          `service ${JSON.stringify(selector.service)} is not in the demo cluster; known: ${cluster.topology.services.map((s) => s.name).join(', ')}`
        );
      }
      const endMs = lokiTime('end', req.query.end, cluster.now());
      const startMs = lokiTime('start', req.query.start, endMs - 3600_000);
      checkWindow(startMs, endMs);
      return cluster.toLokiStreams({
        startMs,
        endMs,
        ...(selector.service ? { service: selector.service } : {}),
        ...(selector.level ? { level: selector.level } : {}),
        limit: req.query.limit ?? 1000,
      });
    }
  );

  app.get<{ Querystring: Static<typeof TempoSearch> }>(
    '/sim/tempo/api/search',
    {
      schema: {
        tags: ['simulator'],
        summary: "Recent traces in Tempo's search shape",
        querystring: TempoSearch,
        response: { 200: TempoSearchResponse, ...errorResponses },
      },
    },
    async (req) => {
      const nowMs = cluster.now();
      const endMs = req.query.end ? parseTime('end', req.query.end, nowMs) : nowMs;
      const startMs = req.query.start ? parseTime('start', req.query.start, nowMs) : endMs - 900_000;
      checkWindow(startMs, endMs);
      return cluster.toTempoSearch({ startMs, endMs, limit: req.query.limit ?? 20 });
    }
  );

  app.get<{ Params: { traceId: string } }>(
    '/sim/tempo/api/traces/:traceId',
    {
      schema: {
        tags: ['simulator'],
        summary: "One trace in Tempo's OTLP JSON shape",
        params: Type.Object({ traceId: Type.String({ pattern: '^[0-9a-fA-F]{1,32}$' }) }),
        response: { 200: TempoTraceResponse, ...errorResponses },
      },
    },
    async (req) => {
      const trace = cluster.toTempoTrace(req.params.traceId.toLowerCase());
      if (!trace) {
        throw new NotFoundError(`trace ${req.params.traceId} not found in the simulator's retained window`, 'traceId');
      }
      return trace;
    }
  );
};
