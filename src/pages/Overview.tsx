import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Button, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { forecastAccuracy, forecastModels } from '../api/sidecarClient';
import type { ActionList, ForecastAccuracyResponse, ForecastModelsResponse } from '../api/types';
import { PLUGIN_ID } from '../constants';
import { DependencyList } from '../components/DependencyList/DependencyList';
import { testIds } from '../components/testIds';
import { useActions } from '../hooks/useActions';
import { useIncidents } from '../hooks/useIncidents';
import { useSidecarHealth } from '../hooks/useSidecarHealth';
import {
  ActionsSection,
  IncidentsSection,
  LoopSection,
  ModelsSection,
  type Loaded,
} from '../overview/OverviewSections';
import { startOfDayMs } from '../overview/summary';
import { describeError } from '../utils/errors';
import { stateLabel, stateToBadgeColor, stateToIcon } from '../utils/health';
import { formatUptime } from '../utils/time';
import { usePageContext } from '../scenes/pageContext';

/** The newest actions the Overview counts over (the same window as the Actions page). */
export const OVERVIEW_ACTIONS_LIMIT = 200;
const REFRESH_SECONDS = 30;

/** One call's state for a section: loading until it settles; a later failure keeps the last answer. */
function useLoaded<T>(load: () => Promise<T>, generation: number): Loaded<T> {
  const [state, setState] = useState<{ generation: number; value?: T; error?: string }>();
  useEffect(() => {
    let cancelled = false;
    load().then(
      (value) => !cancelled && setState({ generation, value }),
      (err: unknown) =>
        !cancelled && setState((prev) => ({ generation, value: prev?.value, error: describeError(err) }))
    );
    return () => {
      cancelled = true;
    };
  }, [load, generation]);
  return {
    loading: state?.generation !== generation,
    ...(state?.value !== undefined ? { value: state.value } : {}),
    ...(state?.error ? { error: state.error } : {}),
  };
}

/**
 * What AIDPE is doing now: the action loop (and open circuit breakers), the sidecar's dependencies, open incidents,
 * recent actions and the models. Every section loads on its own: one failing call shows its own alert.
 */
function Overview() {
  // The scene's refresh picker (and a new time range) reload every section.
  const { refreshKey } = usePageContext();
  const s = useStyles2(getStyles);
  const { loading, health, error, refresh } = useSidecarHealth(refreshKey);
  const actionsQuery = useMemo(() => ({ limit: OVERVIEW_ACTIONS_LIMIT }), []);
  const actions = useActions(actionsQuery, REFRESH_SECONDS, refreshKey);
  const incidents = useIncidents(refreshKey);
  const [generation, setGeneration] = useState(0);
  // Where "applied today" starts: the viewer's local midnight, taken again on Refresh.
  const [dayStartMs, setDayStartMs] = useState(() => startOfDayMs(Date.now()));
  const models = useLoaded<ForecastModelsResponse>(forecastModels, generation + refreshKey);
  const accuracy = useLoaded<ForecastAccuracyResponse>(forecastAccuracy, generation + refreshKey);

  const reloadActions = actions.reload;
  const reloadIncidents = incidents.reload;
  const refreshAll = useCallback(() => {
    refresh();
    reloadActions();
    reloadIncidents();
    setGeneration((g) => g + 1);
    setDayStartMs(startOfDayMs(Date.now()));
  }, [refresh, reloadActions, reloadIncidents]);

  const actionsState: Loaded<ActionList> = {
    loading: actions.loading,
    ...(actions.list ? { value: actions.list } : {}),
    ...(actions.error ? { error: actions.error } : {}),
  };
  const incidentsState = {
    loading: incidents.loading,
    ...(incidents.response ? { value: incidents.response } : {}),
    ...(incidents.error ? { error: incidents.error } : {}),
  };

  return (
    <>
      <div data-testid={testIds.overview.container} className={s.page}>
        <Stack direction="column" gap={2}>
          <Stack justifyContent="space-between" alignItems="center">
            <Text element="h2" variant="h4">
              Sidecar health
            </Text>
            <Button
              icon="sync"
              variant="secondary"
              onClick={refreshAll}
              disabled={loading}
              data-testid={testIds.overview.refresh}
            >
              Refresh
            </Button>
          </Stack>

          {loading && !health && !error && (
            <div data-testid={testIds.overview.loading}>
              <LoadingPlaceholder text="Checking the AIDPE sidecar…" />
            </div>
          )}

          {error && (
            <Alert severity="error" title="Cannot reach the AIDPE sidecar" data-testid={testIds.overview.error}>
              <Stack direction="column" gap={1}>
                <Text>{error}</Text>
                <Text color="secondary">
                  Grafana talks to the sidecar through its plugin proxy. Check the sidecar URL and API token on the
                  configuration page, and that the sidecar is running and reachable from the Grafana server.
                </Text>
                <div>
                  <LinkButton href={`/plugins/${PLUGIN_ID}`} icon="cog" variant="secondary" size="sm">
                    Open configuration
                  </LinkButton>
                </div>
              </Stack>
            </Alert>
          )}

          {health && (
            <>
              <div data-testid={testIds.overview.summary} className={s.summary}>
                <Badge
                  color={stateToBadgeColor(health.status)}
                  icon={stateToIcon(health.status)}
                  text={`Sidecar ${stateLabel(health.status).toLowerCase()}`}
                />
                <Text color="secondary">
                  version {health.version} · {health.mode} mode · up {formatUptime(health.uptimeSeconds)}
                </Text>
              </div>
              {health.mode === 'demo' && (
                <Alert severity="info" title="Demo mode">
                  The sidecar is running against its built-in simulated cluster; nothing here reflects real
                  infrastructure.
                </Alert>
              )}
            </>
          )}

          <LoopSection state={actionsState} />

          {health && (
            <section aria-label="Dependencies">
              <Stack direction="column" gap={1}>
                <Text element="h3" variant="h5">
                  Dependencies
                </Text>
                <DependencyList dependencies={health.dependencies} />
              </Stack>
            </section>
          )}

          <div className={s.columns}>
            <IncidentsSection state={incidentsState} />
            <ActionsSection state={actionsState} dayStartMs={dayStartMs} />
          </div>
          <ModelsSection models={models} accuracy={accuracy} />
        </Stack>
      </div>
    </>
  );
}

export default Overview;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    maxWidth: theme.breakpoints.values.xl,
  }),
  summary: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  }),
  columns: css({
    display: 'grid',
    gap: theme.spacing(2),
    gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))',
  }),
});
