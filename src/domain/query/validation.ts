/**
 * Pure query validation for the query editor: one message per field, `undefined` when the field is fine.
 * The same parsers build the requests ({@link buildForecastRequest}, {@link buildAnomalyRequest}), so the editor
 * and the query agree.
 */
import { MAX_HORIZON_STEPS, formatSeconds, parseHorizon, parseStep, parseThreshold } from './request';
import { queryTypeOf, type SidecarQuery } from './types';

export interface QueryValidation {
  expr?: string;
  step?: string;
  horizon?: string;
  threshold?: string;
}

const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * Light PromQL sanity check (the sidecar or Prometheus has the last word): not empty, brackets balanced
 * and quotes closed. Returns a message, or `undefined` when nothing is obviously wrong.
 */
export function checkPromQL(expr: string | undefined): string | undefined {
  const text = (expr ?? '').trim();
  if (!text) {
    return 'Enter a PromQL expression, e.g. aidpe_sim_request_rate{service="frontend"}';
  }
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') {
        i++;
      } else if (c === quote) {
        quote = undefined;
      }
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      quote = c;
    } else if (c === '(' || c === '[' || c === '{') {
      stack.push(c);
    } else if (c in PAIRS) {
      if (stack.pop() !== PAIRS[c]) {
        return `Unexpected "${c}" at position ${i + 1}`;
      }
    }
  }
  if (quote) {
    return `Unclosed ${quote} quote`;
  }
  if (stack.length > 0) {
    return `Unclosed "${stack[stack.length - 1]}"`;
  }
  return undefined;
}

/** Field-by-field problems of a query; `{}` when it can run. Types without an engine have nothing to validate. */
export function validateQuery(query: SidecarQuery): QueryValidation {
  const type = queryTypeOf(query);
  if (type === 'anomalies') {
    return validateAnomalyQuery(query);
  }
  if (type !== 'forecast') {
    return {};
  }
  const { result, step } = validateExprAndStep(query);
  const horizon = parseHorizon(query.horizon);
  if (!horizon.ok) {
    result.horizon = horizon.error;
  } else if (step.ok && step.value !== undefined && 'horizonSeconds' in horizon.value) {
    const steps = Math.ceil(horizon.value.horizonSeconds / step.value - 1e-9);
    if (steps > MAX_HORIZON_STEPS) {
      result.horizon = `${formatSeconds(horizon.value.horizonSeconds)} is ${steps} steps of ${formatSeconds(step.value)}; at most ${MAX_HORIZON_STEPS}`;
    }
  }
  return result;
}

/** The PromQL expression and step every query type starts with. */
function validateExprAndStep(query: SidecarQuery): { result: QueryValidation; step: ReturnType<typeof parseStep> } {
  const result: QueryValidation = {};
  const exprError = checkPromQL(query.expr);
  if (exprError) {
    result.expr = exprError;
  }
  const step = parseStep(query.step);
  if (!step.ok) {
    result.step = step.error;
  }
  return { result, step };
}

/** Expression, step and threshold of an anomaly query (also used by the annotation editor). */
export function validateAnomalyQuery(query: SidecarQuery): QueryValidation {
  const { result } = validateExprAndStep(query);
  const threshold = parseThreshold(query.threshold);
  if (!threshold.ok) {
    result.threshold = threshold.error;
  }
  return result;
}

export function isValid(validation: QueryValidation): boolean {
  return !validation.expr && !validation.step && !validation.horizon && !validation.threshold;
}
