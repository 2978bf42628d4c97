import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { config } from '@grafana/runtime';
import { approveAction, listActions, listAudit } from '../api/sidecarClient';
import { testIds } from '../components/testIds';
import { actionRecord, appliedHpaAction, auditEntry, automationStatus } from '../test/actionFixtures';
import Actions, { ACTIONS_LIMIT, AUDIT_LIMIT } from './Actions';

jest.mock('../api/sidecarClient', () => ({
  listActions: jest.fn(),
  listAudit: jest.fn(),
  approveAction: jest.fn(),
  rejectAction: jest.fn(),
  rollbackAction: jest.fn(),
  setAutomationMode: jest.fn(),
  resumeAutomation: jest.fn(),
}));

const listMock = jest.mocked(listActions);
const auditMock = jest.mocked(listAudit);
const ids = testIds.actions;
const panelIds = testIds.actionsPanel;
const pending = actionRecord();
const savedBootData = config.bootData;

function signInAs(orgRole: string) {
  config.bootData = {
    ...savedBootData,
    user: { ...savedBootData?.user, orgRole, isGrafanaAdmin: false },
  } as typeof savedBootData;
}

beforeEach(() => {
  jest.resetAllMocks();
  signInAs('Editor');
  listMock.mockResolvedValue({ actions: [pending, appliedHpaAction()], automation: automationStatus() });
  auditMock.mockResolvedValue({
    entries: [
      auditEntry({ id: 1, at: '2025-01-01T11:50:00Z', actor: 'aidpe', action: 'action.create', details: {} }),
      auditEntry({ id: 2 }),
    ],
  });
});

afterEach(() => {
  config.bootData = savedBootData;
});

describe('pages/Actions', () => {
  test('pending actions, the history and the audit trail, newest first', async () => {
    render(<Actions />);
    expect(await screen.findByTestId(panelIds.card(pending.id))).toBeInTheDocument();
    expect(listMock).toHaveBeenCalledWith({ limit: ACTIONS_LIMIT });
    expect(screen.getByTestId(panelIds.history)).toHaveTextContent('minReplicas 2 → 4, target 70% → 60%');

    const audit = await screen.findByTestId(ids.audit);
    expect(auditMock).toHaveBeenCalledWith(AUDIT_LIMIT);
    const rows = within(audit).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('2025-01-01 11:51:00');
    expect(rows[0]).toHaveTextContent('ann');
    // In words, not the raw action name and JSON; the raw entry is one click away.
    expect(rows[0]).toHaveTextContent('Approved a change');
    expect(rows[0]).not.toHaveTextContent('action.approve');
    expect(rows[0]).toHaveTextContent('note: peak expected');
    expect(rows[1]).toHaveTextContent('Create a change');
  });

  test('a decision reloads the actions and the audit trail', async () => {
    jest.mocked(approveAction).mockResolvedValue({ action: { ...pending, status: 'applied' } });
    render(<Actions />);
    fireEvent.click(await screen.findByTestId(panelIds.decision('approve', pending.id)));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(approveAction).toHaveBeenCalledWith(pending.id, { note: '' }));
    await waitFor(() => expect(listMock).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(auditMock).toHaveBeenCalledTimes(2));
  });

  test('viewers see the role notice and disabled buttons', async () => {
    signInAs('Viewer');
    render(<Actions />);
    expect(await screen.findByTestId(panelIds.roleNotice)).toHaveTextContent(
      'needs the AIDPE "Action approver" role (aidpe-performance-app.actions:approve), which Editors and above have by default; you have the Viewer role'
    );
    expect(screen.getByTestId(panelIds.decision('approve', pending.id))).toHaveAttribute('aria-disabled', 'true');
  });

  test('sidecar down: the error state, and the audit error', async () => {
    listMock.mockRejectedValue({ status: 502, data: { message: 'Bad Gateway' }, config: {} });
    auditMock.mockRejectedValue({ status: 502, data: { message: 'Bad Gateway' }, config: {} });
    render(<Actions />);
    expect(await screen.findByTestId(panelIds.error)).toHaveTextContent('HTTP 502: Bad Gateway');
    expect(await screen.findByTestId(ids.auditError)).toHaveTextContent('HTTP 502: Bad Gateway');
  });

  test('an empty audit trail says so', async () => {
    auditMock.mockResolvedValue({ entries: [] });
    render(<Actions />);
    expect(await screen.findByTestId(ids.auditEmpty)).toHaveTextContent('Nothing in the audit trail yet');
  });
});
