/**
 * Type-level view of the sidecar's HTTP contract, derived from the generated OpenAPI types
 * (`generated/sidecar.ts`, `npm run api:types`): which paths exist, which methods each answers, and the
 * request body, path parameters, query and response of every operation. Nothing here runs.
 *
 * Operations whose OpenAPI document has no response schema yet fall back to the hand-written types in
 * {@link UndocumentedResponses}; as soon as the sidecar declares a schema, the generated type wins.
 */
import type { paths } from './generated/sidecar';
import type { UndocumentedResponses } from './types';

export type SidecarPath = keyof paths;
export type HttpMethod = 'get' | 'post' | 'put';

/** The methods `P` answers (`'get' | 'post'` …). */
export type MethodOf<P extends SidecarPath> = {
  [M in HttpMethod]-?: [NonNullable<paths[P][M]>] extends [never] ? never : M;
}[HttpMethod];

export type Operation<P extends SidecarPath, M extends MethodOf<P>> = NonNullable<paths[P][M]>;

type JsonOf<T> = T extends { content: { 'application/json': infer R } } ? R : undefined;

type GeneratedResponse<P extends SidecarPath, M extends MethodOf<P>> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer Ok }
      ? JsonOf<Ok>
      : R extends { 201: infer Created }
        ? JsonOf<Created>
        : undefined
    : undefined;

type FallbackResponse<P, M> = P extends keyof UndocumentedResponses
  ? M extends keyof UndocumentedResponses[P]
    ? UndocumentedResponses[P][M]
    : unknown
  : unknown;

/** The JSON a successful call answers: the generated schema, else the hand-written fallback. */
export type ResponseOf<P extends SidecarPath, M extends MethodOf<P>> = [GeneratedResponse<P, M>] extends [undefined]
  ? FallbackResponse<P, M>
  : GeneratedResponse<P, M>;

/** The JSON body an operation takes (`never` when it takes none). */
export type BodyOf<P extends SidecarPath, M extends MethodOf<P>> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** Path parameters (`{ id: string }` for `/api/v1/actions/{id}`), `never` when the path has none. */
export type PathParamsOf<P extends SidecarPath, M extends MethodOf<P>> =
  Operation<P, M> extends { parameters: { path: infer PP } }
    ? PP extends Record<string, unknown>
      ? PP
      : never
    : never;

/** Query-string parameters, `never` when the operation takes none. */
export type QueryOf<P extends SidecarPath, M extends MethodOf<P>> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? (Q extends Record<string, unknown> ? Q : never) : never;

/**
 * Fallbacks the sidecar has since documented: the typecheck fails here, naming the path, so the hand-written
 * type is deleted and the generated one takes over.
 */
type StaleFallback = {
  [P in keyof UndocumentedResponses & SidecarPath]: {
    [M in keyof UndocumentedResponses[P] & MethodOf<P>]: [GeneratedResponse<P, M>] extends [undefined] ? never : P;
  }[keyof UndocumentedResponses[P] & MethodOf<P>];
}[keyof UndocumentedResponses & SidecarPath];
type UnknownFallback = Exclude<keyof UndocumentedResponses, SidecarPath>;

export const fallbacksAreCurrent: [StaleFallback | UnknownFallback] extends [never]
  ? true
  : { documentedOrUnknownPath: StaleFallback | UnknownFallback } = true;
