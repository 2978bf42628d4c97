import React, { Suspense, lazy } from 'react';
import { AppPlugin, type AppRootProps, type PluginExtensionPanelContext } from '@grafana/data';
import { config, getDataSourceSrv } from '@grafana/runtime';
import { LoadingPlaceholder } from '@grafana/ui';
import type { AppConfigProps } from './components/AppConfig/AppConfig';
import {
  ALERT_INSTANCE_ACTION,
  EXPLAIN_LINK_TITLE,
  explainFromAlert,
  explainFromPanel,
  FORECAST_LINK_TITLE,
  forecastFromPanel,
  PANEL_MENU,
} from './domain/extensions';
import type { AppJsonData } from './types/settings';

const LazyApp = lazy(() => import('./components/App/App'));
const LazyAppConfig = lazy(() => import('./components/AppConfig/AppConfig'));

const App = (props: AppRootProps<AppJsonData>) => (
  <Suspense fallback={<LoadingPlaceholder text="" />}>
    <LazyApp {...props} />
  </Suspense>
);

const AppConfig = (props: AppConfigProps) => (
  <Suspense fallback={<LoadingPlaceholder text="" />}>
    <LazyAppConfig {...props} />
  </Suspense>
);

/** The first AIDPE datasource of the org (what "Forecast this" queries). */
function aidpeDatasourceUid(): string | undefined {
  return getDataSourceSrv().getList({ pluginId: 'aidpe-sidecar-datasource' })[0]?.uid;
}

export const plugin = new AppPlugin<AppJsonData>()
  .setRootPage(App)
  .addConfigPage({
    title: 'Configuration',
    icon: 'cog',
    body: AppConfig,
    id: 'configuration',
  })
  // Declared in plugin.json's `extensions.addedLinks` too (Grafana lists only declared links).
  .addLink<PluginExtensionPanelContext>({
    targets: [PANEL_MENU],
    title: EXPLAIN_LINK_TITLE,
    description: "Open AIDPE's root-cause explorer for the service this panel's query is about, over its time range",
    icon: 'search',
    category: 'AIDPE',
    configure: (context) => explainFromPanel(context),
  })
  .addLink<PluginExtensionPanelContext>({
    targets: [PANEL_MENU],
    title: FORECAST_LINK_TITLE,
    description: "Forecast this panel's query with AIDPE, in Explore",
    icon: 'chart-line',
    category: 'AIDPE',
    configure: (context) => forecastFromPanel(context, aidpeDatasourceUid(), config.appSubUrl ?? ''),
  })
  .addLink<{ instance?: { labels?: Record<string, string>; activeAt?: string } }>({
    targets: [ALERT_INSTANCE_ACTION],
    title: EXPLAIN_LINK_TITLE,
    description: "Open AIDPE's root-cause explorer for this alert's service",
    icon: 'search',
    category: 'AIDPE',
    configure: (context) => explainFromAlert(context, Date.now()),
  });
