/**
 * The app's pages as Grafana Scenes: each page has Grafana's time picker and refresh picker (and, where it
 * filters by service, the service variable), all kept in the URL (`?from=now-6h&to=now&var-service=cart`), so a
 * page can be linked and reloaded as it was. The page bodies are the plugin's React sections, fed the scene's
 * range, service and refreshes (`PageSection`); the Incidents page adds one chart per incident.
 */
import React from 'react';
import {
  DataSourceVariable,
  EmbeddedScene,
  SceneApp,
  SceneAppPage,
  SceneControlsSpacer,
  SceneFlexItem,
  SceneFlexLayout,
  SceneRefreshPicker,
  SceneTimePicker,
  SceneTimeRange,
  SceneVariableSet,
  VariableValueSelectors,
  type SceneObject,
} from '@grafana/scenes';
import { ROUTES } from '../constants';
import { prefixRoute } from '../utils/utils.routing';
import { PageSection } from './context';
import { DATASOURCE_VARIABLE, IncidentPanels } from './incidentPanels';
import { serviceVariable } from './serviceVariable';

const Overview = React.lazy(() => import('../pages/Overview'));
const Incidents = React.lazy(() => import('../pages/Incidents'));
const Actions = React.lazy(() => import('../pages/Actions'));
const Models = React.lazy(() => import('../pages/Models'));

const lazySection = (Component: React.ComponentType) => {
  const Section = () => (
    <React.Suspense fallback={null}>
      <Component />
    </React.Suspense>
  );
  return new PageSection({ component: Section });
};

interface PageSpec {
  title: string;
  subTitle: string;
  route: ROUTES;
  /** Default range of the time picker. */
  from: string;
  /** Which variables the page has. */
  variables: Array<'service' | 'datasource'>;
  /** Whether the page has a time picker (all have the refresh picker). */
  timePicker: boolean;
  body: () => SceneObject[];
}

function scene(spec: PageSpec): EmbeddedScene {
  const variables = spec.variables.map((v) =>
    v === 'service'
      ? serviceVariable()
      : new DataSourceVariable({
          name: DATASOURCE_VARIABLE,
          label: 'Data source',
          pluginId: 'aidpe-sidecar-datasource',
          // One AIDPE datasource is the usual case: no picker for it then.
          hide: 0,
        })
  );
  return new EmbeddedScene({
    $timeRange: new SceneTimeRange({ from: spec.from, to: 'now' }),
    ...(variables.length > 0 ? { $variables: new SceneVariableSet({ variables }) } : {}),
    controls: [
      ...(variables.length > 0 ? [new VariableValueSelectors({})] : []),
      new SceneControlsSpacer(),
      ...(spec.timePicker ? [new SceneTimePicker({ isOnCanvas: true })] : []),
      new SceneRefreshPicker({ intervals: ['30s', '1m', '5m', '15m'], isOnCanvas: true }),
    ],
    body: new SceneFlexLayout({
      direction: 'column',
      children: spec.body().map((body) => new SceneFlexItem({ body, ySizing: 'content' })),
    }),
  });
}

export const PAGES: readonly PageSpec[] = [
  {
    title: 'Overview',
    subTitle: 'What AIDPE is doing now: the action loop, the sidecar and its dependencies, incidents, actions, models.',
    route: ROUTES.Overview,
    from: 'now-6h',
    variables: [],
    timePicker: false,
    body: () => [lazySection(Overview)],
  },
  {
    title: 'Incidents',
    subTitle: 'Anomalies the sidecar found, each plotted with its forecast band, and their likely root causes.',
    route: ROUTES.Incidents,
    from: 'now-6h',
    variables: ['datasource', 'service'],
    timePicker: true,
    body: () => [new IncidentPanels(), lazySection(Incidents)],
  },
  {
    title: 'Actions',
    subTitle: 'Scaling actions proposed by AIDPE, the guards that checked them, decisions and the audit trail.',
    route: ROUTES.Actions,
    from: 'now-24h',
    variables: ['service'],
    timePicker: false,
    body: () => [lazySection(Actions)],
  },
  {
    title: 'Models',
    subTitle: 'The forecasting models, whether they loaded, and how accurate they have been.',
    route: ROUTES.Models,
    from: 'now-24h',
    variables: [],
    timePicker: false,
    body: () => [lazySection(Models)],
  },
];

/** The app: one Scenes page per entry of plugin.json's `includes`. */
export function aidpeSceneApp(): SceneApp {
  return new SceneApp({
    pages: PAGES.map(
      (spec) =>
        new SceneAppPage({
          title: spec.title,
          subTitle: spec.subTitle,
          url: prefixRoute(spec.route),
          routePath: `${spec.route}/*`,
          getScene: () => scene(spec),
        })
    ),
  });
}
