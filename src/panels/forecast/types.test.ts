import { DEFAULT_OPTIONS, withDefaults } from './types';

test('withDefaults fills missing options and clamps the opacity', () => {
  expect(withDefaults(undefined)).toEqual(DEFAULT_OPTIONS);
  expect(withDefaults({ bandOpacity: 250, showNow: false })).toEqual({
    showBand95: true,
    bandOpacity: 100,
    showNow: false,
  });
  expect(withDefaults({ bandOpacity: -5 })).toMatchObject({ bandOpacity: 0 });
  expect(withDefaults({ bandOpacity: Number.NaN })).toMatchObject({ bandOpacity: 20 });
});
