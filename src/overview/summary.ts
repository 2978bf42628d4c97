/**
 * Pure selection behind the Overview page (no React, no I/O): whether the action loop runs and why not, which
 * circuit breakers are open, action counts, the newest actions and open incidents, links into the Incidents page's
 * RCA explorer, and which forecasting models drift.
 */
import type {
  ActionList,
  ActionRecord,
  AutomationStatus,
  ForecastAccuracyResponse,
  IncidentListResponse,
  ServiceAutomation,
  SidecarIncident,
} from '../api/types';
import { appliedAtMs } from '../domain/actions/format';
import { selectionForIncident, selectionToParams } from '../domain/incidents/rca';
import { driftBadge, rollingVsReference, type BadgeColor } from '../modelsPage/accuracy';
import { ROUTES } from '../constants';
import { prefixRoute } from '../utils/utils.routing';

/** How many actions / incidents the Overview lists; the rest are one click away. */
export const OVERVIEW_NEWEST = 5;

const timeMs = (iso: string | undefined): number | undefined => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : undefined;
};

export type LoopState =
  | { kind: 'absent'; reason: string }
  | { kind: 'stopped'; reason: string; automation: AutomationStatus }
  | { kind: 'running'; automation: AutomationStatus };

/**
 * The action loop as the Overview shows it: absent (`automation: null`: no store, automation off; the sidecar's
 * message says why), stopped, or running.
 */
export function loopState(list: Pick<ActionList, 'automation' | 'message'>): LoopState {
  const automation = list.automation;
  if (!automation) {
    return {
      kind: 'absent',
      reason: list.message?.trim() || 'The sidecar runs no action loop and did not say why.',
    };
  }
  if (!automation.running) {
    return {
      kind: 'stopped',
      reason: automation.lastError?.trim() || list.message?.trim() || 'The action loop is not running.',
      automation,
    };
  }
  return { kind: 'running', automation };
}

/** Services whose circuit breaker is open, the longest open first (they need a person to resume them). */
export function openBreakers(automation: AutomationStatus | null | undefined): ServiceAutomation[] {
  return (automation?.services ?? [])
    .filter((s) => s.breaker.open)
    .sort(
      (a, b) =>
        (timeMs(a.breaker.openedAt) ?? Infinity) - (timeMs(b.breaker.openedAt) ?? Infinity) ||
        a.service.localeCompare(b.service)
    );
}

export interface ActionCounts {
  pendingApproval: number;
  /** Applied (and still applied) since `dayStartMs`. */
  appliedToday: number;
  rolledBack: number;
  rejected: number;
}

/** Counts over the actions the sidecar listed; "today" starts at `dayStartMs` (the viewer's local midnight). */
export function actionCounts(actions: readonly ActionRecord[], dayStartMs: number): ActionCounts {
  const counts: ActionCounts = { pendingApproval: 0, appliedToday: 0, rolledBack: 0, rejected: 0 };
  for (const a of actions) {
    if (a.status === 'pending_approval') {
      counts.pendingApproval++;
    } else if (a.status === 'applied' && (appliedAtMs(a) ?? -Infinity) >= dayStartMs) {
      counts.appliedToday++;
    } else if (a.status === 'rolled_back') {
      counts.rolledBack++;
    } else if (a.status === 'rejected') {
      counts.rejected++;
    }
  }
  return counts;
}

/** The local midnight before `nowMs`. */
export function startOfDayMs(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The `n` newest actions by creation time (the sidecar lists newest first, but a merged list need not be). */
export function newestActions(actions: readonly ActionRecord[], n = OVERVIEW_NEWEST): ActionRecord[] {
  return [...actions]
    .sort((a, b) => (timeMs(b.createdAt) ?? 0) - (timeMs(a.createdAt) ?? 0) || a.id.localeCompare(b.id))
    .slice(0, Math.max(0, n));
}

export interface OpenIncidents {
  open: number;
  resolved: number;
  /** The `n` newest open incidents, by when they started. */
  newest: SidecarIncident[];
}

export function openIncidents(list: Pick<IncidentListResponse, 'incidents'>, n = OVERVIEW_NEWEST): OpenIncidents {
  const open = list.incidents.filter((i) => i.status === 'open');
  return {
    open: open.length,
    resolved: list.incidents.length - open.length,
    newest: [...open]
      .sort((a, b) => b.startMs - a.startMs || b.openedAtMs - a.openedAtMs || a.id.localeCompare(b.id))
      .slice(0, Math.max(0, n)),
  };
}

/**
 * The Incidents page with the RCA explorer open on the incident's service and window (the page keeps its selection
 * in the URL); undefined when the series has no `service` label to explain.
 */
export function incidentExplorerUrl(incident: SidecarIncident): string | undefined {
  const selection = selectionForIncident(
    { id: incident.id, service: incident.labels.service, startMs: incident.startMs, endMs: incident.endMs },
    incident.query
  );
  if (!selection) {
    return undefined;
  }
  return `${prefixRoute(ROUTES.Incidents)}?${new URLSearchParams(selectionToParams(selection)).toString()}`;
}

export interface DriftFlag {
  model: string;
  kind: 'ensemble' | 'deep' | 'statistical';
  /** `drift ×1.80` (red) / `coverage drift` (orange), as on the Models page. */
  text: string;
  color: BadgeColor;
  /** "0.812 vs 0.545 (model card …)", and the tracker's reason. */
  detail: string;
}

/** Models whose error or coverage drifted from their reference, error drift first. */
export function driftFlags(accuracy: Pick<ForecastAccuracyResponse, 'models'>): DriftFlag[] {
  return accuracy.models
    .filter((m) => m.drift || m.coverageDrift)
    .sort(
      (a, b) => Number(b.drift) - Number(a.drift) || (b.ratio ?? 0) - (a.ratio ?? 0) || a.model.localeCompare(b.model)
    )
    .map((m) => ({
      model: m.model,
      kind: m.kind,
      ...driftBadge(m),
      detail: [rollingVsReference(m), m.reason].filter(Boolean).join(' · '),
    }));
}
