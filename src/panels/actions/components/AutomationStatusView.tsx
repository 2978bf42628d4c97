import React, { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  ConfirmModal,
  InteractiveTable,
  RadioButtonGroup,
  Stack,
  Text,
  type Column,
} from '@grafana/ui';
import { resumeAutomation, setAutomationMode } from '../../../api/sidecarClient';
import type { AutomationMode, AutomationStatus, ServiceAutomation } from '../../../api/types';
import { MODE_DESCRIPTION, MODE_LABEL } from '../../../domain/actions/format';
import { automationRoleReason } from '../../../domain/actions/permissions';
import { testIds } from '../../../components/testIds';
import type { UserRoleInfo } from '../../../utils/roles';
import { describeError } from '../../../utils/errors';
import { formatRelativeTime } from '../../../utils/time';

const ids = testIds.actionsPanel;
const MODES: AutomationMode[] = ['recommend', 'approve', 'autonomous'];
const MODE_COLOR = { recommend: 'blue', approve: 'orange', autonomous: 'purple' } as const;

export interface AutomationStatusViewProps {
  automation: AutomationStatus;
  user: UserRoleInfo | undefined;
  /** Called after the sidecar accepted a change (reload). */
  onChanged: () => void;
}

type Editing = { kind: 'mode'; service: string; mode: AutomationMode } | { kind: 'resume'; service: string };

/** "Every 60s on the simulator, last run 1m ago" / "Stopped". */
export function loopText(automation: AutomationStatus, now = Date.now()): string {
  if (!automation.running) {
    return `The action loop is stopped (${automation.actuator} actuator).`;
  }
  const last = automation.lastRunAt ? `, last run ${formatRelativeTime(automation.lastRunAt, now)}` : '';
  return `The action loop runs every ${automation.intervalSeconds}s on the ${automation.actuator} actuator${last}.`;
}

/**
 * The action loop per service: its mode (changeable by Editors), policy, and circuit breaker, with "Resume" when the
 * breaker is open. Viewers see the buttons disabled with the reason.
 */
export function AutomationStatusView({ automation, user, onChanged }: AutomationStatusViewProps) {
  const [editing, setEditing] = useState<Editing>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const disabledReason = automationRoleReason(user);

  const confirm = async () => {
    if (!editing) {
      return;
    }
    const current = editing;
    setEditing(undefined);
    try {
      if (current.kind === 'mode') {
        await setAutomationMode(current.service, current.mode);
      } else {
        await resumeAutomation(current.service);
      }
      setErrors(({ [current.service]: _dropped, ...rest }) => rest);
      onChanged();
    } catch (err) {
      setErrors((e) => ({ ...e, [current.service]: describeError(err) }));
    }
  };

  const columns: Array<Column<ServiceAutomation>> = [
    { id: 'service', header: 'Service' },
    {
      id: 'mode',
      header: 'Mode',
      cell: ({ row: { original } }) => (
        <Stack direction="row" gap={1} alignItems="center">
          <Badge
            color={MODE_COLOR[original.mode]}
            text={MODE_LABEL[original.mode]}
            tooltip={MODE_DESCRIPTION[original.mode]}
          />
          <Button
            size="sm"
            variant="secondary"
            fill="text"
            icon="sliders-v-alt"
            disabled={Boolean(disabledReason)}
            tooltip={disabledReason ?? 'Change the automation mode'}
            aria-label={`Change the mode of ${original.service}`}
            onClick={() => setEditing({ kind: 'mode', service: original.service, mode: original.mode })}
            data-testid={ids.changeMode(original.service)}
          />
        </Stack>
      ),
    },
    {
      id: 'policy',
      header: 'Policy',
      cell: ({ row: { original } }) => `${original.policy} (${original.integration})`,
    },
    {
      id: 'breaker',
      header: 'Circuit breaker',
      cell: ({ row: { original } }) =>
        original.breaker.open ? (
          <Stack direction="column" gap={0.5}>
            <Stack direction="row" gap={1} alignItems="center">
              <Badge
                color="red"
                icon="exclamation-triangle"
                text={`Open${original.breaker.openedAt ? ` since ${formatRelativeTime(original.breaker.openedAt)}` : ''}`}
              />
              <Button
                size="sm"
                variant="secondary"
                icon="play"
                disabled={Boolean(disabledReason)}
                tooltip={disabledReason}
                onClick={() => setEditing({ kind: 'resume', service: original.service })}
                data-testid={ids.resume(original.service)}
              >
                Resume
              </Button>
            </Stack>
            {original.breaker.reason && (
              <Text color="secondary" variant="bodySmall">
                {original.breaker.reason}
              </Text>
            )}
            <ServiceErrors service={original} requestError={errors[original.service]} />
          </Stack>
        ) : (
          <Stack direction="column" gap={0.5}>
            <Badge color="green" text="Closed" />
            <ServiceErrors service={original} requestError={errors[original.service]} />
          </Stack>
        ),
    },
  ];

  return (
    <div data-testid={ids.automation}>
      <Stack direction="column" gap={1}>
        <Text color="secondary" variant="bodySmall">
          {loopText(automation)}
        </Text>
        {automation.lastError && (
          <Alert severity="warning" title="The last run of the action loop failed" data-testid={ids.loopError}>
            {automation.lastError}
          </Alert>
        )}
        {automation.services.length > 0 && (
          <InteractiveTable columns={columns} data={automation.services} getRowId={(r) => r.service} />
        )}
      </Stack>
      <ConfirmModal
        isOpen={editing !== undefined}
        title={
          editing?.kind === 'resume'
            ? `Resume automation for ${editing.service}?`
            : `Automation mode of ${editing?.service ?? ''}`
        }
        body={
          editing?.kind === 'mode' ? (
            <Stack direction="column" gap={1}>
              <RadioButtonGroup<AutomationMode>
                aria-label="Automation mode"
                options={MODES.map((m) => ({ label: MODE_LABEL[m], value: m, description: MODE_DESCRIPTION[m] }))}
                value={editing.mode}
                onChange={(mode) => setEditing({ ...editing, mode })}
              />
              <Text color="secondary">{MODE_DESCRIPTION[editing.mode]}</Text>
            </Stack>
          ) : (
            <Text>
              The circuit breaker stopped automated changes after repeated failures or worse outcomes. Resuming lets the
              loop act again under the current mode.
            </Text>
          )
        }
        confirmText={editing?.kind === 'resume' ? 'Resume' : 'Set mode'}
        confirmVariant="primary"
        onConfirm={confirm}
        onDismiss={() => setEditing(undefined)}
      />
    </div>
  );
}

/** The loop's last failure for the service, and the answer to a mode change or resume that failed here. */
function ServiceErrors({ service, requestError }: { service: ServiceAutomation; requestError?: string }) {
  return (
    <>
      {service.lastError && (
        <Text color="warning" variant="bodySmall">
          Last error: {service.lastError}
        </Text>
      )}
      {requestError && (
        <Text color="error" variant="bodySmall" data-testid={ids.automationError(service.service)}>
          {requestError}
        </Text>
      )}
    </>
  );
}
