/** Maps typed failures to HTTP answers with messages that name the field or the query. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TelemetryError } from '../telemetry/types.ts';
import type { SidecarMetrics } from '../observability/metrics.ts';
import { ForecastInputError } from '../engines/forecast/series.ts';
import { BadRequestError, NotConfiguredError, NotFoundError } from '../usecases/errors.ts';

export { BadRequestError, NotConfiguredError, NotFoundError } from '../usecases/errors.ts';

const TELEMETRY_STATUS: Record<TelemetryError['kind'], number> = {
  bad_query: 400,
  unsupported: 501,
  unreachable: 502,
  upstream: 502,
  timeout: 504,
  unavailable: 503, // an open circuit: the dependency is failing, try again after Retry-After
};

export function errorHandler(metrics: SidecarMetrics) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof TelemetryError) {
      metrics.errors.inc({ component: `telemetry:${error.source}`, kind: error.kind });
      if (error.retryAfterMs !== undefined) {
        reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
      }
      return reply.status(TELEMETRY_STATUS[error.kind]).send({
        statusCode: TELEMETRY_STATUS[error.kind],
        error: error.kind,
        message: error.message,
        query: error.query,
        upstreamMessage: error.upstreamMessage,
      });
    }
    if (error instanceof BadRequestError || error instanceof ForecastInputError) {
      return reply
        .status(400)
        .send({ statusCode: 400, error: 'Bad Request', message: error.message, field: error.field });
    }
    if (error instanceof NotConfiguredError) {
      return reply.status(501).send({ statusCode: 501, error: 'Not Implemented', message: error.message });
    }
    if (error instanceof NotFoundError) {
      return reply.status(404).send({ statusCode: 404, error: 'Not Found', message: error.message });
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      // Fastify's message already names the field ("body/replicas must be >= 0"); keep it.
      return reply.status(400).send({ statusCode: 400, error: 'Bad Request', message: fe.message, code: fe.code });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply
        .status(fe.statusCode)
        .send({ statusCode: fe.statusCode, error: fe.code ?? 'Bad Request', message: fe.message });
    }
    metrics.errors.inc({ component: 'http', kind: 'internal' });
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ statusCode: 500, error: 'Internal Server Error', message: error.message });
  };
}
