import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { dateTime, LoadingState, type PanelProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import {
  approveAction,
  listActions,
  rejectAction,
  resumeAutomation,
  rollbackAction,
  setAutomationMode,
} from '../../../api/sidecarClient';
import type { ActionList } from '../../../api/types';
import { testIds } from '../../../components/testIds';
import { actionRecord, appliedHpaAction, automationStatus } from '../../../test/actionFixtures';
import { NOW } from '../../../test/fixtures';
import type { ActionsPanelOptions } from '../types';
import { ActionsPanel } from './ActionsPanel';

jest.mock('../../../api/sidecarClient', () => ({
  listActions: jest.fn(),
  approveAction: jest.fn(),
  rejectAction: jest.fn(),
  rollbackAction: jest.fn(),
  setAutomationMode: jest.fn(),
  resumeAutomation: jest.fn(),
}));

const listMock = jest.mocked(listActions);
const ids = testIds.actionsPanel;
const savedBootData = config.bootData;
const pending = actionRecord();
const applied = appliedHpaAction();
const VIEWER_REASON =
  'Approving or rejecting an action changes production capacity, so it needs the AIDPE "Action approver" role (aidpe-performance-app.actions:approve), which Editors and above have by default; you have the Viewer role.';

function signInAs(orgRole: string) {
  config.bootData = {
    ...savedBootData,
    user: { ...savedBootData?.user, orgRole, isGrafanaAdmin: false },
  } as typeof savedBootData;
}

function renderPanel(options: Partial<ActionsPanelOptions> = { refreshSeconds: 0 }) {
  const timeRange = { from: dateTime(NOW - 3_600_000), to: dateTime(NOW), raw: { from: 'now-1h', to: 'now' } };
  const props = {
    id: 1,
    data: { series: [], state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options,
    transparent: false,
    width: 900,
    height: 600,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'Actions',
    eventBus: {},
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    onChangeTimeRange: jest.fn(),
  } as unknown as PanelProps<Partial<ActionsPanelOptions>>;
  return render(<ActionsPanel {...props} />);
}

const list = (overrides: Partial<ActionList> = {}): ActionList => ({
  actions: [pending, applied],
  automation: automationStatus(),
  ...overrides,
});

/** A button of the open confirmation modal (the page behind it has buttons with the same names). */
const confirmButton = (name: string) => within(screen.getByRole('dialog')).getByRole('button', { name });

beforeEach(() => {
  jest.resetAllMocks();
  listMock.mockResolvedValue(list());
  signInAs('Editor');
});

afterEach(() => {
  config.bootData = savedBootData;
});

describe('ActionsPanel', () => {
  test('pending action with the reason, the guard checks and the predicted effect; history with the outcome', async () => {
    renderPanel({ service: 'frontend', limit: 20, refreshSeconds: 0 });
    const card = await screen.findByTestId(ids.card(pending.id));
    expect(listMock).toHaveBeenCalledWith({ service: 'frontend', limit: 20 });
    expect(screen.getByTestId(ids.openSummary)).toHaveTextContent('1 pending approval');
    expect(within(card).getByText('3 → 5 replicas')).toBeInTheDocument();
    expect(within(card).getByText(pending.reason)).toBeInTheDocument();
    expect(within(card).getByText('Observed: p95 232 ms (SLO 250 ms), 148 req/s, CPU 82%')).toBeInTheDocument();
    expect(
      within(card).getByText('The policy proposed 3 → 7 replicas; the guards let 3 → 5 replicas through.')
    ).toBeInTheDocument();
    expect(screen.getByTestId(ids.guardCheck(pending.id, 'max_step'))).toHaveTextContent(
      'Maximum step clamped: at most +2 replicas per step: 7 → 5'
    );
    expect(screen.getByTestId(ids.effect(pending.id))).toHaveTextContent('Capacity 150 → 250 req/s');

    const history = screen.getByTestId(ids.history);
    expect(within(history).getByText('minReplicas 2 → 4, target 70% → 60%')).toBeInTheDocument();
    expect(within(history).getByText('Improved: p95 420 → 180 ms (SLO 250 ms), 2 → 4 replicas')).toBeInTheDocument();

    expect(screen.getByTestId(ids.decision('approve', pending.id))).toBeEnabled();
    expect(screen.getByTestId(ids.decision('reject', pending.id))).toBeEnabled();
    expect(screen.getByTestId(ids.decision('rollback', applied.id))).toBeEnabled();
    // Approve/reject only for pending, rollback only for applied.
    expect(screen.queryByTestId(ids.decision('rollback', pending.id))).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.decision('approve', applied.id))).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.roleNotice)).not.toBeInTheDocument();
  });

  test('viewers see every button disabled, with the reason in a tooltip', async () => {
    signInAs('Viewer');
    renderPanel();
    await screen.findByTestId(ids.card(pending.id));
    expect(screen.getByTestId(ids.roleNotice)).toHaveTextContent(VIEWER_REASON);
    for (const testId of [
      ids.decision('approve', pending.id),
      ids.decision('reject', pending.id),
      ids.decision('rollback', applied.id),
      ids.resume('checkout'),
      ids.changeMode('frontend'),
    ]) {
      expect(screen.getByTestId(testId)).toHaveAttribute('aria-disabled', 'true');
    }
    fireEvent.click(screen.getByTestId(ids.decision('approve', pending.id)));
    expect(screen.queryByText('Approve this action?')).not.toBeInTheDocument();
    fireEvent.focus(screen.getByTestId(ids.decision('approve', pending.id)));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(VIEWER_REASON);
  });

  test('approve: the confirm modal sends the id and the note, then reloads', async () => {
    jest.mocked(approveAction).mockResolvedValue({ action: { ...pending, status: 'applied' } });
    renderPanel();
    fireEvent.click(await screen.findByTestId(ids.decision('approve', pending.id)));
    expect(screen.getByText('Approve this action?')).toBeInTheDocument();
    expect(screen.getByText('frontend: 3 → 5 replicas (predictive).')).toBeInTheDocument();
    fireEvent.change(screen.getByTestId(ids.note), { target: { value: 'campaign starts at noon' } });
    fireEvent.click(confirmButton('Approve'));
    await waitFor(() => expect(approveAction).toHaveBeenCalledWith(pending.id, { note: 'campaign starts at noon' }));
    await waitFor(() => expect(listMock).toHaveBeenCalledTimes(2));
    expect(rejectAction).not.toHaveBeenCalled();
  });

  test('reject and roll back go to their own endpoints; dismissing sends nothing', async () => {
    jest.mocked(rejectAction).mockResolvedValue({ action: { ...pending, status: 'rejected' } });
    jest.mocked(rollbackAction).mockResolvedValue({ action: applied, rollback: applied });
    renderPanel();
    fireEvent.click(await screen.findByTestId(ids.decision('reject', pending.id)));
    fireEvent.click(confirmButton('Cancel'));
    expect(rejectAction).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId(ids.decision('reject', pending.id)));
    fireEvent.click(confirmButton('Reject'));
    await waitFor(() => expect(rejectAction).toHaveBeenCalledWith(pending.id, { note: '' }));

    fireEvent.click(screen.getByTestId(ids.decision('rollback', applied.id)));
    expect(screen.getByText('Roll back this action?')).toBeInTheDocument();
    fireEvent.click(confirmButton('Roll back'));
    await waitFor(() => expect(rollbackAction).toHaveBeenCalledWith(applied.id, { note: '' }));
  });

  test('a 409 from the sidecar is shown under the buttons', async () => {
    jest.mocked(approveAction).mockRejectedValue({
      status: 409,
      data: { message: `action ${pending.id} is applied, not pending_approval` },
      config: {},
    });
    renderPanel();
    fireEvent.click(await screen.findByTestId(ids.decision('approve', pending.id)));
    fireEvent.click(confirmButton('Approve'));
    expect(await screen.findByTestId(ids.decisionError(pending.id))).toHaveTextContent(
      `HTTP 409: action ${pending.id} is applied, not pending_approval`
    );
  });

  test('approve answered 403 by the proxy (the role changed since the page loaded): says the Editor role is needed', async () => {
    jest.mocked(approveAction).mockRejectedValue({
      status: 403,
      data: { message: 'plugin proxy route access denied' },
      config: {},
    });
    renderPanel();
    fireEvent.click(await screen.findByTestId(ids.decision('approve', pending.id)));
    fireEvent.click(confirmButton('Approve'));
    const error = await screen.findByTestId(ids.decisionError(pending.id));
    expect(error).toHaveTextContent('HTTP 403: plugin proxy route access denied.');
    expect(error).toHaveTextContent(
      'approving, rejecting, rolling back, changing automation and giving feedback need the Editor role'
    );
    expect(listMock).toHaveBeenCalledTimes(1);
  });

  test('a wrong API token (401 from the sidecar): the error says to set it in the app configuration', async () => {
    listMock.mockRejectedValue({
      status: 401,
      data: { statusCode: 401, error: 'Unauthorized', message: 'authorization: a valid Bearer token is required' },
      config: {},
    });
    renderPanel();
    expect(await screen.findByTestId(ids.error)).toHaveTextContent(
      'The API token is wrong or missing: set it in the app configuration'
    );
  });

  test('automation per service: an open breaker can be resumed, and the mode changed', async () => {
    jest.mocked(resumeAutomation).mockResolvedValue(automationStatus());
    jest.mocked(setAutomationMode).mockResolvedValue(automationStatus());
    renderPanel();
    const checkout = await screen.findByTestId(ids.resume('checkout'));
    expect(screen.queryByTestId(ids.resume('frontend'))).not.toBeInTheDocument();
    expect(screen.getByText('3 failed actuations in 10m')).toBeInTheDocument();
    fireEvent.click(checkout);
    fireEvent.click(confirmButton('Resume'));
    await waitFor(() => expect(resumeAutomation).toHaveBeenCalledWith('checkout'));

    fireEvent.click(screen.getByTestId(ids.changeMode('frontend')));
    fireEvent.click(screen.getByLabelText('Recommend'));
    fireEvent.click(confirmButton('Set mode'));
    await waitFor(() => expect(setAutomationMode).toHaveBeenCalledWith('frontend', 'recommend'));
  });

  test('empty state when the loop has produced nothing', async () => {
    listMock.mockResolvedValue(list({ actions: [] }));
    renderPanel();
    expect(await screen.findByTestId(ids.empty)).toHaveTextContent('The action loop has not proposed anything yet');
    expect(screen.getByTestId(ids.automation)).toBeInTheDocument();
  });

  test('error state when the sidecar is down; Retry loads again', async () => {
    listMock.mockRejectedValueOnce({ status: 502, data: { message: 'Bad Gateway' }, config: {} });
    renderPanel();
    const error = await screen.findByTestId(ids.error);
    expect(error).toHaveTextContent('Could not load the actions from the AIDPE sidecar');
    expect(error).toHaveTextContent(
      "HTTP 502: Bad Gateway. The AIDPE sidecar cannot be reached through Grafana's plugin proxy: check the sidecar URL"
    );
    fireEvent.click(screen.getByTestId(ids.refresh));
    expect(await screen.findByTestId(ids.card(pending.id))).toBeInTheDocument();
    expect(screen.queryByTestId(ids.error)).not.toBeInTheDocument();
  });

  test('no action loop on the sidecar: its reason instead of the automation table; earlier actions still listed', async () => {
    listMock.mockResolvedValue({
      actions: [applied],
      automation: null,
      message: 'automation is off (set AIDPE_AUTOMATION=true to start the loop)',
    });
    renderPanel();
    expect(await screen.findByTestId(ids.loopOff)).toHaveTextContent(
      'automation is off (set AIDPE_AUTOMATION=true to start the loop)'
    );
    expect(screen.queryByTestId(ids.automation)).not.toBeInTheDocument();
    expect(screen.getByTestId(ids.history)).toBeInTheDocument();
  });

  test("a service's last loop error is shown, and a refused resume says why", async () => {
    const automation = automationStatus();
    automation.services[0].lastError = 'prometheus: timeout after 10s';
    listMock.mockResolvedValue(list({ automation }));
    jest.mocked(resumeAutomation).mockRejectedValue({
      status: 403,
      data: { message: 'plugin proxy route access denied' },
      config: {},
    });
    renderPanel();
    expect(await screen.findByText('Last error: prometheus: timeout after 10s')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId(ids.resume('checkout')));
    fireEvent.click(confirmButton('Resume'));
    expect(await screen.findByTestId(ids.automationError('checkout'))).toHaveTextContent(
      'HTTP 403: plugin proxy route access denied'
    );
    expect(listMock).toHaveBeenCalledTimes(1);
  });

  test('a proposal in recommend mode has no buttons', async () => {
    const proposed = actionRecord({ id: 'p1', status: 'proposed', mode: 'recommend' });
    listMock.mockResolvedValue(list({ actions: [proposed] }));
    renderPanel();
    const card = await screen.findByTestId(ids.card('p1'));
    expect(within(card).getByText(/Recommend mode: shown for information, never applied/)).toBeInTheDocument();
    expect(within(card).queryByRole('button')).not.toBeInTheDocument();
  });
});
