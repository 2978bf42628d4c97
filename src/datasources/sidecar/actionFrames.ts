/**
 * Pure mapping of `GET /api/v1/actions` answers to Grafana frames: a table of actions (one row per action, newest
 * first) and, for annotation queries, one frame of annotation events (the shape `framesToAnnotationEvents` reads)
 * for the applied and rolled-back actions in the dashboard's range.
 */
import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import { ACTION_STATUSES, type ActionList, type ActionStatus } from '../../api/types';
import { actionAnnotations } from '../../domain/actions/annotations';
import { actionRows } from '../../domain/actions/format';
import { ANNOTATION_FIELDS } from './anomalyFrames';

/** Keeps known statuses once each, in the sidecar's order; anything else is dropped. */
export function normaliseStatuses(statuses: readonly string[] | undefined): ActionStatus[] {
  const wanted = new Set(statuses ?? []);
  return ACTION_STATUSES.filter((s) => wanted.has(s));
}

/**
 * The actions as a table frame: `time` (created), `service`, `status`, `change`, `policy`, `mode`, `reason`,
 * `guards`, `decided by`, `outcome`, `error`, `id`. An empty answer says so in a notice.
 */
export function actionsTableFrame(list: ActionList, refId: string): DataFrame {
  const rows = actionRows(list.actions);
  const column = (name: string, values: string[]) => ({ name, type: FieldType.string, values });
  return createDataFrame({
    refId,
    name: 'actions',
    fields: [
      { name: 'time', type: FieldType.time, values: rows.map((r) => r.createdMs) },
      column(
        'service',
        rows.map((r) => r.service)
      ),
      column(
        'status',
        rows.map((r) => r.status)
      ),
      column(
        'change',
        rows.map((r) => r.summary)
      ),
      column(
        'policy',
        rows.map((r) => r.policy)
      ),
      column(
        'mode',
        rows.map((r) => r.mode)
      ),
      column(
        'reason',
        rows.map((r) => r.reason)
      ),
      column(
        'guards',
        rows.map((r) => r.guard)
      ),
      column(
        'decided by',
        rows.map((r) => r.decision)
      ),
      column(
        'outcome',
        rows.map((r) => r.outcome)
      ),
      column(
        'error',
        rows.map((r) => r.error)
      ),
      column(
        'id',
        rows.map((r) => r.id)
      ),
    ],
    meta: {
      preferredVisualisationType: 'table',
      ...(rows.length === 0
        ? { notices: [{ severity: 'info' as const, text: 'No actions match this query (yet)' }] }
        : {}),
    },
  });
}

/** Applied and rolled-back actions overlapping `[fromMs, toMs]` as one frame of annotation events. */
export function actionsAnnotationsFrame(list: ActionList, refId: string, fromMs: number, toMs: number): DataFrame {
  const events = actionAnnotations(list.actions, fromMs, toMs);
  return createDataFrame({
    refId,
    name: 'actions',
    fields: [
      { name: ANNOTATION_FIELDS.id, type: FieldType.string, values: events.map((e) => e.id) },
      { name: ANNOTATION_FIELDS.time, type: FieldType.time, values: events.map((e) => e.time) },
      { name: ANNOTATION_FIELDS.timeEnd, type: FieldType.time, values: events.map((e) => e.timeEnd) },
      { name: ANNOTATION_FIELDS.title, type: FieldType.string, values: events.map((e) => e.title) },
      { name: ANNOTATION_FIELDS.text, type: FieldType.string, values: events.map((e) => e.text) },
      { name: ANNOTATION_FIELDS.tags, type: FieldType.other, values: events.map((e) => [...e.tags]) },
    ],
  });
}
