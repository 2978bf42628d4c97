import { forecastResponse, NOW, seriesForecast, STEP_MS } from '../../test/fixtures';
import { BAND_SPREAD_MULTIPLE, limitBands } from './bands';
import { forecastResponseToFrames } from './frames';

/** A short, noisy history (one hour at one-minute steps) and a forecast whose band fans out to 4× the level. */
function fanningSeries() {
  const history = Array.from({ length: 60 }, (_, i) => 100 + ((i * 37) % 21) - 10); // 90..110
  const series = seriesForecast({ history, horizon: 60, start: NOW - 59 * STEP_MS });
  const field = (name: string) => series.frame.fields.find((f) => f.name === name)!;
  for (let k = 60; k < 120; k++) {
    const t = (k - 59) / 60; // 0..1 over the hour
    field('forecast').values[k] = 100;
    field('lower').values[k] = 100 - 150 * t;
    field('upper').values[k] = 100 + 300 * t;
  }
  return series;
}

const values = (frame: ReturnType<typeof forecastResponseToFrames>[number], name: string) =>
  Array.from(frame.fields.find((f) => f.name === name)!.values as Array<number | null>);

describe('band limit (short history)', () => {
  test('on the frames: the 80% band stays within a sane multiple of the recent range, never below zero, and says so', () => {
    const [frame] = forecastResponseToFrames(forecastResponse({ series: [fanningSeries()] }), 'A');
    const history = values(frame!, 'value').filter((v): v is number => v !== null);
    const range = Math.max(...history) - Math.min(...history);
    const level = history.reduce((a, b) => a + b, 0) / history.length;
    const upper = values(frame!, 'upper').filter((v): v is number => v !== null);
    const lower = values(frame!, 'lower').filter((v): v is number => v !== null);
    // At most the multiple of the history's own spread on each side: far from 4× the level.
    expect(Math.max(...upper)).toBeLessThanOrEqual(Math.max(...history) + BAND_SPREAD_MULTIPLE * range);
    expect(Math.max(...upper)).toBeLessThan(1.5 * level);
    expect(Math.min(...lower)).toBeGreaterThanOrEqual(0);
    expect(frame!.meta?.notices?.map((n) => n.text)).toEqual([
      expect.stringMatching(
        /^Shown limited to 2× the spread of the last 1 h of history: the 80% band \(up to \d+\.\d× wider\)/
      ),
    ]);
    expect(frame!.meta?.custom).toMatchObject({ bandsLimited: true });
  });

  test('a band within the spread is left as it is, with no notice', () => {
    const series = fanningSeries();
    const field = (name: string) => series.frame.fields.find((f) => f.name === name)!;
    for (let k = 60; k < 120; k++) {
      field('lower').values[k] = 95;
      field('upper').values[k] = 105;
    }
    const result = limitBands(series.frame);
    expect(result.notice).toBeUndefined();
    expect(result.frame).toBe(series.frame);
  });

  test('too little history or a constant one: bands are left as they are', () => {
    expect(limitBands(seriesForecast({ history: [1, 2, 3] }).frame).notice).toBeUndefined();
    const constant = seriesForecast({ history: new Array(30).fill(5) });
    expect(limitBands(constant.frame).notice).toBeUndefined();
  });

  test('the input frame is not changed', () => {
    const series = fanningSeries();
    const before = JSON.stringify(series.frame);
    limitBands(series.frame);
    expect(JSON.stringify(series.frame)).toBe(before);
  });
});
