/**
 * Pure mapping of anomaly answers to Grafana data frames and annotation events:
 * - per series a frame `time`, `value`, `score` (score on a right axis, 0..1) with `meta.custom` carrying the
 *   regions (their ids are the handles for feedback), the threshold and where it came from;
 * - for annotation queries one frame `id`, `time`, `timeEnd`, `title`, `text`, `tags` (the shape Grafana's
 *   standard annotation processing reads), and {@link framesToAnnotationEvents} to turn it into region events.
 */
import {
  createDataFrame,
  DataTopic,
  FieldType,
  type AnnotationEvent,
  type DataFrame,
  type Field,
  type QueryResultMeta,
  type QueryResultMetaNotice,
} from '@grafana/data';
import type { AnomalyFrameMeta, AnomalyResponse, SeriesAnomalies } from '../../api/types';
import { emptyFrame, toGrafanaFrame } from './frames';

/** Field names the sidecar uses in anomaly frames. */
export const ANOMALY_FIELDS = { time: 'time', value: 'value', score: 'score' } as const;

/** Field names of the annotation frame. */
export const ANNOTATION_FIELDS = {
  id: 'id',
  time: 'time',
  timeEnd: 'timeEnd',
  title: 'title',
  text: 'text',
  tags: 'tags',
} as const;

/** Notice for a series the detector could not score yet (too few samples: its scores stay 0). */
export function insufficientDataNotice(
  series: Pick<SeriesAnomalies, 'name' | 'status' | 'reason'>
): QueryResultMetaNotice | undefined {
  if (series.status !== 'insufficient_data') {
    return undefined;
  }
  return {
    severity: 'warning',
    text: `Not enough data to score ${series.name}: ${series.reason || 'the sidecar gave no reason'}`,
    inspect: 'meta',
  };
}

/** The `meta.custom` of an anomaly frame (copies, so frames never share the sidecar's objects). */
export function anomalyMeta(series: SeriesAnomalies, storeAvailable: boolean): AnomalyFrameMeta {
  return {
    aidpe: 'anomalies',
    status: series.status,
    ...(series.reason ? { reason: series.reason } : {}),
    seriesKey: series.seriesKey,
    labels: { ...series.labels },
    threshold: series.threshold,
    thresholdSource: series.thresholdSource,
    regions: series.regions.map((r) => ({ ...r })),
    storeAvailable,
  };
}

/** The score field's config: 0..1 on its own axis on the right, whatever the sidecar sent. */
function scoreConfig(field: Field): Field['config'] {
  const config = field.config ?? {};
  return {
    ...config,
    // A score, not the metric: no unit from the metric's name.
    unit: 'none',
    min: 0,
    max: 1,
    description:
      config.description ??
      'How unusual each point is (anomaly score, 0..1); regions are where it passes the threshold',
    custom: { ...config.custom, axisPlacement: 'right', axisLabel: config.custom?.axisLabel ?? 'how unusual (score)' },
  };
}

/**
 * An anomaly answer → one frame per series (`time`, `value`, `score`). Answer-level warnings become warning
 * notices on the first frame; a series the detector could not score gets a notice of its own; with no series at
 * all, an empty frame carries the warnings so that Grafana shows why the panel is empty.
 */
export function anomalyResponseToFrames(response: AnomalyResponse, refId: string): DataFrame[] {
  const warnings: QueryResultMetaNotice[] = response.warnings.map((text) => ({ severity: 'warning', text }));
  if (response.series.length === 0) {
    const notices =
      warnings.length > 0
        ? warnings
        : [{ severity: 'warning' as const, text: 'The query returned no series to score' }];
    return [emptyFrame(refId, notices)];
  }
  const several = response.series.length > 1;
  return response.series.map((series, i) => {
    const notice = insufficientDataNotice(series);
    const notices = [...(i === 0 ? warnings : []), ...(notice ? [notice] : [])];
    const meta: QueryResultMeta = {
      preferredVisualisationType: 'graph',
      custom: anomalyMeta(series, response.storeAvailable),
      ...(notices.length > 0 ? { notices } : {}),
    };
    const frame = toGrafanaFrame(series.frame, {
      refId,
      labels: series.labels,
      meta,
      uniqueSuffix: several ? series.name : undefined,
    });
    return {
      ...frame,
      fields: frame.fields.map((f) => (f.name === ANOMALY_FIELDS.score ? { ...f, config: scoreConfig(f) } : f)),
    };
  });
}

/**
 * An anomaly answer → one frame of annotation events, one row per region: `id`, `time`, `timeEnd`, `title`,
 * `text`, `tags` (string arrays). Answer warnings and series the detector could not score become notices.
 */
export function anomalyAnnotationsFrame(response: AnomalyResponse, refId: string): DataFrame {
  const notices: QueryResultMetaNotice[] = [
    ...response.warnings.map((text) => ({ severity: 'warning' as const, text })),
    ...response.series.flatMap((s) => {
      const notice = insufficientDataNotice(s);
      return notice ? [notice] : [];
    }),
  ];
  const events = response.annotations;
  return createDataFrame({
    refId,
    name: 'anomalies',
    fields: [
      { name: ANNOTATION_FIELDS.id, type: FieldType.string, values: events.map((e) => e.id) },
      { name: ANNOTATION_FIELDS.time, type: FieldType.time, values: events.map((e) => e.time) },
      { name: ANNOTATION_FIELDS.timeEnd, type: FieldType.time, values: events.map((e) => e.timeEnd) },
      { name: ANNOTATION_FIELDS.title, type: FieldType.string, values: events.map((e) => e.title) },
      { name: ANNOTATION_FIELDS.text, type: FieldType.string, values: events.map((e) => e.text) },
      { name: ANNOTATION_FIELDS.tags, type: FieldType.other, values: events.map((e) => [...e.tags]) },
    ],
    // Annotations, not a series: Grafana (dashboards and Scenes) hands such frames to panels as annotations, so a
    // panel with a forecast query and an anomalies-as-annotations query shows the regions on the forecast.
    meta: { dataTopic: DataTopic.Annotations, ...(notices.length > 0 ? { notices } : {}) },
  });
}

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const asTime = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};
const asTags = (v: unknown): string[] | undefined => {
  if (Array.isArray(v)) {
    return v.filter((t): t is string => typeof t === 'string');
  }
  if (typeof v === 'string') {
    return v
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  }
  return undefined;
};

/**
 * Annotation frames → Grafana annotation events. A row whose `timeEnd` lies after its `time` is a region
 * (`isRegion`); rows without a usable time are skipped. Frames without a `time` field (e.g. an empty frame that
 * only carries notices) give no events.
 */
export function framesToAnnotationEvents(frames: DataFrame[]): AnnotationEvent[] {
  const events: AnnotationEvent[] = [];
  for (const frame of frames) {
    const byName = (name: string) => frame.fields.find((f) => f.name === name);
    const time = byName(ANNOTATION_FIELDS.time) ?? frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    const timeEnd = byName(ANNOTATION_FIELDS.timeEnd);
    const title = byName(ANNOTATION_FIELDS.title);
    const text = byName(ANNOTATION_FIELDS.text);
    const tags = byName(ANNOTATION_FIELDS.tags);
    const id = byName(ANNOTATION_FIELDS.id);
    for (let i = 0; i < frame.length; i++) {
      const start = asTime(time.values[i]);
      if (start === undefined) {
        continue;
      }
      const end = asTime(timeEnd?.values[i]) ?? start;
      const event: AnnotationEvent = {
        time: start,
        timeEnd: Math.max(start, end),
        isRegion: end > start,
        title: asString(title?.values[i]) ?? '',
        text: asString(text?.values[i]) ?? '',
        tags: asTags(tags?.values[i]) ?? [],
      };
      const eventId = asString(id?.values[i]);
      if (eventId) {
        event.id = eventId;
      }
      events.push(event);
    }
  }
  return events;
}
