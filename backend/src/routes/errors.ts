/**
 * Maps typed failures to HTTP answers. Every 4xx names its field: `field` in the body (the request field at
 * fault, in the API's notation: `series[0].timestamps[3]`), and the message starts with it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TelemetryError } from '../telemetry/types.ts';
import type { SidecarMetrics } from '../observability/metrics.ts';
import { ForecastInputError } from '../engines/forecast/series.ts';
import { BadRequestError, NotConfiguredError, NotFoundError } from '../usecases/errors.ts';
import { fieldOfValidation } from './validation.ts';
import { ComputeCancelledError, ComputeOverloadedError, ComputeTimeLimitError } from '../compute/pool.ts';

export { BadRequestError, NotConfiguredError, NotFoundError } from '../usecases/errors.ts';

const TELEMETRY_STATUS: Record<TelemetryError['kind'], number> = {
  bad_query: 400,
  unsupported: 501,
  unreachable: 502,
  upstream: 502,
  timeout: 504,
  unavailable: 503, // an open circuit: the dependency is failing, try again after Retry-After
};

/** Fastify's own request errors and the part of the request they are about. */
const FIELD_OF_CODE: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'content-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content-length',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body',
  FST_ERR_CTP_EMPTY_TYPE: 'content-type',
  FST_ERR_CTP_INVALID_TYPE: 'content-type',
  FST_ERR_BAD_URL: 'url',
  FST_ERR_ASYNC_CONSTRAINT: 'url',
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
        // The query the request carried is what the upstream refused.
        ...(error.kind === 'bad_query' ? { field: 'query' } : {}),
      });
    }
    if (error instanceof BadRequestError || error instanceof ForecastInputError) {
      return reply
        .status(400)
        .send({ statusCode: 400, error: 'Bad Request', message: error.message, field: error.field });
    }
    if ((error as SyntaxError).name === 'SyntaxError' && (error as FastifyError).statusCode === 400) {
      // A body that is not JSON (Fastify's parser rethrows JSON.parse's SyntaxError with statusCode 400).
      return reply
        .status(400)
        .send({ statusCode: 400, error: 'Bad Request', message: `body: ${error.message}`, field: 'body' });
    }
    if (error instanceof ComputeOverloadedError) {
      metrics.errors.inc({ component: 'compute', kind: 'overloaded' });
      return reply
        .status(503)
        .header('retry-after', String(error.retryAfterSeconds))
        .send({ statusCode: 503, error: 'overloaded', message: error.message });
    }
    if (error instanceof ComputeTimeLimitError) {
      metrics.errors.inc({ component: 'compute', kind: 'time_limit' });
      return reply.status(503).send({ statusCode: 503, error: 'time_limit', message: error.message });
    }
    if (error instanceof ComputeCancelledError) {
      // The client went away: nobody reads this answer.
      return reply.status(503).send({ statusCode: 503, error: 'cancelled', message: error.message });
    }
    if (error instanceof NotConfiguredError) {
      return reply.status(501).send({ statusCode: 501, error: 'Not Implemented', message: error.message });
    }
    if (error instanceof NotFoundError) {
      return reply
        .status(404)
        .send({ statusCode: 404, error: 'Not Found', message: error.message, field: error.field ?? 'id' });
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const field = fieldOfValidation(fe.validation, fe.validationContext);
      // Fastify's message names the part ("body/replicas must be >= 0"); the field leads, in the API's notation.
      return reply
        .status(400)
        .send({ statusCode: 400, error: 'Bad Request', message: `${field}: ${fe.message}`, code: fe.code, field });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const field = FIELD_OF_CODE[fe.code] ?? (fe.statusCode === 429 ? 'client' : 'request');
      return reply.status(fe.statusCode).send({
        statusCode: fe.statusCode,
        error: fe.code ?? 'Bad Request',
        message: fe.message.startsWith(`${field}:`) ? fe.message : `${field}: ${fe.message}`,
        field,
      });
    }
    metrics.errors.inc({ component: 'http', kind: 'internal' });
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ statusCode: 500, error: 'Internal Server Error', message: error.message });
  };
}
