import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { PluginType } from '@grafana/data';
import AppConfig, { AppConfigProps } from './AppConfig';
import { testIds } from '../testIds';
import { forecastModels, getHealth } from '../../api/sidecarClient';
import { updatePluginSettings } from '../../api/pluginSettings';
import { reloadPage } from '../../utils/browser';
import { healthReport } from '../../test/fixtures';
import type { AppJsonData } from '../../types/settings';

jest.mock('../../api/sidecarClient', () => ({ getHealth: jest.fn(), forecastModels: jest.fn() }));
jest.mock('../../api/pluginSettings', () => ({ updatePluginSettings: jest.fn() }));
jest.mock('../../utils/browser', () => ({ reloadPage: jest.fn() }));

const getHealthMock = jest.mocked(getHealth);
const forecastModelsMock = jest.mocked(forecastModels);
const updateMock = jest.mocked(updatePluginSettings);
const reloadMock = jest.mocked(reloadPage);

function setup(jsonData: AppJsonData = {}, secureJsonFields: Record<string, boolean> = {}) {
  const props = {
    plugin: {
      meta: {
        id: 'aidpe-performance-app',
        name: 'AIDPE',
        type: PluginType.app,
        enabled: true,
        pinned: true,
        jsonData,
        secureJsonFields,
      },
    },
    query: {},
  } as unknown as AppConfigProps;
  return render(<AppConfig {...props} />);
}

const urlInput = () => screen.getByTestId(testIds.appConfig.sidecarUrl) as HTMLInputElement;
const saveButton = () => screen.getByTestId(testIds.appConfig.submit);

beforeEach(() => {
  jest.resetAllMocks();
  updateMock.mockResolvedValue(undefined);
});

describe('Components/AppConfig', () => {
  test('renders the connection and remediation settings with defaults', () => {
    setup();
    expect(screen.getByRole('group', { name: /sidecar connection/i })).toBeInTheDocument();
    expect(screen.getByRole('group', { name: /remediation/i })).toBeInTheDocument();
    expect(urlInput().value).toBe('http://localhost:8080');
    expect(screen.getByTestId(testIds.appConfig.apiToken)).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Recommend' })).toBeChecked();
    expect(saveButton()).toBeEnabled();
    expect(screen.getByRole('button', { name: /test connection/i })).toBeInTheDocument();
  });

  test('loads saved settings and shows a configured token as such', () => {
    setup({ sidecarUrl: 'http://sidecar:8080', defaultMode: 'approve' }, { apiToken: true });
    expect(urlInput().value).toBe('http://sidecar:8080');
    expect(screen.getByRole('radio', { name: 'Approve' })).toBeChecked();
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    expect(screen.getByRole('button', { name: /reset/i })).toBeInTheDocument();
  });

  test('validates the sidecar URL inline and blocks saving', async () => {
    setup();
    fireEvent.change(urlInput(), { target: { value: 'ftp://sidecar' } });
    fireEvent.blur(urlInput());
    expect(await screen.findByText(/must start with http:\/\/ or https:\/\//i)).toBeInTheDocument();
    expect(saveButton()).toBeDisabled();

    fireEvent.change(urlInput(), { target: { value: '' } });
    expect(screen.getByText(/sidecar url is required/i)).toBeInTheDocument();

    fireEvent.submit(screen.getByTestId(testIds.appConfig.container));
    expect(updateMock).not.toHaveBeenCalled();

    fireEvent.change(urlInput(), { target: { value: 'https://aidpe.example.com' } });
    expect(screen.queryByText(/sidecar url is required/i)).not.toBeInTheDocument();
    expect(saveButton()).toBeEnabled();
  });

  test('saves jsonData without secureJsonData when the token is untouched', async () => {
    setup({ sidecarUrl: 'http://sidecar:8080', defaultMode: 'recommend' }, { apiToken: true });
    fireEvent.change(urlInput(), { target: { value: ' http://aidpe-sidecar:9090/ ' } });
    fireEvent.click(screen.getByRole('radio', { name: 'Autonomous' }));
    fireEvent.click(saveButton());

    await waitFor(() => expect(updateMock).toHaveBeenCalledTimes(1));
    const [pluginId, payload] = updateMock.mock.calls[0];
    expect(pluginId).toBe('aidpe-performance-app');
    expect(payload).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { sidecarUrl: 'http://aidpe-sidecar:9090', defaultMode: 'autonomous' },
      secureJsonData: undefined,
    });
    await waitFor(() => expect(reloadMock).toHaveBeenCalledTimes(1));
  });

  test('sends secureJsonData.apiToken only when a new token is entered', async () => {
    setup({ sidecarUrl: 'http://sidecar:8080' }, { apiToken: true });
    fireEvent.click(screen.getByRole('button', { name: /reset/i }));
    fireEvent.change(screen.getByTestId(testIds.appConfig.apiToken), { target: { value: 'new-token' } });
    fireEvent.click(saveButton());

    await waitFor(() => expect(updateMock).toHaveBeenCalledTimes(1));
    expect(updateMock.mock.calls[0][1].secureJsonData).toEqual({ apiToken: 'new-token' });
  });

  test('clears the stored token when it is reset and left empty', async () => {
    setup({ sidecarUrl: 'http://sidecar:8080' }, { apiToken: true });
    fireEvent.click(screen.getByRole('button', { name: /reset/i }));
    fireEvent.click(saveButton());

    await waitFor(() => expect(updateMock).toHaveBeenCalledTimes(1));
    expect(updateMock.mock.calls[0][1].secureJsonData).toEqual({ apiToken: '' });
  });

  test('shows an error and does not reload when saving fails', async () => {
    updateMock.mockRejectedValue({ status: 403, data: { message: 'Permission denied' }, config: {} });
    setup();
    fireEvent.click(saveButton());

    const alert = await screen.findByTestId(testIds.appConfig.saveError);
    expect(alert).toHaveTextContent('HTTP 403: Permission denied');
    expect(alert).toHaveTextContent('Changing the app configuration needs the Admin role in Grafana.');
    expect(reloadMock).not.toHaveBeenCalled();
    expect(saveButton()).toBeEnabled();
  });

  test('test connection lists each dependency state', async () => {
    getHealthMock.mockResolvedValue(healthReport());
    setup({ sidecarUrl: 'http://sidecar:8080' }, { apiToken: true });
    fireEvent.click(screen.getByTestId(testIds.appConfig.testConnection));

    const result = await screen.findByTestId(testIds.appConfig.testResult);
    expect(getHealthMock).toHaveBeenCalledTimes(1);
    expect(within(result).getByText(/connected to the sidecar: degraded/i)).toBeInTheDocument();
    expect(within(result).getByText(/version 0\.1\.0 · demo mode · up 1h 2m/)).toBeInTheDocument();

    const row = (name: string) => within(result).getByTestId(testIds.dependencyList.row(name));
    expect(within(row('prometheus')).getByText('Up')).toBeInTheDocument();
    expect(within(row('loki')).getByText('Down')).toBeInTheDocument();
    expect(within(row('loki')).getByText(/ECONNREFUSED/)).toBeInTheDocument();
    expect(within(row('tempo')).getByText('Disabled')).toBeInTheDocument();
  });

  test('test connection shows the proxy error', async () => {
    getHealthMock.mockRejectedValue({ status: 502, data: { message: 'Bad Gateway' }, config: {} });
    setup();
    fireEvent.click(screen.getByTestId(testIds.appConfig.testConnection));

    const result = await screen.findByTestId(testIds.appConfig.testResult);
    expect(within(result).getByText(/connection failed/i)).toBeInTheDocument();
    expect(result).toHaveTextContent(
      "HTTP 502: Bad Gateway. The AIDPE sidecar cannot be reached through Grafana's plugin proxy: check the sidecar URL (as seen from the Grafana server) in the settings above (save before testing), and that the sidecar is running."
    );
    expect(forecastModelsMock).not.toHaveBeenCalled();
  });

  test('test connection notices a wrong API token, which the open health route cannot', async () => {
    getHealthMock.mockResolvedValue(healthReport({ status: 'up' }));
    forecastModelsMock.mockRejectedValue({
      status: 401,
      data: { error: 'Unauthorized', message: 'authorization: a valid Bearer token is required' },
      config: {},
    });
    setup({ sidecarUrl: 'http://sidecar:8080' }, { apiToken: true });
    fireEvent.click(screen.getByTestId(testIds.appConfig.testConnection));

    const result = await screen.findByTestId(testIds.appConfig.testResult);
    expect(await within(result).findByText(/refused an authenticated request/i)).toBeInTheDocument();
    expect(result).toHaveTextContent('The API token is wrong or missing: set it in the settings above');
    // The health report still shows: the URL is right.
    expect(within(result).getByText(/connected to the sidecar: up/i)).toBeInTheDocument();
  });

  test('a token that works shows no token error', async () => {
    getHealthMock.mockResolvedValue(healthReport({ status: 'up' }));
    forecastModelsMock.mockResolvedValue({ models: [], statistical: ['naive'], warnings: [] });
    setup({ sidecarUrl: 'http://sidecar:8080' }, { apiToken: true });
    fireEvent.click(screen.getByTestId(testIds.appConfig.testConnection));
    const result = await screen.findByTestId(testIds.appConfig.testResult);
    expect(within(result).getByText(/connected to the sidecar: up/i)).toBeInTheDocument();
    expect(within(result).queryByText(/refused an authenticated request/i)).not.toBeInTheDocument();
    expect(forecastModelsMock).toHaveBeenCalledTimes(1);
  });

  test('warns that test connection uses saved settings when the form is dirty', () => {
    setup({ sidecarUrl: 'http://sidecar:8080' });
    expect(screen.queryByText(/unsaved changes/i)).not.toBeInTheDocument();
    fireEvent.change(urlInput(), { target: { value: 'http://other:8080' } });
    expect(screen.getByText(/unsaved changes/i)).toBeInTheDocument();
  });
});
