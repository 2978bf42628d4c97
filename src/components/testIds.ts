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
};
