import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { locationService, setDataSourceSrv } from '@grafana/runtime';
import { AppRootProps, PluginType } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import App from './App';
import { LocationRouter } from '../../test/locationRouter';
import { testIds } from '../testIds';
import {
  anomalies,
  forecastAccuracy,
  forecastModels,
  getHealth,
  listActions,
  listAnomalyFeedback,
  listAudit,
  listIncidents,
} from '../../api/sidecarClient';
import { actionRecord, auditEntry, automationStatus } from '../../test/actionFixtures';
import { anomalyResponse, healthReport } from '../../test/fixtures';

jest.mock('../../api/sidecarClient', () => ({
  getHealth: jest.fn(),
  anomalies: jest.fn(),
  anomalyFeedback: jest.fn(),
  listAnomalyFeedback: jest.fn(),
  forecastModels: jest.fn(),
  listActions: jest.fn(),
  listAudit: jest.fn(),
  listIncidents: jest.fn(),
  forecastAccuracy: jest.fn(),
}));

const props = {
  basename: 'a/aidpe-performance-app',
  meta: { id: 'aidpe-performance-app', name: 'AIDPE', type: PluginType.app, enabled: true, jsonData: {} },
  query: {},
  path: '',
  onNavChanged: jest.fn(),
} as unknown as AppRootProps;

// The AIDPE datasource the Incidents page's charts query (none here: the page says so and goes on).
setDataSourceSrv({ getList: () => [], getInstanceSettings: () => undefined, get: async () => undefined } as never);

/** The app at a path under `/a/<plugin id>`, mounted the way Grafana mounts app roots. */
const renderAt = (path: string) => {
  locationService.push(`/a/aidpe-performance-app${path}`);
  return render(
    <LocationRouter>
      <Routes>
        <Route path="/a/aidpe-performance-app/*" element={<App {...props} />} />
      </Routes>
    </LocationRouter>
  );
};

beforeEach(() => {
  jest.mocked(getHealth).mockResolvedValue(healthReport());
  jest.mocked(anomalies).mockResolvedValue(anomalyResponse());
  jest.mocked(listAnomalyFeedback).mockResolvedValue({ feedback: [] });
  jest.mocked(forecastModels).mockResolvedValue({ models: [], statistical: ['naive'], warnings: [] });
  jest.mocked(listActions).mockResolvedValue({ actions: [actionRecord()], automation: automationStatus() });
  jest.mocked(listAudit).mockResolvedValue({ entries: [auditEntry()] });
  jest.mocked(listIncidents).mockResolvedValue({ incidents: [], running: true, lastRun: null });
  jest.mocked(forecastAccuracy).mockResolvedValue({
    running: false,
    message: 'the tracker runs in demo mode',
    lastRun: null,
    models: [],
    series: [],
  });
});

describe('Components/App', () => {
  test.each([
    ['/overview', testIds.overview.container],
    ['/', testIds.overview.container],
    ['/does-not-exist', testIds.overview.container],
    ['/incidents', testIds.incidents.container],
    ['/actions', testIds.actions.container],
    ['/models', testIds.models.container],
  ])('%s renders its page', async (path, testId) => {
    renderAt(path);
    // Pages are lazy loaded.
    expect(await screen.findByTestId(testId, {}, { timeout: 3000 })).toBeInTheDocument();
  });

  test('the Actions page lists pending actions and the audit trail', async () => {
    renderAt('/actions');
    expect(
      await screen.findByTestId(testIds.actionsPanel.card(actionRecord().id), {}, { timeout: 3000 })
    ).toBeInTheDocument();
    expect(await screen.findByTestId(testIds.actions.audit)).toBeInTheDocument();
  });

  test('the Incidents page lists anomalous regions', async () => {
    renderAt('/incidents');
    expect(await screen.findByTestId(testIds.incidents.table, {}, { timeout: 3000 })).toBeInTheDocument();
  });
});
