import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { PLUGIN_ID } from '../constants';
import { DependencyList } from '../components/DependencyList/DependencyList';
import { testIds } from '../components/testIds';
import { useSidecarHealth } from '../hooks/useSidecarHealth';
import { stateLabel, stateToBadgeColor, stateToIcon } from '../utils/health';
import { formatUptime } from '../utils/time';

function Overview() {
  const s = useStyles2(getStyles);
  const { loading, health, error, refresh } = useSidecarHealth();

  const refreshButton = (
    <Button icon="sync" variant="secondary" onClick={refresh} disabled={loading} data-testid={testIds.overview.refresh}>
      Refresh
    </Button>
  );

  return (
    <PluginPage>
      <div data-testid={testIds.overview.container} className={s.page}>
        <Stack direction="column" gap={2}>
          <Stack justifyContent="space-between" alignItems="center">
            <Text element="h2" variant="h4">
              Sidecar health
            </Text>
            {refreshButton}
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
              <Text element="h3" variant="h5">
                Dependencies
              </Text>
              <DependencyList dependencies={health.dependencies} />
            </>
          )}

          <Alert severity="info" title="More to come">
            Once the detection and remediation engines land, this page will also summarise open incidents, pending
            actions and model status.
          </Alert>
        </Stack>
      </div>
    </PluginPage>
  );
}

export default Overview;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    maxWidth: theme.breakpoints.values.lg,
  }),
  summary: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  }),
});
