import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { AppRootProps, PluginType } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import App from './App';
import { testIds } from '../testIds';
import { getHealth } from '../../api/sidecarClient';
import { healthReport } from '../../test/fixtures';

jest.mock('../../api/sidecarClient', () => ({ getHealth: jest.fn() }));

const props = {
  basename: 'a/aidpe-performance-app',
  meta: { id: 'aidpe-performance-app', name: 'AIDPE', type: PluginType.app, enabled: true, jsonData: {} },
  query: {},
  path: '',
  onNavChanged: jest.fn(),
} as unknown as AppRootProps;

const renderAt = (path: string) =>
  render(
    <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <App {...props} />
    </MemoryRouter>
  );

beforeEach(() => {
  jest.mocked(getHealth).mockResolvedValue(healthReport());
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

  test('placeholder pages explain what will appear there', async () => {
    renderAt('/incidents');
    expect(await screen.findByText('No incidents yet', {}, { timeout: 3000 })).toBeInTheDocument();
    expect(screen.getByText(/detection engine lands/i)).toBeInTheDocument();
  });
});
