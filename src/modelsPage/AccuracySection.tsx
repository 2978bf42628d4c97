import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  Badge,
  EmptyState,
  InteractiveTable,
  Stack,
  Text,
  Tooltip,
  useStyles2,
  useTheme2,
  type Column,
} from '@grafana/ui';
import type { ForecastAccuracyResponse, ModelAccuracy } from '../api/types';
import { testIds } from '../components/testIds';
import {
  driftBadge,
  METRIC_LABEL,
  metricPoints,
  rollingVsReference,
  seriesAccuracyRow,
  type SeriesAccuracyRow,
} from './accuracy';
import { sparklineGeometry } from './sparkline';

const ids = testIds.models;
const WIDTH = 180;
const HEIGHT = 36;

const seriesColumns: Array<Column<SeriesAccuracyRow>> = [
  { id: 'series', header: 'Series' },
  { id: 'model', header: 'Last chosen model' },
  { id: 'mase', header: 'Realised scaled MAE' },
  { id: 'coverage80', header: '80% coverage' },
  { id: 'wql', header: 'wQL' },
  { id: 'issued', header: 'Forecast issued' },
  { id: 'pending', header: 'Awaiting actuals' },
];

/** The error over time, with the reference as a dashed line; colours from the theme. */
function Sparkline({ model }: { model: ModelAccuracy }) {
  const theme = useTheme2();
  const geometry = useMemo(
    () =>
      sparklineGeometry(metricPoints(model), {
        width: WIDTH,
        height: HEIGHT,
        padding: 3,
        reference: model.reference?.value,
      }),
    [model]
  );
  const line = model.drift
    ? theme.colors.error.main
    : model.coverageDrift
      ? theme.colors.warning.main
      : theme.colors.primary.main;
  const last = geometry.points[geometry.points.length - 1];
  return (
    <svg
      data-testid={ids.sparkline}
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${model.model}: ${METRIC_LABEL[model.metric]} over time`}
    >
      {geometry.referenceY !== null && (
        <line
          x1={0}
          x2={WIDTH}
          y1={geometry.referenceY}
          y2={geometry.referenceY}
          stroke={theme.colors.text.secondary}
          strokeDasharray="3 3"
          strokeWidth={1}
        />
      )}
      {geometry.path && <path d={geometry.path} fill="none" stroke={line} strokeWidth={1.5} />}
      {last && <circle cx={last.x} cy={last.y} r={2} fill={line} />}
    </svg>
  );
}

function ModelAccuracyRow({ model }: { model: ModelAccuracy }) {
  const styles = useStyles2(getStyles);
  const badge = driftBadge(model);
  return (
    <div className={styles.row} data-testid={ids.accuracyModel}>
      <div className={styles.name}>
        <Text weight="medium">{model.model}</Text>
        <Text color="secondary" variant="bodySmall">
          {model.kind} · {METRIC_LABEL[model.metric]}
        </Text>
      </div>
      <Sparkline model={model} />
      <div className={styles.values}>
        <Text variant="bodySmall">Rolling vs reference: {rollingVsReference(model)}</Text>
        {model.rollingCoverage80 !== null && (
          <Text variant="bodySmall" color="secondary">
            Realised 80% coverage {(model.rollingCoverage80 * 100).toFixed(0)}%
          </Text>
        )}
      </div>
      <Tooltip content={model.reason}>
        <span data-testid={ids.driftBadge}>
          <Badge color={badge.color} text={badge.text} />
        </span>
      </Tooltip>
    </div>
  );
}

/** Accuracy over time per model (sparkline, rolling error vs its reference, drift) and the ensemble's realised accuracy per series. */
export function AccuracySection({ accuracy }: { accuracy: ForecastAccuracyResponse }) {
  const rows = useMemo(() => accuracy.series.map(seriesAccuracyRow), [accuracy]);
  const matured = accuracy.series.some((s) => s.realised !== null);
  if (!accuracy.running || accuracy.models.length === 0) {
    const minutes = accuracy.maturesInMinutes;
    const message = accuracy.running
      ? `Accuracy appears after the first forecasts have matured, about ${minutes ?? 35} minutes`
      : (accuracy.message ?? 'The forecast accuracy tracker is not running');
    return (
      <div data-testid={ids.accuracyEmpty}>
        <EmptyState variant="not-found" message={message} hideImage>
          {!accuracy.running && (
            <Text color="secondary">Accuracy over time is tracked for the demo cluster&apos;s request rates.</Text>
          )}
        </EmptyState>
      </div>
    );
  }
  return (
    <Stack direction="column" gap={1}>
      <div data-testid={ids.accuracy}>
        {accuracy.models.map((m) => (
          <ModelAccuracyRow key={m.model} model={m} />
        ))}
      </div>
      {accuracy.lastRun?.error && <Text color="warning">Last run: {accuracy.lastRun.error}</Text>}
      {matured ? (
        <div data-testid={ids.accuracySeries}>
          <InteractiveTable columns={seriesColumns} data={rows} getRowId={(r) => r.id} />
        </div>
      ) : (
        <Text color="secondary">
          Realised accuracy per series appears once the first forecasts have matured (about{' '}
          {accuracy.maturesInMinutes ?? 35} minutes).
        </Text>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  row: css({
    display: 'grid',
    gridTemplateColumns: `minmax(160px, 1fr) ${WIDTH}px minmax(240px, 2fr) auto`,
    alignItems: 'center',
    gap: theme.spacing(2),
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  name: css({ display: 'flex', flexDirection: 'column' }),
  values: css({ display: 'flex', flexDirection: 'column' }),
});
