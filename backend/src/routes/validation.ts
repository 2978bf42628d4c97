/**
 * Request validation with one Ajv per part of the request: querystring, params and headers arrive as text, so
 * their scalars are coerced ("5" → 5), but a repeated query parameter (an array) is never squeezed into a scalar;
 * JSON bodies are typed already and are never coerced — `"horizon": true` or `"replicas": "Infinity"` is a 400,
 * not 1 or Infinity.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

const COMMON = { removeAdditional: false, useDefaults: true, allErrors: false, allowUnionTypes: true } as const;

export function strictValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const factory = AjvCompiler();
  const forBody = factory({}, { customOptions: { ...COMMON, coerceTypes: false } });
  const forText = factory({}, { customOptions: { ...COMMON, coerceTypes: true } });
  return (route) => (route.httpPart === 'body' ? forBody(route) : forText(route));
}

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/**
 * The field an Ajv error is about, in the API's own notation: `series[0].timestamps[3]`, `horizon`, or the
 * missing / unexpected property for required and additionalProperties errors; `body` (or the part) for the whole.
 */
export function fieldOfValidation(issues: readonly AjvIssue[], part: string | undefined): string {
  const issue = issues[0];
  let path = (issue?.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
  const named = issue?.params?.missingProperty ?? issue?.params?.additionalProperty;
  if (typeof named === 'string') {
    path = path ? `${path}.${named}` : named;
  }
  return path || part || 'body';
}
