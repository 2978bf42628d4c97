import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { ComingSoon } from '../components/ComingSoon/ComingSoon';
import { testIds } from '../components/testIds';

function Incidents() {
  return (
    <PluginPage>
      <div data-testid={testIds.incidents.container}>
        <ComingSoon message="No incidents yet">
          When the detection engine lands, this page will list performance incidents detected across your services: the
          anomalous signals, their severity and timeline, and the likely root causes ranked by confidence.
        </ComingSoon>
      </div>
    </PluginPage>
  );
}

export default Incidents;
