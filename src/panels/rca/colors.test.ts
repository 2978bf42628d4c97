import { createTheme } from '@grafana/data';
import { anomalyBand, anomalyColor } from './colors';

describe('anomaly colours', () => {
  test('scores fall into bands at 0.5, 0.9 and 0.99; missing scores have none', () => {
    expect([0, 0.49, 0.5, 0.89, 0.9, 0.989, 0.99, 1].map(anomalyBand)).toEqual([
      'normal',
      'normal',
      'elevated',
      'elevated',
      'anomalous',
      'anomalous',
      'critical',
      'critical',
    ]);
    expect([undefined, null, Number.NaN].map(anomalyBand)).toEqual(['none', 'none', 'none']);
  });

  test.each(['dark', 'light'] as const)('colours come from the %s theme’s visualization palette', (mode) => {
    const theme = createTheme({ colors: { mode } });
    const byName = theme.visualization.getColorByName;
    expect(anomalyColor(0.1, theme)).toBe(byName('green'));
    expect(anomalyColor(0.7, theme)).toBe(byName('yellow'));
    expect(anomalyColor(0.95, theme)).toBe(byName('orange'));
    expect(anomalyColor(0.999, theme)).toBe(byName('red'));
    expect(anomalyColor(undefined, theme)).toBe(theme.colors.text.disabled);
    expect(new Set([0.1, 0.7, 0.95, 0.999].map((s) => anomalyColor(s, theme))).size).toBe(4);
  });
});
