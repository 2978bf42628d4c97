import { PanelPlugin } from '@grafana/data';
import { ForecastPanel } from './components/ForecastPanel';
import { DEFAULT_OPTIONS, type ForecastPanelOptions } from './types';

export const plugin = new PanelPlugin<Partial<ForecastPanelOptions>>(ForecastPanel)
  // Standard options (unit, decimals, colour) apply to the axis, the read-out and fixed series colours.
  .useFieldConfig()
  .setPanelOptions((builder) =>
    builder
      .addBooleanSwitch({
        path: 'showBand95',
        name: '95% band',
        description: 'Draw the p2.5–p97.5 band when the query returns one (the AIDPE query option "95% band").',
        defaultValue: DEFAULT_OPTIONS.showBand95,
      })
      .addSliderInput({
        path: 'bandOpacity',
        name: 'Band opacity',
        description: 'Opacity of the 80% band in percent; the 95% band is drawn at half of it.',
        defaultValue: DEFAULT_OPTIONS.bandOpacity,
        settings: { min: 0, max: 100, step: 5 },
      })
      .addBooleanSwitch({
        path: 'showNow',
        name: '"Now" marker',
        description: 'Vertical line at the last actual value, where the forecast starts.',
        defaultValue: DEFAULT_OPTIONS.showNow,
      })
  );
