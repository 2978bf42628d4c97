/**
 * The typed client checked against the sidecar's OpenAPI document (`openapi.json`, written by
 * `npm run openapi -w backend`; a sidecar test fails when it is stale): every call the client makes goes to
 * a path and method the sidecar serves, and sends only the body fields its schema allows, with the
 * required ones present.
 */
import { of } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import spec from './openapi.json';
import * as client from './sidecarClient';
import { SIDECAR_PROXY_BASE } from '../constants';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: jest.fn(),
}));

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  anyOf?: Schema[];
}
interface Operation {
  requestBody?: { content: { 'application/json': { schema: Schema } } };
}
const paths = (spec as unknown as { paths: Record<string, Record<string, Operation>> }).paths;

/** The OpenAPI path template that matches a concrete path (`/api/v1/actions/a1/approve` → `/api/v1/actions/{id}/approve`). */
function templateFor(path: string): string | undefined {
  return Object.keys(paths).find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
}

/** Body keys outside an object schema that forbids extras, and required keys that are missing. */
function bodyProblems(schema: Schema, body: unknown): string[] {
  const options = schema.anyOf ?? [schema];
  const objects = options.filter((o) => o.type === 'object' || o.properties);
  if (objects.length === 0 || body === null || typeof body !== 'object') {
    return [];
  }
  const problems = objects.map((o) => {
    const keys = Object.keys(body as object);
    return [
      ...(o.additionalProperties === false
        ? keys.filter((k) => !(k in (o.properties ?? {}))).map((k) => `unexpected field ${k}`)
        : []),
      ...(o.required ?? []).filter((k) => !keys.includes(k)).map((k) => `missing field ${k}`),
    ];
  });
  // One of the alternatives must accept it.
  return problems.some((p) => p.length === 0) ? [] : problems[0]!;
}

const calls: Array<{ url: string; method: string; data?: unknown }> = [];

beforeEach(() => {
  calls.length = 0;
  jest.mocked(getBackendSrv).mockReturnValue({
    fetch: (o: { url: string; method: string; data?: unknown }) => {
      calls.push(o);
      return of({ data: {}, status: 200, ok: true });
    },
  } as unknown as ReturnType<typeof getBackendSrv>);
});

/** Every client function with representative arguments (the bodies the panels and pages send). */
const CASES: Array<[string, () => Promise<unknown>]> = [
  ['getHealth', () => client.getHealth()],
  ['forecastModels', () => client.forecastModels()],
  ['forecastAccuracy', () => client.forecastAccuracy()],
  ['anomalies', () => client.anomalies({ query: 'up', start: 1, end: 2, stepSeconds: 60 })],
  ['anomalyFeedback', () => client.anomalyFeedback('r-1', { verdict: 'false_positive', reason: 'deploy' } as never)],
  ['listAnomalyFeedback', () => client.listAnomalyFeedback()],
  [
    'listActions',
    () => client.listActions({ statuses: ['pending_approval'], service: 'frontend', limit: 10 } as never),
  ],
  ['getAction', () => client.getAction('a-1')],
  ['approveAction', () => client.approveAction('a-1', { note: 'go' })],
  ['rejectAction', () => client.rejectAction('a-1', { note: 'no' })],
  ['rollbackAction', () => client.rollbackAction('a-1', {})],
  ['listAudit', () => client.listAudit(50)],
  ['setAutomationMode', () => client.setAutomationMode('frontend', 'approve')],
  ['resumeAutomation', () => client.resumeAutomation('frontend')],
  ['rca', () => client.rca({ start: 1, end: 2, symptom: 'frontend' } as never)],
  ['rcaGraph', () => client.rcaGraph({ start: 1, end: 2 } as never)],
  ['listIncidents', () => client.listIncidents()],
];

describe('the typed client against the sidecar OpenAPI document', () => {
  test('every exported request function is covered here', () => {
    const exported = Object.entries(client)
      .filter(
        ([name, fn]) =>
          typeof fn === 'function' &&
          !['sidecarUrl', 'actionListQuery', 'callUrl', 'request', 'request$'].includes(name)
      )
      .map(([name]) => name)
      .sort();
    expect(CASES.map(([name]) => name).sort()).toEqual(exported);
  });

  test.each(CASES)(
    '%s calls a path and method the sidecar serves, with a body its schema accepts',
    async (_name, call) => {
      await call();
      expect(calls).toHaveLength(1);
      const { url, method, data } = calls[0]!;
      expect(url.startsWith(SIDECAR_PROXY_BASE)).toBe(true);
      const path = url.slice(SIDECAR_PROXY_BASE.length).split('?')[0]!;
      const template = templateFor(path);
      expect({ path, template: template ?? 'no such path in openapi.json' }).toEqual({
        path,
        template: expect.stringMatching(/^\//),
      });
      const operation = paths[template!]![method.toLowerCase()];
      expect({ path, method, served: Boolean(operation) }).toEqual({ path, method, served: true });
      const schema = operation!.requestBody?.content['application/json'].schema;
      if (data !== undefined && schema) {
        expect(bodyProblems(schema, data)).toEqual([]);
      }
    }
  );
});
