import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { ComingSoon } from '../components/ComingSoon/ComingSoon';
import { testIds } from '../components/testIds';

function Actions() {
  return (
    <PluginPage>
      <div data-testid={testIds.actions.container}>
        <ComingSoon message="No remediation actions yet">
          When the remediation engine lands, this page will list recommended and applied actions (scaling, HPA tuning,
          rollbacks) with their expected impact. Editors will be able to approve, reject or roll them back, depending on
          the configured operating mode.
        </ComingSoon>
      </div>
    </PluginPage>
  );
}

export default Actions;
