import { PanelPlugin } from '@grafana/data';
import { ActionsPanel } from './components/ActionsPanel';
import { DEFAULT_OPTIONS, type ActionsPanelOptions } from './types';

export const plugin = new PanelPlugin<Partial<ActionsPanelOptions>>(ActionsPanel)
  // The panel reads the sidecar itself (through the app's proxy routes); it has no queries.
  .setNoPadding()
  .setPanelOptions((builder) =>
    builder
      .addTextInput({
        path: 'service',
        name: 'Service',
        description: 'Only this service’s actions; empty for all services.',
        defaultValue: DEFAULT_OPTIONS.service,
      })
      .addNumberInput({
        path: 'limit',
        name: 'Actions to load',
        description: 'How many of the newest actions to load (1–1000).',
        defaultValue: DEFAULT_OPTIONS.limit,
        settings: { min: 1, max: 1000, integer: true },
      })
      .addNumberInput({
        path: 'refreshSeconds',
        name: 'Refresh every (seconds)',
        description: '0 turns automatic refresh off; the Refresh button still works.',
        defaultValue: DEFAULT_OPTIONS.refreshSeconds,
        settings: { min: 0, max: 3600, integer: true },
      })
      .addBooleanSwitch({
        path: 'showAutomation',
        name: 'Automation status',
        description: 'Mode, policy and circuit breaker per service.',
        defaultValue: DEFAULT_OPTIONS.showAutomation,
      })
      .addBooleanSwitch({
        path: 'showHistory',
        name: 'History',
        description: 'Decided and applied actions with their outcomes.',
        defaultValue: DEFAULT_OPTIONS.showHistory,
      })
  );
