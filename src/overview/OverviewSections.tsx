/**
 * The Overview page's sections beside the sidecar's health: the action loop, open incidents, actions and models.
 * Each takes its own load state, so that one failing call shows its own alert and the others still render.
 */
import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, EmptyState, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import type { ActionList, ForecastAccuracyResponse, ForecastModelsResponse, IncidentListResponse } from '../api/types';
import { changeSummary, MODE_LABEL, STATUS_COLOR, STATUS_LABEL } from '../domain/actions/format';
import { testIds } from '../components/testIds';
import { ROUTES } from '../constants';
import { SEVERITY_COLOR } from '../domain/incidents/rows';
import { modelsSummary } from '../modelsPage/rows';
import { prefixRoute } from '../utils/utils.routing';
import {
  actionCounts,
  driftFlags,
  incidentExplorerUrl,
  loopState,
  newestActions,
  openBreakers,
  openIncidents,
} from './summary';

const ids = testIds.overview;
const ACTIONS_URL = prefixRoute(ROUTES.Actions);
const INCIDENTS_URL = prefixRoute(ROUTES.Incidents);
const MODELS_URL = prefixRoute(ROUTES.Models);

/** What a section's call gave: still loading, an answer, or a failure message (the last answer may stay). */
export interface Loaded<T> {
  loading: boolean;
  value?: T;
  error?: string;
}

function Section({
  title,
  testId,
  link,
  children,
}: {
  title: string;
  testId: string;
  link?: { href: string; label: string };
  children: React.ReactNode;
}) {
  const s = useStyles2(getStyles);
  return (
    <section data-testid={testId} aria-label={title} className={s.section}>
      <Stack direction="column" gap={1}>
        <Stack justifyContent="space-between" alignItems="center">
          <Text element="h3" variant="h5">
            {title}
          </Text>
          {link && (
            <LinkButton href={link.href} variant="secondary" fill="text" size="sm" icon="arrow-right">
              {link.label}
            </LinkButton>
          )}
        </Stack>
        {children}
      </Stack>
    </section>
  );
}

const time = (iso: string | undefined) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? dateTimeFormat(t) : 'never';
};

/** Running or not (and why not), interval, actuator, per-service mode and breaker; open breakers first and loud. */
export function LoopSection({ state }: { state: Loaded<ActionList> }) {
  const s = useStyles2(getStyles);
  const list = state.value;
  const loop = list ? loopState(list) : undefined;
  const automation = loop && loop.kind !== 'absent' ? loop.automation : undefined;
  const breakers = openBreakers(automation);

  return (
    <Section title="Action loop" testId={ids.loop} link={{ href: ACTIONS_URL, label: 'Actions' }}>
      {state.error && (
        <Alert severity="error" title="Could not load the action loop's state" data-testid={ids.loopError}>
          {state.error}
        </Alert>
      )}
      {!list && !state.error && (
        <div data-testid={ids.loopLoading}>
          <LoadingPlaceholder text="Loading the action loop…" />
        </div>
      )}
      {loop?.kind === 'absent' && (
        <Alert severity="info" title="No action loop runs on this sidecar" data-testid={ids.loopOff}>
          {loop.reason}
        </Alert>
      )}
      {loop?.kind === 'stopped' && (
        <Alert severity="warning" title="The action loop is stopped" data-testid={ids.loopOff}>
          {loop.reason}
        </Alert>
      )}
      {breakers.length > 0 && (
        <Alert
          severity="error"
          title={`Circuit breaker open: ${breakers.map((b) => b.service).join(', ')}`}
          data-testid={ids.breakers}
        >
          <Stack direction="column" gap={1}>
            {breakers.map((b) => (
              <Text key={b.service}>
                {b.service}: {b.breaker.reason ?? 'opened'}
                {b.breaker.openedAt ? ` (since ${time(b.breaker.openedAt)})` : ''}
              </Text>
            ))}
            <Text color="secondary">No action is applied to these services until an Editor resumes them.</Text>
            <div>
              <LinkButton href={ACTIONS_URL} icon="arrow-right" variant="secondary" size="sm">
                Resume on the Actions page
              </LinkButton>
            </div>
          </Stack>
        </Alert>
      )}
      {automation && (
        <Stack direction="column" gap={1}>
          <div className={s.row} data-testid={loop?.kind === 'running' ? ids.loopRunning : undefined}>
            <Badge
              color={automation.running ? 'green' : 'orange'}
              icon={automation.running ? 'check' : 'pause'}
              text={automation.running ? 'Running' : 'Stopped'}
            />
            <Text color="secondary">
              every {automation.intervalSeconds}s · {automation.actuator} actuator · last run{' '}
              {time(automation.lastRunAt)}
            </Text>
          </div>
          {automation.lastError && loop?.kind === 'running' && (
            <Text color="warning">Last error: {automation.lastError}</Text>
          )}
          {automation.services.length === 0 ? (
            <Text color="secondary">No service is under automation.</Text>
          ) : (
            <ul className={s.list}>
              {automation.services.map((svc) => (
                <li key={svc.service} className={s.row} data-testid={ids.service(svc.service)}>
                  <Text weight="medium">{svc.service}</Text>
                  <Badge color="blue" text={MODE_LABEL[svc.mode] ?? svc.mode} />
                  {svc.breaker.open ? (
                    <Badge color="red" icon="exclamation-triangle" text="breaker open" />
                  ) : (
                    <Badge color="green" text="breaker closed" />
                  )}
                  {svc.lastError && <Text color="warning">{svc.lastError}</Text>}
                </li>
              ))}
            </ul>
          )}
        </Stack>
      )}
    </Section>
  );
}

/** The newest open incidents, each with its severity and a link to the RCA explorer on the Incidents page. */
export function IncidentsSection({ state }: { state: Loaded<IncidentListResponse> }) {
  const s = useStyles2(getStyles);
  const response = state.value;
  const summary = useMemo(() => (response ? openIncidents(response) : undefined), [response]);

  return (
    <Section title="Open incidents" testId={ids.incidents} link={{ href: INCIDENTS_URL, label: 'Incidents' }}>
      {state.error && (
        <Alert severity="error" title="Could not list the sidecar's incidents" data-testid={ids.incidentsError}>
          {state.error}
        </Alert>
      )}
      {!response && !state.error && <LoadingPlaceholder text="Loading incidents…" />}
      {response && !response.running && (
        <Alert severity="info" title="The incident watcher is not running" data-testid={ids.incidentsNotRunning}>
          {response.message ?? 'The sidecar opens incidents from anomalies while its watcher runs.'}
        </Alert>
      )}
      {response?.lastRun?.error && <Text color="warning">Last watcher run failed: {response.lastRun.error}</Text>}
      {summary && summary.newest.length === 0 && response?.running && (
        <div data-testid={ids.incidentsEmpty}>
          <EmptyState variant="completed" message="No open incidents" hideImage>
            {summary.resolved > 0 ? `${summary.resolved} resolved. ` : ''}
            The watcher opens one when a watched series turns anomalous; run an ad-hoc detection on the Incidents page.
          </EmptyState>
        </div>
      )}
      {summary && summary.newest.length > 0 && (
        <>
          <Text color="secondary">
            {summary.open} open, {summary.resolved} resolved
            {summary.open > summary.newest.length ? ` · the newest ${summary.newest.length} shown` : ''}
          </Text>
          <ul className={s.list}>
            {summary.newest.map((incident) => {
              const url = incidentExplorerUrl(incident);
              return (
                <li key={incident.id} className={s.row} data-testid={ids.incident(incident.id)}>
                  <Badge color={SEVERITY_COLOR[incident.severity] ?? 'blue'} text={incident.severity} />
                  <Text>{incident.title}</Text>
                  <Text color="secondary">since {dateTimeFormat(incident.startMs)}</Text>
                  {url ? (
                    <LinkButton href={url} icon="search" size="sm" variant="secondary" fill="text">
                      Explain
                    </LinkButton>
                  ) : (
                    <Text color="secondary">no service label to explain</Text>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Section>
  );
}

/** Counts of pending / applied today / rolled back / rejected, and the newest actions. */
/** `dayStartMs`: the viewer's local midnight, where "applied today" starts. */
export function ActionsSection({ state, dayStartMs }: { state: Loaded<ActionList>; dayStartMs: number }) {
  const s = useStyles2(getStyles);
  const list = state.value;
  const counts = useMemo(() => (list ? actionCounts(list.actions, dayStartMs) : undefined), [list, dayStartMs]);
  const newest = useMemo(() => (list ? newestActions(list.actions) : []), [list]);

  return (
    <Section title="Actions" testId={ids.actions} link={{ href: ACTIONS_URL, label: 'Actions' }}>
      {state.error && (
        <Alert severity="error" title="Could not load the actions" data-testid={ids.actionsError}>
          {state.error}
        </Alert>
      )}
      {!list && !state.error && <LoadingPlaceholder text="Loading actions…" />}
      {counts && (
        <div className={s.row}>
          <Count kind="pending" label="pending approval" value={counts.pendingApproval} color="orange" />
          <Count kind="applied" label="applied today" value={counts.appliedToday} color="green" />
          <Count kind="rolled-back" label="rolled back" value={counts.rolledBack} color="darkgrey" />
          <Count kind="rejected" label="rejected" value={counts.rejected} color="darkgrey" />
        </div>
      )}
      {list && newest.length === 0 && (
        <div data-testid={ids.actionsEmpty}>
          <EmptyState variant="completed" message="No actions yet" hideImage>
            {list.automation
              ? 'The action loop proposes a scaling action when a forecast or the SLO calls for one.'
              : 'Actions appear once the sidecar runs its action loop (see above).'}
          </EmptyState>
        </div>
      )}
      {newest.length > 0 && (
        <ul className={s.list}>
          {newest.map((action) => (
            <li key={action.id} className={s.row} data-testid={ids.action(action.id)}>
              <Badge
                color={STATUS_COLOR[action.status] ?? 'blue'}
                text={STATUS_LABEL[action.status] ?? action.status}
              />
              <Text weight="medium">{action.service}</Text>
              <Text>{action.rollbackOf ? `Rollback: ${changeSummary(action)}` : changeSummary(action)}</Text>
              <Text color="secondary">{time(action.createdAt)}</Text>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function Count({
  kind,
  label,
  value,
  color,
}: {
  kind: string;
  label: string;
  value: number;
  color: 'orange' | 'green' | 'darkgrey';
}) {
  return (
    <span data-testid={ids.actionCount(kind)}>
      <Badge color={value > 0 ? color : 'darkgrey'} text={`${value} ${label}`} />
    </span>
  );
}

/** Deep models loaded or not, and drift flags from the accuracy tracker; each call on its own. */
export function ModelsSection({
  models,
  accuracy,
}: {
  models: Loaded<ForecastModelsResponse>;
  accuracy: Loaded<ForecastAccuracyResponse>;
}) {
  const s = useStyles2(getStyles);
  const summary = models.value ? modelsSummary(models.value) : undefined;
  const flags = useMemo(() => (accuracy.value ? driftFlags(accuracy.value) : []), [accuracy.value]);

  return (
    <Section title="Models" testId={ids.models} link={{ href: MODELS_URL, label: 'Models' }}>
      {models.error && (
        <Alert severity="error" title="Could not load the models" data-testid={ids.modelsError}>
          {models.error}
        </Alert>
      )}
      {!models.value && !models.error && <LoadingPlaceholder text="Loading models…" />}
      {summary && (
        <div data-testid={ids.modelsSummary}>
          <Alert severity={summary.severity} title={summary.text} />
        </div>
      )}
      {accuracy.error && (
        <Alert severity="warning" title="Could not load forecast accuracy" data-testid={ids.accuracyError}>
          {accuracy.error}
        </Alert>
      )}
      {accuracy.value && !accuracy.value.running && (
        <Text color="secondary">
          {accuracy.value.message ?? 'The accuracy tracker is not running: no drift is judged.'}
        </Text>
      )}
      {accuracy.value?.running && flags.length === 0 && (
        <Text color="secondary" data-testid={ids.driftNone}>
          No model drifts from its reference.
        </Text>
      )}
      {flags.length > 0 && (
        <ul className={s.list}>
          {flags.map((f) => (
            <li key={f.model} className={s.row} data-testid={ids.drift(f.model)}>
              <Badge color={f.color} icon="exclamation-triangle" text={f.text} />
              <Text weight="medium">{f.model}</Text>
              <Text color="secondary">
                {f.kind} · {f.detail}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({
    padding: theme.spacing(2),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.primary,
  }),
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
  row: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  }),
});
