import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import Overview from './Overview';
import { getHealth } from '../api/sidecarClient';
import { testIds } from '../components/testIds';
import { healthReport } from '../test/fixtures';

jest.mock('../api/sidecarClient', () => ({ getHealth: jest.fn() }));

const getHealthMock = jest.mocked(getHealth);

beforeEach(() => {
  jest.resetAllMocks();
});

describe('pages/Overview', () => {
  test('shows a loading state, then the sidecar health and every dependency', async () => {
    getHealthMock.mockResolvedValue(healthReport());
    render(<Overview />);

    expect(screen.getByTestId(testIds.overview.loading)).toBeInTheDocument();

    const summary = await screen.findByTestId(testIds.overview.summary);
    expect(within(summary).getByText('Sidecar degraded')).toBeInTheDocument();
    expect(within(summary).getByText('version 0.1.0 · demo mode · up 1h 2m')).toBeInTheDocument();
    expect(screen.getByText('Demo mode')).toBeInTheDocument();

    const list = screen.getByTestId(testIds.dependencyList.container);
    const rows = within(list).getAllByRole('listitem');
    // Worst first.
    expect(rows.map((r) => within(r).getByText(/^(prometheus|loki|tempo)$/).textContent)).toEqual([
      'loki',
      'prometheus',
      'tempo',
    ]);
    expect(within(rows[0]).getByText('Down')).toBeInTheDocument();
    expect(within(rows[0]).getByText(/connect ECONNREFUSED 10\.0\.0\.7:3100/)).toBeInTheDocument();
    expect(within(rows[1]).getByText('Up')).toBeInTheDocument();
    expect(within(rows[1]).getByText('12 ms')).toBeInTheDocument();
    expect(within(rows[2]).getByText('Disabled')).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.overview.loading)).not.toBeInTheDocument();
  });

  test('hides the demo banner in live mode', async () => {
    getHealthMock.mockResolvedValue(healthReport({ status: 'up', mode: 'live', dependencies: [] }));
    render(<Overview />);

    expect(await screen.findByText('Sidecar up')).toBeInTheDocument();
    expect(screen.queryByText('Demo mode')).not.toBeInTheDocument();
    expect(screen.getByText(/reported no dependencies/i)).toBeInTheDocument();
  });

  test('shows an error with a link to the configuration when the sidecar is unreachable', async () => {
    getHealthMock.mockRejectedValue({ status: 502, data: { message: 'Bad Gateway' }, config: {} });
    render(<Overview />);

    const alert = await screen.findByTestId(testIds.overview.error);
    expect(within(alert).getByText('HTTP 502: Bad Gateway')).toBeInTheDocument();
    expect(within(alert).getByRole('link', { name: /open configuration/i })).toHaveAttribute(
      'href',
      '/plugins/aidpe-performance-app'
    );
  });

  test('refresh reloads the health report', async () => {
    getHealthMock
      .mockRejectedValueOnce(new Error('sidecar starting'))
      .mockResolvedValueOnce(healthReport({ status: 'up' }));
    render(<Overview />);

    expect(await screen.findByText('sidecar starting')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId(testIds.overview.refresh));

    expect(await screen.findByText('Sidecar up')).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.overview.error)).not.toBeInTheDocument();
    await waitFor(() => expect(getHealthMock).toHaveBeenCalledTimes(2));
  });
});
