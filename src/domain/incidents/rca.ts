/**
 * Pure glue between an incident (an anomalous region of a service's series) and the RCA explorer: which
 * service and window to explain, the symptom's SLI, and the URL query that makes the selection linkable.
 */
import type { RcaRequest } from '../../api/types';
import type { RcaSli } from '../../panels/rca/types';

/** The explorer looks a little before the region starts (the onset) and a little after it ends. */
export const RCA_MARGIN_MS = 5 * 60_000;

export interface RcaSelection {
  service: string;
  /** The explorer's window, Unix ms. */
  fromMs: number;
  toMs: number;
  sli: RcaSli;
  /** The incident (region id) it came from, when known. */
  incidentId?: string;
}

/** URL query keys of the selection on the Incidents page. */
export const RCA_PARAMS = {
  service: 'rca',
  from: 'rcaFrom',
  to: 'rcaTo',
  sli: 'rcaSli',
  incident: 'incident',
} as const;

/** Error-ratio queries are judged on errors, anything else on latency. */
export function sliOfQuery(query: string): RcaSli {
  return /error/i.test(query) ? 'errors' : 'latency';
}

/** The selection for an incident row; undefined when its series has no `service` label to explain. */
export function selectionForIncident(
  row: { id: string; service?: string; startMs: number; endMs: number },
  query: string
): RcaSelection | undefined {
  if (!row.service) {
    return undefined;
  }
  return {
    service: row.service,
    fromMs: row.startMs - RCA_MARGIN_MS,
    toMs: Math.max(row.endMs, row.startMs) + RCA_MARGIN_MS,
    sli: sliOfQuery(query),
    incidentId: row.id,
  };
}

export function selectionToParams(selection: RcaSelection): Record<string, string> {
  return {
    [RCA_PARAMS.service]: selection.service,
    [RCA_PARAMS.from]: String(selection.fromMs),
    [RCA_PARAMS.to]: String(selection.toMs),
    [RCA_PARAMS.sli]: selection.sli,
    ...(selection.incidentId ? { [RCA_PARAMS.incident]: selection.incidentId } : {}),
  };
}

/** Every key of the selection set to null: what removes it from the URL. */
export const CLEARED_PARAMS: Readonly<Record<string, null>> = Object.fromEntries(
  Object.values(RCA_PARAMS).map((k) => [k, null])
);

/** The selection a URL query names, if it names a valid one (service, and from < to as Unix ms). */
export function selectionFromParams(params: Record<string, unknown>): RcaSelection | undefined {
  const first = (key: string): string | undefined => {
    const v = params[key];
    const one = Array.isArray(v) ? v[0] : v;
    return one === undefined || one === null || one === '' ? undefined : String(one);
  };
  const service = first(RCA_PARAMS.service);
  const fromMs = Number(first(RCA_PARAMS.from));
  const toMs = Number(first(RCA_PARAMS.to));
  if (!service || !Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) {
    return undefined;
  }
  const incidentId = first(RCA_PARAMS.incident);
  return {
    service,
    fromMs,
    toMs,
    sli: first(RCA_PARAMS.sli) === 'errors' ? 'errors' : 'latency',
    ...(incidentId ? { incidentId } : {}),
  };
}

export function rcaRequestFor(selection: RcaSelection): RcaRequest {
  return { start: selection.fromMs, end: selection.toMs, symptom: selection.service };
}
