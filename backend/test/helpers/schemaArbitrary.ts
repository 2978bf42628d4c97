/**
 * fast-check arbitraries from the OpenAPI document's JSON schemas, for fuzzing the API: mostly values the schema
 * allows (so requests reach the use cases and engines), with hostile ones mixed in at every level — wrong types,
 * arrays for scalars, numbers past every bound, times outside any calendar, strings that look like numbers.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

/** Values no schema field should take quietly. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    '',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '1e308',
    '9e15',
    'now-99999999999w',
    '+275760-09-13T00:00:00Z',
    '-271821-04-20T00:00:00Z',
    'now-1h',
    '{__name__=~"(.*.*)*X"}',
    '{service="nope"}',
    '../../etc/passwd',
    '%61pi',
    '\u0000',
    'x'.repeat(5000),
    1e308,
    -1e308,
    9e15,
    1e13,
    -1,
    0,
    0.5,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    [],
    [null],
    ['now-1h'],
    [1, 2, 3],
    {},
    { nested: { deeper: [1, 'a', null] } }
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 40 }),
  fc.double(),
  fc.integer()
);

const TIME_STRINGS = ['now', 'now-5m', 'now-1h', 'now-2h', 'now-1d', '2025-01-01T00:30:00Z', '1735691400'];

function numberArbitrary(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-6) : -1e6);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-6) : 1e6);
  const span = Math.min(hi, lo + 1e9);
  return integer
    ? fc.integer({ min: Math.ceil(Math.max(lo, -(2 ** 31))), max: Math.floor(Math.min(span, 2 ** 31 - 1)) })
    : fc.oneof(
        fc.double({ min: lo, max: span, noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(lo, Math.min(hi, span))
      );
}

/** A value for `schema` (`depth` bounds recursion); one in `hostility` is hostile instead. */
export function arbitraryFor(schema: JsonSchema, depth = 0, hostility = 0.15, key = ''): fc.Arbitrary<unknown> {
  const ok = allowed(schema, depth, hostility, key);
  return fc.oneof(
    { weight: Math.round((1 - hostility) * 100), arbitrary: ok },
    { weight: Math.round(hostility * 100), arbitrary: hostile }
  );
}

function allowed(schema: JsonSchema, depth: number, hostility: number, key: string): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) {
    return fc.constant(schema.const);
  }
  if (schema.enum) {
    return fc.constantFrom(...schema.enum);
  }
  if (schema.anyOf) {
    return fc.oneof(...schema.anyOf.map((s) => allowed(s, depth + 1, hostility, key)));
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['string', 'number'];
  return fc.oneof(...types.map((t) => ofType(t, schema, depth, hostility, key)));
}

function ofType(type: string, s: JsonSchema, depth: number, hostility: number, key: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'object': {
      if (depth > 4) {
        return fc.constant({});
      }
      const props = s.properties ?? {};
      const record = fc.record(
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryFor(v, depth + 1, hostility, k)])),
        { requiredKeys: (s.required ?? []).filter((k) => k in props) }
      );
      if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        return fc.dictionary(fc.string({ maxLength: 12 }), arbitraryFor(s.additionalProperties, depth + 1, hostility), {
          maxKeys: 4,
        });
      }
      return record;
    }
    case 'array': {
      const item = s.items ?? {};
      return fc.array(arbitraryFor(item, depth + 1, hostility / 3, key), {
        minLength: Math.min(s.minItems ?? 0, 40),
        maxLength: Math.min(s.maxItems ?? 40, 40),
      });
    }
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return /start|end|time/i.test(key)
        ? fc.oneof(fc.integer({ min: 1_735_680_000, max: 1_735_700_000 }), numberArbitrary(s, false))
        : numberArbitrary(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default: {
      if (/^(start|end|time)$/.test(key)) {
        return fc.constantFrom(...TIME_STRINGS);
      }
      if (s.pattern) {
        return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length <= (s.maxLength ?? 200));
      }
      return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 30, 30) });
    }
  }
}
