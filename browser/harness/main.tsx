/**
 * Browser test harness: mounts the plugin's real panels (their `PanelPlugin` components, as Grafana would)
 * with @grafana/ui's theme, in a real Chromium, against a live sidecar. What Grafana provides around a
 * panel is stood in for minimally and honestly: `getBackendSrv` is a fetch to the same proxy URLs Grafana
 * serves (`/api/plugin-proxy/…`, `/api/datasources/proxy/uid/…`), which the harness server routes the way
 * Grafana does (plugin.json routes, reqRole, the forwarded user). Query data for a panel comes from the
 * plugin's own datasource class, so frames are built by the code users run.
 *
 * URL: `/?panel=forecast|rca|actions&role=Editor|Viewer&options=<json>&query=<json>&span=<minutes>`: the
 * time range is the last `span` minutes (default 360) of the demo cluster's own clock, which runs faster
 * than the wall clock in the harness.
 *
 * App pages: `/a/aidpe-performance-app/<page>?role=…&from=<ms>&to=<ms>`: the app plugin's root (its Scenes
 * pages) in a router on Grafana's location service, with the runtime services of `grafanaRuntime.tsx`.
 */
import React, { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Route, Routes } from 'react-router-dom';
import { lastValueFrom } from 'rxjs';
import {
  applyFieldOverrides,
  createTheme,
  dateTime,
  EventBusSrv,
  LoadingState,
  ThemeContext,
  type AppPluginMeta,
  type DataQueryRequest,
  type PanelData,
  type TimeRange,
} from '@grafana/data';
import { config, setBackendSrv, setTemplateSrv } from '@grafana/runtime';
import { GlobalStyles } from '@grafana/ui';
import { plugin as appPlugin } from '../../src/module';
import appJson from '../../src/plugin.json';
import type { SidecarQuery } from '../../src/domain/query/types';
import { harnessBackendSrv, harnessTemplateSrv } from './backendSrv';
import { LocationRouter } from '../../src/test/locationRouter';
import { datasource, installRuntime, PANELS } from './grafanaRuntime';

const params = new URLSearchParams(window.location.search);
const panelName = params.get('panel') ?? 'forecast';
const PANEL_IDS: Record<string, string> = {
  forecast: 'aidpe-forecast-panel',
  rca: 'aidpe-rca-panel',
  actions: 'aidpe-actions-panel',
};

setBackendSrv(harnessBackendSrv as never);
setTemplateSrv(harnessTemplateSrv as never);
installRuntime();

async function timeRange(): Promise<TimeRange> {
  const status = (await (await fetch('/sidecar-direct/api/v1/sim/status')).json()) as { timeMs: number };
  const to = status.timeMs;
  const from = to - Number(params.get('span') ?? 360) * 60_000;
  const range = { from: dateTime(from), to: dateTime(to) };
  return { ...range, raw: range };
}

async function queryData(range: TimeRange): Promise<PanelData> {
  const raw = params.get('query');
  if (!raw) return { state: LoadingState.Done, series: [], timeRange: range };
  // One query, or several (a forecast and its anomalies as annotations, as a dashboard panel would have).
  const parsed = JSON.parse(raw) as Partial<SidecarQuery> | Array<Partial<SidecarQuery>>;
  const targets = (Array.isArray(parsed) ? parsed : [parsed]).map(
    (q, i) => ({ refId: String.fromCharCode(65 + i), ...q }) as SidecarQuery
  );
  const ds = datasource;
  const request = {
    requestId: 'harness',
    interval: '60s',
    intervalMs: 60_000,
    range,
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
  } as unknown as DataQueryRequest<SidecarQuery>;
  try {
    const response = await lastValueFrom(ds.query(request) as never);
    const r = response as { data: PanelData['series']; errors?: PanelData['errors'] };
    return {
      state: r.errors?.length ? LoadingState.Error : LoadingState.Done,
      series: r.data,
      ...(r.errors ? { errors: r.errors } : {}),
      timeRange: range,
    };
  } catch (err) {
    return { state: LoadingState.Error, series: [], errors: [{ message: (err as Error).message }], timeRange: range };
  }
}

function PanelHarness() {
  const plugin = PANELS[PANEL_IDS[panelName] ?? ''];
  const [range, setRange] = useState<TimeRange | undefined>();
  const [data, setData] = useState<PanelData | undefined>();
  const [options, setOptions] = useState<Record<string, unknown>>(() => JSON.parse(params.get('options') ?? '{}'));
  useEffect(() => {
    void timeRange().then(async (r) => {
      setRange(r);
      setData(await queryData(r));
    });
  }, []);
  if (!plugin?.panel) return <p data-testid="harness-error">unknown panel {panelName}</p>;
  if (!data || !range) return <p data-testid="harness-loading">querying…</p>;
  const Panel = plugin.panel;
  // What Grafana's query runner does before a panel sees its data: the plugin's field config (defaults,
  // overrides, display processors for units and decimals) applied to every frame.
  const fieldConfig = { defaults: {}, overrides: [] };
  const series = applyFieldOverrides({
    data: data.series,
    fieldConfig,
    fieldConfigRegistry: plugin.fieldConfigRegistry,
    replaceVariables: (s: string) => s,
    theme,
    timeZone: 'utc',
  });
  return (
    <div data-testid="harness-panel" style={{ width: 1000, height: 560, padding: 8 }}>
      <Panel
        id={1}
        data={{ ...data, series }}
        timeRange={range}
        timeZone="utc"
        options={options}
        fieldConfig={fieldConfig}
        transparent={false}
        width={980}
        height={540}
        renderCounter={0}
        title={panelName}
        eventBus={new EventBusSrv()}
        onOptionsChange={(o: Record<string, unknown>) => setOptions(o)}
        onFieldConfigChange={() => undefined}
        replaceVariables={(s: string) => s}
        onChangeTimeRange={() => undefined}
      />
    </div>
  );
}

const theme = createTheme({ colors: { mode: 'dark' } });
config.theme2 = theme;

/** The app plugin's root page, under `/a/<plugin id>/`, with the meta Grafana would pass. */
function AppHarness() {
  const Root = appPlugin.root;
  const meta = { ...appJson, enabled: true, jsonData: {}, baseUrl: '', module: '' } as unknown as AppPluginMeta;
  if (!Root) {
    return <p data-testid="harness-error">the app has no root page</p>;
  }
  return (
    <LocationRouter>
      <Routes>
        <Route
          path={`/a/${appJson.id}/*`}
          element={
            <Root
              meta={meta}
              path={`/a/${appJson.id}`}
              query={{}}
              basename={`/a/${appJson.id}`}
              onNavChanged={() => undefined}
            />
          }
        />
      </Routes>
    </LocationRouter>
  );
}

const isApp = window.location.pathname.startsWith('/a/');
createRoot(document.getElementById('root')!).render(
  <ThemeContext.Provider value={theme}>
    <GlobalStyles />
    {isApp ? <AppHarness /> : <PanelHarness />}
  </ThemeContext.Provider>
);
