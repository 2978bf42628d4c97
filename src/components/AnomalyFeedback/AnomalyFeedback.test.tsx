import React from 'react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { anomalyFeedback } from '../../api/sidecarClient';
import { regionsToRows } from '../../domain/incidents/rows';
import { anomalyResponse, feedbackRecord } from '../../test/fixtures';
import { testIds } from '../testIds';
import { AnomalyFeedback } from './AnomalyFeedback';

jest.mock('../../api/sidecarClient', () => ({ anomalyFeedback: jest.fn() }));

const feedbackMock = jest.mocked(anomalyFeedback);
const ids = testIds.anomalyFeedback;
const [region] = regionsToRows(anomalyResponse());

beforeEach(() => {
  jest.resetAllMocks();
});

describe('AnomalyFeedback', () => {
  test('false positive: confirm with a reason → POSTs the verdict, reports the stored record, closes', async () => {
    const record = feedbackRecord();
    feedbackMock.mockResolvedValue(record);
    const onSubmitted = jest.fn();
    render(<AnomalyFeedback region={region} onSubmitted={onSubmitted} />);

    fireEvent.click(screen.getByTestId(ids.falsePositive(region.id)));
    expect(screen.getByText('Mark as false positive?')).toBeInTheDocument();
    expect(screen.getByText(/high anomaly on aidpe_sim_latency_seconds/)).toHaveTextContent(
      '2025-01-01 11:57:00 to 2025-01-01 11:59:00'
    );
    expect(screen.getByText(/raises this series’ threshold/)).toBeInTheDocument();
    fireEvent.change(screen.getByTestId(ids.reason), { target: { value: 'planned load test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Mark as false positive' }));

    await waitFor(() => expect(onSubmitted).toHaveBeenCalledWith(record));
    expect(feedbackMock).toHaveBeenCalledWith(region.id, { verdict: 'false_positive', reason: 'planned load test' });
    await waitFor(() => expect(screen.queryByText('Mark as false positive?')).not.toBeInTheDocument());
  });

  test('true positive without a reason; dismissing sends nothing', async () => {
    feedbackMock.mockResolvedValue(feedbackRecord({ verdict: 'true_positive' }));
    render(<AnomalyFeedback region={region} />);

    fireEvent.click(screen.getByTestId(ids.truePositive(region.id)));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(feedbackMock).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId(ids.truePositive(region.id)));
    expect(screen.getByText('Mark as true positive?')).toBeInTheDocument();
    expect(screen.getByTestId(ids.reason)).toHaveValue('');
    fireEvent.click(screen.getByRole('button', { name: 'Mark as true positive' }));
    await waitFor(() => expect(feedbackMock).toHaveBeenCalledWith(region.id, { verdict: 'true_positive', reason: '' }));
  });

  test('a failure is shown next to the buttons with the sidecar message', async () => {
    feedbackMock.mockRejectedValue({
      status: 404,
      data: { message: 'anomaly an-1 is unknown to this sidecar; query /api/v1/anomalies for the range first' },
      config: {},
    });
    render(<AnomalyFeedback region={region} />);
    fireEvent.click(screen.getByTestId(ids.falsePositive(region.id)));
    fireEvent.click(screen.getByRole('button', { name: 'Mark as false positive' }));
    expect(await screen.findByTestId(ids.error(region.id))).toHaveTextContent(
      'HTTP 404: anomaly an-1 is unknown to this sidecar; query /api/v1/anomalies for the range first'
    );
  });

  test('a 403 from the proxy (a Viewer after all) says the Editor role is needed', async () => {
    feedbackMock.mockRejectedValue({ status: 403, data: { message: 'plugin proxy route access denied' }, config: {} });
    render(<AnomalyFeedback region={region} />);
    fireEvent.click(screen.getByTestId(ids.truePositive(region.id)));
    fireEvent.click(screen.getByRole('button', { name: 'Mark as true positive' }));
    expect(await screen.findByTestId(ids.error(region.id))).toHaveTextContent(
      /giving feedback need the Editor role\.$/
    );
  });

  test('disabled with the reason when the user cannot give feedback', async () => {
    const reason = 'Feedback moves the detection thresholds, so it needs the Editor role; you have the Viewer role.';
    render(<AnomalyFeedback region={region} disabledReason={reason} />);
    // Grafana keeps a disabled button with a tooltip focusable (aria-disabled) so that the tooltip shows.
    expect(screen.getByTestId(ids.truePositive(region.id))).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByTestId(ids.falsePositive(region.id))).toHaveAttribute('aria-disabled', 'true');
    fireEvent.click(screen.getByTestId(ids.falsePositive(region.id)));
    expect(screen.queryByText('Mark as false positive?')).not.toBeInTheDocument();
    fireEvent.focus(screen.getByTestId(ids.truePositive(region.id)));
    expect(await screen.findByText(reason)).toBeInTheDocument();
  });

  test('the latest feedback is shown', () => {
    render(<AnomalyFeedback region={region} feedback={feedbackRecord()} />);
    expect(screen.getByTestId(ids.result(region.id))).toHaveTextContent(
      'False positive by ann: threshold 0.988 → 0.994'
    );
  });
});
