import { DEFAULT_OPTIONS, withDefaults } from './types';

test('withDefaults fills missing options, trims the service and clamps the numbers', () => {
  expect(withDefaults(undefined)).toEqual(DEFAULT_OPTIONS);
  expect(withDefaults({ service: ' frontend ', limit: 5000, refreshSeconds: -3, showHistory: false })).toEqual({
    service: 'frontend',
    limit: 1000,
    refreshSeconds: 0,
    showAutomation: true,
    showHistory: false,
  });
  expect(withDefaults({ limit: Number.NaN, refreshSeconds: 12.7 })).toMatchObject({ limit: 100, refreshSeconds: 12 });
});
