import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { PanelProps } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import { useActions } from '../../../hooks/useActions';
import { currentUser } from '../../../utils/roles';
import { withDefaults, type ActionsPanelOptions } from '../types';
import { ActionsView } from './ActionsView';

type Props = PanelProps<Partial<ActionsPanelOptions>>;

/**
 * AIDPE's remediation actions on a dashboard: the loop's state per service, proposed and pending actions with the
 * policy's reason, the guard checks and the predicted effect, approve / reject / roll back for Editors, and the
 * history with outcomes. It reads the sidecar through the app's proxy routes, not through panel queries.
 */
export function ActionsPanel({ options: rawOptions, width, height }: Props) {
  const s = useStyles2(getStyles);
  const options = withDefaults(rawOptions);
  // Grafana's boot data does not change while the dashboard is open.
  const [user] = useState(currentUser);
  const query = useMemo(
    () => ({ ...(options.service ? { service: options.service } : {}), limit: options.limit }),
    [options.service, options.limit]
  );
  const state = useActions(query, options.refreshSeconds);
  return (
    <div data-testid={testIds.actionsPanel.container} className={s.container} style={{ width, height }}>
      <ActionsView
        state={state}
        user={user}
        showAutomation={options.showAutomation}
        showHistory={options.showHistory}
      />
    </div>
  );
}

const getStyles = () => ({
  container: css({ overflow: 'auto' }),
});
