import React, { useCallback, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { locationService } from '@grafana/runtime';
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
  Stack,
  Text,
  Tooltip,
  useStyles2,
  type Column,
} from '@grafana/ui';
import type { AnomalyRequest } from '../api/types';
import { AnomalyFeedback } from '../components/AnomalyFeedback/AnomalyFeedback';
import { testIds } from '../components/testIds';
import { useAnomalies } from '../hooks/useAnomalies';
import { useIncidents } from '../hooks/useIncidents';
import { incidentsToRows, summarizeIncidents, type WatchedIncidentRow } from '../domain/incidents/watched';
import { buildIncidentRequest, DEFAULT_INCIDENT_FORM, type IncidentForm } from '../domain/incidents/request';
import { usePageContext } from '../scenes/pageContext';
import { PromqlEditor } from '../components/PromqlEditor/PromqlEditor';
import { SidecarPromClient } from '../domain/promql/completion';

/** Completion through the app's proxy routes (one client, so its cache lasts the session). */
const appCompletion = new SidecarPromClient();
import { regionsToRows, SEVERITY_COLOR, summarizeRegions, type RegionRow } from '../domain/incidents/rows';
import { currentUser, feedbackDisabledReason } from '../utils/roles';
import { AIDPE_ACTIONS, can } from '../domain/access/permissions';
import { RcaExplorer } from '../panels/rca/components/RcaExplorer';
import { DEFAULT_RCA_OPTIONS } from '../panels/rca/types';
import {
  CLEARED_PARAMS,
  rcaRequestFor,
  selectionForIncident,
  selectionFromParams,
  selectionToParams,
  type RcaSelection,
} from '../domain/incidents/rca';

const ids = testIds.incidents;

/**
 * Anomalous regions of a PromQL query over a recent range, from the sidecar's anomaly engine, with
 * true/false-positive feedback per region (Editors; Viewers see the buttons disabled and why).
 */
function Incidents() {
  const s = useStyles2(getStyles);
  const page = usePageContext();
  const [form, setForm] = useState<IncidentForm>(DEFAULT_INCIDENT_FORM);
  // What "Detect anomalies" last applied; it runs again over the page's range on every refresh or new range.
  const [applied, setApplied] = useState<IncidentForm>(DEFAULT_INCIDENT_FORM);
  const built = useMemo(
    // "Now" is the range's end, as the time picker evaluated it.
    () => buildIncidentRequest(applied, { fromMs: page.fromMs, toMs: page.toMs }, page.toMs),
    // refreshKey: a refresh re-runs the same query.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [applied, page.fromMs, page.toMs, page.refreshKey]
  );
  const request: AnomalyRequest | undefined = built.ok ? built.value : undefined;
  const [formError, setFormError] = useState<string>();
  // Grafana's boot data does not change while the page is open.
  const [user] = useState(currentUser);
  const { loading, response, error, feedback, addFeedback } = useAnomalies(request);
  // The incident being explained lives in the URL query, so the explorer can be linked to.
  const [rcaSelection, setRcaSelection] = useState<RcaSelection | undefined>(() =>
    selectionFromParams(locationService.getSearchObject())
  );
  const rcaRequest = useMemo(() => (rcaSelection ? rcaRequestFor(rcaSelection) : undefined), [rcaSelection]);
  const queryExpr = request?.query ?? form.expr;
  const openExplorer = useCallback((selection: RcaSelection | undefined) => {
    if (selection) {
      setRcaSelection(selection);
      locationService.partial(selectionToParams(selection));
    }
  }, []);
  const explain = useCallback(
    (row: RegionRow) => openExplorer(selectionForIncident(row, queryExpr)),
    [queryExpr, openExplorer]
  );
  const watched = useIncidents(page.refreshKey);
  const watchedRows = useMemo(
    () =>
      watched.response
        ? incidentsToRows(watched.response).filter((r) => !page.service || r.service === page.service)
        : [],
    [watched.response, page.service]
  );
  const watchedColumns = useMemo<Array<Column<WatchedIncidentRow>>>(
    () => [
      { id: 'title', header: 'Incident', sortType: 'alphanumeric' },
      {
        id: 'startMs',
        header: 'Start',
        sortType: 'number',
        cell: ({ row }) => `${row.original.start} (${row.original.duration})`,
      },
      {
        id: 'severityRank',
        header: 'Severity',
        sortType: 'number',
        cell: ({ row }) => <Badge color={SEVERITY_COLOR[row.original.severity]} text={row.original.severity} />,
      },
      { id: 'status', header: 'Status', sortType: 'alphanumeric' },
      {
        id: 'rca',
        header: 'Root cause',
        cell: ({ row }) => (
          <ExplainButton
            enabled={Boolean(row.original.service)}
            testId={ids.explainIncident(row.original.id)}
            onClick={() => openExplorer(selectionForIncident(row.original, row.original.query))}
          />
        ),
      },
    ],
    [openExplorer]
  );
  const closeExplorer = () => {
    setRcaSelection(undefined);
    locationService.partial({ ...CLEARED_PARAMS });
  };

  const run = () => {
    const next = buildIncidentRequest(form, { fromMs: page.fromMs, toMs: page.toMs }, page.toMs);
    if (next.ok) {
      setFormError(undefined);
      setApplied({ ...form });
    } else {
      setFormError(next.error);
    }
  };

  const editor = can(user, AIDPE_ACTIONS.feedback);
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
      {
        id: 'rca',
        header: 'Root cause',
        cell: ({ row }) => (
          <ExplainButton
            enabled={Boolean(row.original.service)}
            testId={ids.explain(row.original.id)}
            onClick={() => explain(row.original)}
          />
        ),
      },
    ],
    [disabledReason, addFeedback, explain]
  );

  const update = (patch: Partial<IncidentForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <>
      <div data-testid={ids.container} className={s.page}>
        <Stack direction="column" gap={2}>
          <Text color="secondary">
            Anomalous regions found by the AIDPE anomaly engine: where a series&apos; anomaly score (0..1) passes its
            threshold. Marking a region as a true or false positive moves that series&apos; threshold.{' '}
            <strong>Explain</strong> opens the root-cause explorer for an incident&apos;s service and window.
          </Text>

          <section data-testid={ids.watched} aria-label="Incidents opened by the sidecar">
            <Stack direction="column" gap={1}>
              <Stack direction="row" justifyContent="space-between" alignItems="center">
                <Text element="h3" variant="h4">
                  Incidents opened by the sidecar
                </Text>
                <Button size="sm" variant="secondary" fill="text" icon="sync" onClick={watched.reload}>
                  Refresh
                </Button>
              </Stack>
              {watched.error && (
                <Alert severity="warning" title="Could not list the sidecar's incidents" data-testid={ids.watchedError}>
                  {watched.error}
                </Alert>
              )}
              {watched.response && !watched.response.running && (
                <Alert severity="info" title="The incident watcher is not running" data-testid={ids.watchedNotRunning}>
                  {watched.response.message ?? 'It runs in demo mode.'}
                </Alert>
              )}
              {watched.response?.running && (
                <>
                  <Text color="secondary" data-testid={ids.watchedSummary}>
                    {summarizeIncidents(watched.response)}
                  </Text>
                  {watchedRows.length > 0 && (
                    <div data-testid={ids.watchedTable}>
                      <InteractiveTable
                        columns={watchedColumns}
                        data={watchedRows}
                        getRowId={(r) => r.id}
                        pageSize={10}
                      />
                    </div>
                  )}
                </>
              )}
            </Stack>
          </section>

          <form
            onSubmit={(e) => {
              e.preventDefault();
              run();
            }}
          >
            <InlineFieldRow>
              <InlineField label="PromQL" labelWidth={10} grow invalid={Boolean(formError)} error={formError}>
                <PromqlEditor
                  id="incidents-expr"
                  data-testid={ids.expr}
                  value={form.expr}
                  completion={appCompletion}
                  onChange={(expr) => update({ expr })}
                  onRunQuery={run}
                />
              </InlineField>
            </InlineFieldRow>
            <InlineFieldRow>
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

          {rcaSelection && (
            <section data-testid={ids.rca} className={s.rca} aria-label="Root-cause explorer">
              <Stack direction="row" justifyContent="space-between" alignItems="center">
                <Text element="h3" variant="h4">
                  Root cause of {rcaSelection.service}, {dateTimeFormat(rcaSelection.fromMs)} –{' '}
                  {dateTimeFormat(rcaSelection.toMs)}
                </Text>
                <Button
                  size="sm"
                  variant="secondary"
                  fill="text"
                  icon="times"
                  onClick={closeExplorer}
                  data-testid={ids.rcaClose}
                >
                  Close
                </Button>
              </Stack>
              <RcaExplorer request={rcaRequest} sli={rcaSelection.sli} datasources={DEFAULT_RCA_OPTIONS} />
            </section>
          )}
        </Stack>
      </div>
    </>
  );
}

/** Opens the RCA explorer for a row; disabled (and says why) when the series names no service. */
function ExplainButton({ enabled, testId, onClick }: { enabled: boolean; testId: string; onClick: () => void }) {
  if (enabled) {
    return (
      <Button size="sm" variant="secondary" icon="sitemap" onClick={onClick} data-testid={testId}>
        Explain
      </Button>
    );
  }
  return (
    <Tooltip content="The series has no service label to explain">
      <span>
        <Button size="sm" variant="secondary" icon="sitemap" disabled data-testid={testId}>
          Explain
        </Button>
      </span>
    </Tooltip>
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
  rca: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    paddingTop: theme.spacing(2),
    borderTop: `1px solid ${theme.colors.border.weak}`,
  }),
});

export default Incidents;
