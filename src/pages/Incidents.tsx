import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  InlineField,
  InlineFieldRow,
  Input,
  InteractiveTable,
  LoadingPlaceholder,
  RadioButtonGroup,
  Stack,
  Text,
  useStyles2,
  type Column,
} from '@grafana/ui';
import type { AnomalyRequest } from '../api/types';
import { AnomalyFeedback } from '../components/AnomalyFeedback/AnomalyFeedback';
import { testIds } from '../components/testIds';
import { useAnomalies } from '../hooks/useAnomalies';
import { buildIncidentRequest, DEFAULT_INCIDENT_FORM, INCIDENT_RANGES, type IncidentForm } from '../incidents/request';
import { regionsToRows, SEVERITY_COLOR, summarizeRegions, type RegionRow } from '../incidents/rows';
import { currentUser, feedbackDisabledReason, isEditor } from '../utils/roles';

const ids = testIds.incidents;

/**
 * Anomalous regions of a PromQL query over a recent range, from the sidecar's anomaly engine, with
 * true/false-positive feedback per region (Editors; Viewers see the buttons disabled and why).
 */
function Incidents() {
  const s = useStyles2(getStyles);
  const [form, setForm] = useState<IncidentForm>(DEFAULT_INCIDENT_FORM);
  // The first run, with the defaults, starts on load.
  const [request, setRequest] = useState<AnomalyRequest | undefined>(() => {
    const built = buildIncidentRequest(DEFAULT_INCIDENT_FORM, Date.now());
    return built.ok ? built.value : undefined;
  });
  const [formError, setFormError] = useState<string>();
  // Grafana's boot data does not change while the page is open.
  const [user] = useState(currentUser);
  const { loading, response, error, feedback, addFeedback } = useAnomalies(request);

  const run = () => {
    const built = buildIncidentRequest(form, Date.now());
    if (built.ok) {
      setFormError(undefined);
      setRequest(built.value);
    } else {
      setFormError(built.error);
    }
  };

  const editor = isEditor(user);
  const disabledReason = response ? feedbackDisabledReason(user, response.storeAvailable) : undefined;
  const rows = useMemo(() => (response ? regionsToRows(response, feedback) : []), [response, feedback]);
  const insufficient = response?.series.filter((x) => x.status === 'insufficient_data') ?? [];

  const columns = useMemo<Array<Column<RegionRow>>>(
    () => [
      { id: 'series', header: 'Series', sortType: 'alphanumeric' },
      { id: 'startMs', header: 'Start', sortType: 'number', cell: ({ row }) => row.original.start },
      {
        id: 'endMs',
        header: 'End',
        sortType: 'number',
        cell: ({ row }) => (
          <span>
            {row.original.end}{' '}
            <Text color="secondary" variant="bodySmall">
              ({row.original.duration})
            </Text>
          </span>
        ),
      },
      {
        id: 'severityRank',
        header: 'Severity',
        sortType: 'number',
        cell: ({ row }) => <Badge color={SEVERITY_COLOR[row.original.severity]} text={row.original.severity} />,
      },
      { id: 'peakScore', header: 'Peak score', sortType: 'number', cell: ({ row }) => row.original.peakScoreText },
      {
        id: 'feedback',
        header: 'Feedback',
        cell: ({ row }) => (
          <AnomalyFeedback
            region={row.original}
            feedback={row.original.feedback}
            disabledReason={disabledReason}
            onSubmitted={addFeedback}
          />
        ),
      },
    ],
    [disabledReason, addFeedback]
  );

  const update = (patch: Partial<IncidentForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <PluginPage>
      <div data-testid={ids.container} className={s.page}>
        <Stack direction="column" gap={2}>
          <Text color="secondary">
            Anomalous regions found by the AIDPE anomaly engine: where a series&apos; anomaly score (0..1) passes its
            threshold. Marking a region as a true or false positive moves that series&apos; threshold.
          </Text>

          <form
            onSubmit={(e) => {
              e.preventDefault();
              run();
            }}
          >
            <InlineFieldRow>
              <InlineField label="PromQL" labelWidth={10} grow invalid={Boolean(formError)} error={formError}>
                <Input
                  id="incidents-expr"
                  data-testid={ids.expr}
                  value={form.expr}
                  onChange={(e) => update({ expr: e.currentTarget.value })}
                />
              </InlineField>
            </InlineFieldRow>
            <InlineFieldRow>
              <InlineField label="Last" labelWidth={10}>
                <div data-testid={ids.range}>
                  <RadioButtonGroup
                    aria-label="Range"
                    options={[...INCIDENT_RANGES]}
                    value={form.range}
                    onChange={(range) => update({ range })}
                  />
                </div>
              </InlineField>
              <InlineField label="Step" labelWidth={8} tooltip="A duration (30s, 1m) or seconds. Empty: 60s.">
                <Input
                  id="incidents-step"
                  width={10}
                  data-testid={ids.step}
                  value={form.step}
                  placeholder="60s"
                  onChange={(e) => update({ step: e.currentTarget.value })}
                />
              </InlineField>
              <Button type="submit" icon="search" disabled={loading} data-testid={ids.run}>
                Detect anomalies
              </Button>
            </InlineFieldRow>
          </form>

          {!editor && (
            <Alert severity="info" title="Read-only" data-testid={ids.roleNotice}>
              {feedbackDisabledReason(user, true)}
            </Alert>
          )}

          {loading && (
            <div data-testid={ids.loading}>
              <LoadingPlaceholder text="Scoring the series…" />
            </div>
          )}

          {error && (
            <Alert severity="error" title="The anomaly query failed" data-testid={ids.error}>
              {error}
            </Alert>
          )}

          {response && !error && (
            <>
              {response.warnings.length > 0 && (
                <Alert severity="warning" title="Warnings from the sidecar" data-testid={ids.warnings}>
                  <ul className={s.list}>
                    {response.warnings.map((w) => (
                      <li key={w}>{w}</li>
                    ))}
                  </ul>
                </Alert>
              )}
              {insufficient.length > 0 && (
                <Alert severity="info" title="Some series could not be scored yet" data-testid={ids.insufficient}>
                  <ul className={s.list}>
                    {insufficient.map((x) => (
                      <li key={x.seriesKey}>
                        {x.name}: {x.reason ?? 'not enough data'}
                      </li>
                    ))}
                  </ul>
                </Alert>
              )}
              {editor && !response.storeAvailable && (
                <Alert severity="warning" title="Feedback cannot be kept" data-testid={ids.storeNotice}>
                  {feedbackDisabledReason(user, false)}
                </Alert>
              )}
              <Text data-testid={ids.summary}>{summarizeRegions(response)}</Text>
              {rows.length > 0 ? (
                <div data-testid={ids.table}>
                  <InteractiveTable columns={columns} data={rows} getRowId={(r) => r.id} pageSize={25} />
                </div>
              ) : (
                <div data-testid={ids.empty}>
                  <EmptyState variant="completed" message="No anomalies in this range" />
                </div>
              )}
            </>
          )}
        </Stack>
      </div>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    maxWidth: theme.breakpoints.values.xl,
  }),
  list: css({
    margin: 0,
    paddingLeft: theme.spacing(2),
  }),
});

export default Incidents;
