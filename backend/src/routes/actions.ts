/**
 * Scaling actions and their audit trail: list, approve, reject, roll back, resolve; per-service automation mode
 * and the circuit breaker's resume. Decisions need the user Grafana forwards (`X-Grafana-User`), believed only
 * with the API token (routes/identity.ts): without it they are refused, because every decision is audited under
 * a name and the credential that vouched for it.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ActionConflictError,
  ActionNotFoundError,
  ActionUnavailableError,
  type ActionLoop,
} from '../automation/loop.ts';
import type { ActionStatus } from '../automation/types.ts';
import type { Store } from '../store/sqlite.ts';
import { BadRequestError, NotFoundError } from './errors.ts';
import type { Identify } from './identity.ts';
import { ActionRecordSchema, AuditEntrySchema, AutomationStatusSchema, errorResponses, Nullable } from './responses.ts';

export interface ActionRouteOptions {
  loop: ActionLoop | undefined;
  store: Store | undefined;
  /** Why the loop is not running, for the empty answer. */
  unavailableReason: string;
  /** Who decides (the forwarded user, believed only with the token). */
  identify: Identify;
}

const STATUSES: readonly ActionStatus[] = [
  'proposed',
  'pending_approval',
  'applying',
  'applied',
  'failed',
  'rejected',
  'expired',
  'rolling_back',
  'rolled_back',
];
const MODES = ['recommend', 'approve', 'autonomous'] as const;

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const ServiceParams = Type.Object({ service: Type.String({ minLength: 1, maxLength: 200 }) });
const DecisionBody = Type.Union([
  Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
  Type.Null(),
]);

const ActionAnswer = Type.Object({ action: ActionRecordSchema });
const RollbackAnswer = Type.Object({
  action: ActionRecordSchema,
  rollback: ActionRecordSchema,
});
const ResolveAnswer = Type.Object({
  action: ActionRecordSchema,
  rollback: Type.Optional(ActionRecordSchema),
});
/** The loop's status, or (without a loop) running false with the reason. */
const AutomationAnswer = Type.Object({
  running: Type.Boolean(),
  message: Type.Optional(Type.String()),
  intervalSeconds: Type.Optional(Type.Number()),
  actuator: Type.Optional(AutomationStatusSchema.properties.actuator),
  lastRunAt: Type.Optional(Type.String()),
  lastError: Type.Optional(Type.String()),
  leadership: AutomationStatusSchema.properties.leadership,
  services: AutomationStatusSchema.properties.services,
});

const ERRORS = { 401: 'Unauthorized', 403: 'Forbidden', 409: 'Conflict', 503: 'Service Unavailable' } as const;

function refuse(reply: FastifyReply, status: keyof typeof ERRORS, message: string) {
  // Messages lead with the field they are about ("user: …", "actions: …"); the answer names it too.
  const field = /^([\w.-]+):/.exec(message)?.[1] ?? 'request';
  return reply.status(status).send({ statusCode: status, error: ERRORS[status], message, field });
}

export const actionRoutes: FastifyPluginAsync<ActionRouteOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/v1/actions',
    {
      schema: {
        tags: ['actions'],
        summary: 'Scaling actions, newest first, with the automation status of every managed service',
        querystring: Type.Object({
          status: Type.Optional(Type.String({ description: `comma-separated: ${STATUSES.join(', ')}` })),
          service: Type.Optional(Type.String({ minLength: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
        }),
        response: {
          200: Type.Object({
            actions: Type.Array(ActionRecordSchema),
            automation: Nullable(AutomationStatusSchema),
            message: Type.Optional(Type.String({ description: 'Why there is no action loop, when there is none' })),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const statuses = req.query.status
        ? req.query.status
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
      const unknown = statuses.filter((s) => !STATUSES.includes(s as ActionStatus));
      if (unknown.length) {
        throw new BadRequestError(
          'status',
          `unknown status ${unknown.map((s) => JSON.stringify(s)).join(', ')}; expected any of ${STATUSES.join(', ')}`
        );
      }
      if (!opts.store || !opts.loop) {
        return { actions: [], automation: null, message: opts.unavailableReason };
      }
      const actions = await opts.store.listActions({
        statuses: statuses as ActionStatus[],
        ...(req.query.service ? { service: req.query.service } : {}),
        limit: req.query.limit ?? 200,
      });
      return { actions, automation: await opts.loop.status() };
    }
  );

  app.get(
    '/api/v1/actions/:id',
    {
      schema: {
        tags: ['actions'],
        summary: 'One action',
        params: IdParams,
        response: { 200: ActionAnswer, ...errorResponses },
      },
    },
    async (req) => {
      const a = opts.store ? await opts.store.getAction(req.params.id) : undefined;
      if (!a) {
        throw new NotFoundError(`action ${req.params.id} not found`);
      }
      return { action: a };
    }
  );

  // Each decision answers at /actions/{id}/{verb} and, verb first, at /actions/{verb}/{id}: Grafana's route patterns
  // end in `*`, so only the verb-first form lets the plugin guard approve and rollback with different permissions.
  const decide = (verb: 'approve' | 'reject' | 'rollback', summary: string, path = `/api/v1/actions/:id/${verb}`) =>
    app.post(
      path,
      {
        schema: {
          tags: ['actions'],
          summary,
          params: IdParams,
          body: Type.Optional(DecisionBody),
          response: { 200: verb === 'rollback' ? RollbackAnswer : ActionAnswer, ...errorResponses },
        },
      },
      async (req, reply) => {
        const loop = opts.loop;
        if (!loop) {
          return refuse(reply, 503, `actions: the optimisation loop is not running (${opts.unavailableReason})`);
        }
        const who = opts.identify(req, verb);
        if ('refused' in who) {
          return refuse(reply, who.status, who.refused);
        }
        const note = req.body?.note;
        try {
          if (verb === 'approve') {
            return { action: await loop.approve(req.params.id, who.user, note, who.credential) };
          }
          if (verb === 'reject') {
            return { action: await loop.reject(req.params.id, who.user, note, who.credential) };
          }
          return await loop.rollback(req.params.id, who.user, note, who.credential);
        } catch (err) {
          if (err instanceof ActionNotFoundError) {
            throw new NotFoundError(err.message);
          }
          if (err instanceof ActionConflictError) {
            return refuse(reply, 409, err.message);
          }
          throw err;
        }
      }
    );
  decide('approve', 'Approve a pending action (the guards are checked again, then it is applied)');
  decide('reject', 'Reject a proposed or pending action');
  decide('rollback', 'Roll back an applied action: its recorded before-state is written back');
  decide(
    'approve',
    'Approve a pending action (verb first: the route the Grafana plugin guards)',
    '/api/v1/actions/approve/:id'
  );
  decide('reject', 'Reject a proposed or pending action (verb first)', '/api/v1/actions/reject/:id');
  decide(
    'rollback',
    'Roll back an applied action (verb first: guarded by the rollback permission)',
    '/api/v1/actions/rollback/:id'
  );

  app.post(
    '/api/v1/actions/:id/resolve',
    {
      schema: {
        tags: ['actions'],
        summary: 'Settle an action a crash left applying or rolling_back, from what its workload shows',
        description:
          'The same completion the sidecar runs on start: an action (or rollback) whose id the workload carries is ' +
          'applied, one it does not is failed and its original stays applied. 409 when the action is not in flight; ' +
          '503 when the workload cannot be read now.',
        params: IdParams,
        response: { 200: ResolveAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const loop = opts.loop;
      if (!loop) {
        return refuse(reply, 503, `actions: the optimisation loop is not running (${opts.unavailableReason})`);
      }
      const who = opts.identify(req, 'resolve');
      if ('refused' in who) {
        return refuse(reply, who.status, who.refused);
      }
      try {
        return await loop.resolve(req.params.id, who.user, who.credential);
      } catch (err) {
        if (err instanceof ActionNotFoundError) {
          throw new NotFoundError(err.message);
        }
        if (err instanceof ActionConflictError) {
          return refuse(reply, 409, err.message);
        }
        if (err instanceof ActionUnavailableError) {
          return refuse(reply, 503, err.message);
        }
        throw err;
      }
    }
  );

  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['actions'],
        summary: 'The append-only audit trail, newest first',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 200 })) }),
        response: { 200: Type.Object({ entries: Type.Array(AuditEntrySchema) }), ...errorResponses },
      },
    },
    async (req, reply) => {
      if (!opts.store) {
        return refuse(reply, 503, 'store: not available (see /api/v1/health)');
      }
      return { entries: await opts.store.listAudit(req.query.limit ?? 200) };
    }
  );

  app.get(
    '/api/v1/automation',
    {
      schema: {
        tags: ['actions'],
        summary: 'Loop status: mode, policy and breaker per managed service',
        response: { 200: AutomationAnswer, ...errorResponses },
      },
    },
    async () => {
      if (!opts.loop) {
        return { running: false, message: opts.unavailableReason, services: [] };
      }
      return opts.loop.status();
    }
  );

  app.put(
    '/api/v1/automation/services/:service',
    {
      schema: {
        tags: ['actions'],
        summary: "Set a service's automation mode",
        params: ServiceParams,
        body: Type.Object({ mode: Type.Union(MODES.map((m) => Type.Literal(m))) }, { additionalProperties: false }),
        response: { 200: AutomationStatusSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const loop = opts.loop;
      if (!loop) {
        return refuse(reply, 503, `automation: the optimisation loop is not running (${opts.unavailableReason})`);
      }
      const who = opts.identify(req, 'changing the mode');
      if ('refused' in who) {
        return refuse(reply, who.status, who.refused);
      }
      try {
        return await loop.setMode(req.params.service, req.body.mode, who.user, who.credential);
      } catch (err) {
        if (err instanceof ActionNotFoundError) {
          throw new NotFoundError(err.message, 'service');
        }
        throw err;
      }
    }
  );

  app.post(
    '/api/v1/automation/services/:service/resume',
    {
      schema: {
        tags: ['actions'],
        summary: 'Resume automation after the circuit breaker paused it',
        params: ServiceParams,
        response: { 200: AutomationStatusSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const loop = opts.loop;
      if (!loop) {
        return refuse(reply, 503, `automation: the optimisation loop is not running (${opts.unavailableReason})`);
      }
      const who = opts.identify(req, 'resuming automation');
      if ('refused' in who) {
        return refuse(reply, who.status, who.refused);
      }
      try {
        return await loop.resume(req.params.service, who.user, who.credential);
      } catch (err) {
        if (err instanceof ActionNotFoundError) {
          throw new NotFoundError(err.message, 'service');
        }
        throw err;
      }
    }
  );
};
