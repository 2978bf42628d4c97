import React, { useEffect, useMemo, useState } from 'react';
import { usePageContext } from '../scenes/pageContext';
import { METRIC_TERMS, modelTerm } from '../domain/vocabulary';
import { termHeader } from '../components/Term/Term';
import { Alert, Badge, InteractiveTable, LoadingPlaceholder, Stack, Text, type Column } from '@grafana/ui';
import { forecastAccuracy, forecastModels } from '../api/sidecarClient';
import type { ForecastAccuracyResponse, ForecastModelsResponse } from '../api/types';
import { AccuracySection } from '../modelsPage/AccuracySection';
import { testIds } from '../components/testIds';
import { modelRow, modelsSummary, type ModelRow } from '../modelsPage/rows';
import { describeError } from '../utils/errors';

const columns: Array<Column<ModelRow>> = [
  { id: 'name', header: 'Model' },
  { id: 'version', header: 'Version' },
  {
    id: 'stateText',
    header: 'State',
    cell: ({ row: { original } }) => (
      <Badge color={original.state === 'loaded' ? 'green' : 'orange'} text={original.stateText} />
    ),
  },
  { id: 'parameters', header: 'Parameters' },
  { id: 'trainedAt', header: 'Trained' },
  { id: 'pinball', header: termHeader(METRIC_TERMS.pinball) },
  { id: 'coverage80', header: termHeader(METRIC_TERMS.coverage80) },
  { id: 'checksum', header: 'sha256' },
];

/** The forecasting models the sidecar runs: versions, whether they loaded, and their model cards' metrics. */
function Models() {
  const { refreshKey } = usePageContext();
  const [response, setResponse] = useState<ForecastModelsResponse>();
  const [error, setError] = useState<string>();
  const [accuracy, setAccuracy] = useState<ForecastAccuracyResponse>();
  const [accuracyError, setAccuracyError] = useState<string>();
  useEffect(() => {
    let cancelled = false;
    forecastModels().then(
      (r) => !cancelled && setResponse(r),
      (err: unknown) => !cancelled && setError(describeError(err))
    );
    // Accuracy is fetched on its own: the model list stands without it.
    forecastAccuracy().then(
      (r) => !cancelled && setAccuracy(r),
      (err: unknown) => !cancelled && setAccuracyError(describeError(err))
    );
    return () => {
      cancelled = true;
    };
  }, [refreshKey]);
  const rows = useMemo(() => (response ? response.models.map(modelRow) : []), [response]);
  const summary = response ? modelsSummary(response) : undefined;

  return (
    <>
      <div data-testid={testIds.models.container}>
        {error && (
          <Alert severity="error" title="Could not load the models from the sidecar">
            {error}
          </Alert>
        )}
        {!response && !error && <LoadingPlaceholder text="Loading models…" />}
        {response && summary && (
          <Stack direction="column" gap={2}>
            <Alert severity={summary.severity} title={summary.text} data-testid={testIds.models.summary} />
            {response.warnings.map((w) => (
              <Alert key={w} severity="warning" title={w} />
            ))}
            <div data-testid={testIds.models.table}>
              <InteractiveTable columns={columns} data={rows} getRowId={(r) => r.id} />
            </div>
            <Text color="secondary">
              Statistical candidates, always available:{' '}
              {response.statistical.map((m) => modelTerm(m).label.toLowerCase()).join(', ')}. Every forecast is chosen
              by a backtest on the series&apos; own history; validation metrics above come from each model card
              (normalised units).
            </Text>
            <Text element="h3">Accuracy over time</Text>
            <Text color="secondary">
              Each model&apos;s error relative to simply repeating the last value (below 1 beats it): for the neural
              networks on past data against their model card, for the statistical models against their own first day,
              and for AIDPE&apos;s blend on its real forecasts once the future arrived, with how often the actual value
              fell inside the 80% band. Hover a badge for the numbers, a name for its technical term.
            </Text>
            {accuracyError && (
              <Alert severity="warning" title="Could not load forecast accuracy from the sidecar">
                {accuracyError}
              </Alert>
            )}
            {!accuracy && !accuracyError && <LoadingPlaceholder text="Loading accuracy…" />}
            {accuracy && <AccuracySection accuracy={accuracy} />}
          </Stack>
        )}
      </div>
    </>
  );
}

export default Models;
