/** All `data-testid`s used by the app, shared by the jest and Playwright tests. */
export const testIds = {
  appConfig: {
    container: 'data-testid ac-container',
    sidecarUrl: 'data-testid ac-sidecar-url',
    apiToken: 'data-testid ac-api-token',
    defaultMode: 'data-testid ac-default-mode',
    submit: 'data-testid ac-submit-form',
    testConnection: 'data-testid ac-test-connection',
    testResult: 'data-testid ac-test-result',
    saveError: 'data-testid ac-save-error',
  },
  dependencyList: {
    container: 'data-testid dependency-list',
    row: (name: string) => `data-testid dependency-row-${name}`,
  },
  overview: {
    container: 'data-testid pg-overview-container',
    loading: 'data-testid pg-overview-loading',
    error: 'data-testid pg-overview-error',
    summary: 'data-testid pg-overview-summary',
    refresh: 'data-testid pg-overview-refresh',
  },
  incidents: {
    container: 'data-testid pg-incidents-container',
  },
  actions: {
    container: 'data-testid pg-actions-container',
  },
  models: {
    container: 'data-testid pg-models-container',
  },
  sidecarDatasource: {
    configEditor: {
      container: 'data-testid ds-config-container',
      sidecarUrl: 'data-testid ds-config-sidecar-url',
      apiToken: 'data-testid ds-config-api-token',
    },
    queryEditor: {
      container: 'data-testid ds-query-editor',
      queryType: 'data-testid ds-query-type',
      expr: 'data-testid ds-query-expr',
      step: 'data-testid ds-query-step',
      horizon: 'data-testid ds-query-horizon',
      band95: 'data-testid ds-query-band95',
      pending: 'data-testid ds-query-pending',
    },
    annotationEditor: {
      container: 'data-testid ds-annotation-editor',
      expr: 'data-testid ds-annotation-expr',
    },
  },
  forecastPanel: {
    container: 'data-testid forecast-panel',
    empty: 'data-testid forecast-panel-empty',
    series: 'data-testid forecast-panel-series',
    chart: 'data-testid forecast-panel-chart',
    actual: 'data-testid forecast-panel-actual',
    median: 'data-testid forecast-panel-median',
    band: 'data-testid forecast-panel-band',
    band95: 'data-testid forecast-panel-band95',
    now: 'data-testid forecast-panel-now',
    reason: 'data-testid forecast-panel-reason',
    legend: 'data-testid forecast-panel-legend',
  },
};
