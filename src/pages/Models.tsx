import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { ComingSoon } from '../components/ComingSoon/ComingSoon';
import { testIds } from '../components/testIds';

function Models() {
  return (
    <PluginPage>
      <div data-testid={testIds.models.container}>
        <ComingSoon message="No models loaded yet">
          When the model engine lands, this page will show the forecasting and anomaly-detection models in use, their
          versions, training windows and accuracy, and when they were last evaluated.
        </ComingSoon>
      </div>
    </PluginPage>
  );
}

export default Models;
