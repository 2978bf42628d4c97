import React, { useState } from 'react';
import { Button, ConfirmModal, Field, Stack, Text, TextArea } from '@grafana/ui';
import { approveAction, rejectAction, rollbackAction } from '../../../api/sidecarClient';
import type { ActionRecord } from '../../../api/types';
import { changeSummary } from '../../../domain/actions/format';
import { decisionButtons, DECISION_LABEL, type Decision } from '../../../domain/actions/permissions';
import { testIds } from '../../../components/testIds';
import type { UserRoleInfo } from '../../../utils/roles';
import { describeError } from '../../../utils/errors';

const ids = testIds.actionsPanel;

const CALL: Readonly<Record<Decision, (id: string, body: { note?: string }) => Promise<unknown>>> = {
  approve: approveAction,
  reject: rejectAction,
  rollback: rollbackAction,
};

const CONSEQUENCE: Readonly<Record<Decision, string>> = {
  approve: 'The change is applied to the cluster now, within the safety guards.',
  reject: 'Nothing is applied; the proposal is closed.',
  rollback: 'The replicas and HPA settings are written back to what they were before this action.',
};

export interface DecisionButtonsProps {
  action: ActionRecord;
  user: UserRoleInfo | undefined;
  /** Called after the sidecar accepted a decision (reload the list). */
  onDecided: () => void;
}

/**
 * Approve / reject (pending approval) or roll back (applied), each behind a confirmation with an optional note.
 * Viewers see the buttons disabled with the reason in a tooltip. A refusal (409: the action moved on meanwhile,
 * 403, 404) is shown under the buttons with the sidecar's message.
 */
export function DecisionButtons({ action, user, onDecided }: DecisionButtonsProps) {
  const [open, setOpen] = useState<Decision>();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const buttons = decisionButtons(action, user);
  if (buttons.length === 0) {
    return null;
  }

  const start = (decision: Decision) => {
    setNote('');
    setError(undefined);
    setOpen(decision);
  };

  const confirm = async () => {
    if (!open) {
      return;
    }
    const decision = open;
    try {
      await CALL[decision](action.id, { note });
      setOpen(undefined);
      onDecided();
    } catch (err) {
      setOpen(undefined);
      setError(describeError(err));
    }
  };

  return (
    <Stack direction="column" gap={0.5}>
      <Stack direction="row" gap={1} alignItems="center">
        {buttons.map((b) => (
          <Button
            key={b.decision}
            size="sm"
            variant={b.decision === 'approve' ? 'primary' : b.decision === 'reject' ? 'secondary' : 'destructive'}
            fill={b.decision === 'reject' ? 'outline' : 'solid'}
            icon={b.decision === 'approve' ? 'check' : b.decision === 'reject' ? 'times' : 'history'}
            // With a tooltip, a disabled Button stays hoverable (aria-disabled) so that the reason shows.
            disabled={Boolean(b.disabledReason)}
            tooltip={b.disabledReason}
            onClick={() => start(b.decision)}
            data-testid={ids.decision(b.decision, action.id)}
          >
            {b.label}
          </Button>
        ))}
      </Stack>
      {error && (
        <Text color="error" variant="bodySmall" data-testid={ids.decisionError(action.id)}>
          {error}
        </Text>
      )}
      <ConfirmModal
        isOpen={open !== undefined}
        title={open ? `${DECISION_LABEL[open]} this action?` : ''}
        body={
          <Stack direction="column" gap={1}>
            <Text>
              {action.service}: {changeSummary(action)} ({action.policy}).
            </Text>
            {open && <Text color="secondary">{CONSEQUENCE[open]}</Text>}
            <Field label="Note for the audit trail (optional)" noMargin>
              <TextArea
                id={`actions-panel-note-${action.id}`}
                value={note}
                maxLength={2000}
                placeholder="e.g. expected peak from the campaign"
                onChange={(e) => setNote(e.currentTarget.value)}
                data-testid={ids.note}
              />
            </Field>
          </Stack>
        }
        confirmText={open ? DECISION_LABEL[open] : 'Confirm'}
        confirmVariant={open === 'rollback' ? 'destructive' : 'primary'}
        onConfirm={confirm}
        onDismiss={() => setOpen(undefined)}
      />
    </Stack>
  );
}
