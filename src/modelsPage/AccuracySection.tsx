import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { FieldColorModeId, type GrafanaTheme2 } from '@grafana/data';
import {
  Badge,
  EmptyState,
  InteractiveTable,
  Stack,
  Text,
  Tooltip,
  useStyles2,
  Sparkline,
  useTheme2,
  type Column,
} from '@grafana/ui';
import type { ForecastAccuracyResponse, ModelAccuracy } from '../api/types';
import { testIds } from '../components/testIds';
import {
  driftBadge,
  METRIC_LABEL,
  rollingVsReference,
  seriesAccuracyRow,
  sparklineOf,
  type SeriesAccuracyRow,
} from './accuracy';
import { modelTerm, METRIC_TERMS } from '../domain/vocabulary';
import { Term, termHeader } from '../components/Term/Term';

const ids = testIds.models;
const WIDTH = 180;
const HEIGHT = 36;

const seriesColumns: Array<Column<SeriesAccuracyRow>> = [
  { id: 'series', header: 'Series' },
  { id: 'model', header: 'Last chosen model' },
  { id: 'mase', header: termHeader(METRIC_TERMS.mase) },
  { id: 'coverage80', header: termHeader(METRIC_TERMS.coverage80) },
  { id: 'wql', header: termHeader(METRIC_TERMS.wql) },
  { id: 'issued', header: 'Forecast issued' },
  { id: 'pending', header: 'Awaiting actuals' },
];

/** The judged error over time, drawn by Grafana's sparkline renderer; colour by drift state, from the theme. */
function ModelSparkline({ model }: { model: ModelAccuracy }) {
  const theme = useTheme2();
  const sparkline = useMemo(() => sparklineOf(model), [model]);
  const color = model.drift ? 'red' : model.coverageDrift ? 'orange' : 'blue';
  if (!sparkline) {
    return <div style={{ width: WIDTH, height: HEIGHT }} data-testid={ids.sparkline} />;
  }
  return (
    <div
      data-testid={ids.sparkline}
      aria-label={`${modelTerm(model.model).label}: ${METRIC_LABEL[model.metric]} over time`}
    >
      <Sparkline
        width={WIDTH}
        height={HEIGHT}
        sparkline={sparkline}
        theme={theme}
        config={{
          color: { mode: FieldColorModeId.Fixed, fixedColor: color },
          custom: { lineWidth: 1, fillOpacity: 10 },
        }}
      />
    </div>
  );
}

function ModelAccuracyRow({ model }: { model: ModelAccuracy }) {
  const styles = useStyles2(getStyles);
  const badge = driftBadge(model);
  return (
    <div className={styles.row} data-testid={ids.accuracyModel}>
      <div className={styles.name}>
        <Text weight="medium">
          <Term term={modelTerm(model.model)} />
        </Text>
        <Text color="secondary" variant="bodySmall">
          {model.kind} · {METRIC_LABEL[model.metric]}
        </Text>
      </div>
      <ModelSparkline model={model} />
      <div className={styles.values}>
        <Text variant="bodySmall">Rolling vs reference: {rollingVsReference(model)}</Text>
        {model.rollingCoverage80 !== null && (
          <Text variant="bodySmall" color="secondary">
            Inside the 80% band {(model.rollingCoverage80 * 100).toFixed(0)}% of the time
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
