import {
  bandPath,
  extentOf,
  linePath,
  linearScale,
  nearestIndex,
  niceStep,
  niceTicks,
  paddedDomain,
  timeTickFormat,
  timeTicks,
} from './scale';

const identity = linearScale([0, 100], [0, 100]);

describe('linearScale', () => {
  test('maps and inverts, including flipped ranges (SVG y grows downwards)', () => {
    const y = linearScale([0, 10], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(10)).toBe(0);
    expect(y(2.5)).toBe(150);
    expect(y.invert(150)).toBe(2.5);
    expect(y.domain).toEqual([0, 10]);
    expect(y.range).toEqual([200, 0]);
  });

  test('a zero-width domain maps to the middle of the range', () => {
    const s = linearScale([5, 5], [0, 100]);
    expect(s(5)).toBe(50);
    expect(s.invert(30)).toBe(5);
  });
});

test('extentOf ignores gaps and non-finite values', () => {
  expect(extentOf([3, null, 1], undefined, [Number.NaN, 7, Infinity])).toEqual([1, 7]);
  expect(extentOf([null, undefined], [])).toBeUndefined();
});

test('paddedDomain adds headroom, keeps non-negative series at zero, widens flat series', () => {
  expect(paddedDomain([10, 20])).toEqual([9.5, 20.5]);
  expect(paddedDomain([0.1, 10])).toEqual([0, 10.495]);
  expect(paddedDomain([-10, 10])).toEqual([-11, 11]);
  expect(paddedDomain([5, 5])).toEqual([4.5, 5.5]);
  expect(paddedDomain([0, 0])).toEqual([-1, 1]);
});

describe('ticks', () => {
  test('niceStep picks 1, 2, 2.5, 5 × 10^k', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(100, 4)).toBe(25);
    expect(niceStep(0.9, 3)).toBe(0.5);
    expect(niceStep(0, 3)).toBe(1);
  });

  test('niceTicks lie on multiples of the step inside the range, without float noise', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.05, 0.95, 4)).toEqual([0.25, 0.5, 0.75]);
    expect(niceTicks(0.1, 0.7, 6)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(niceTicks(-7, 7, 3)).toEqual([-5, 0, 5]);
    expect(niceTicks(3, 3, 5)).toEqual([3]);
    expect(niceTicks(5, 1, 5)).toEqual([]);
  });

  test('timeTicks use a round interval and align to it (optionally in local time)', () => {
    const t0 = Date.parse('2025-01-01T12:07:00Z');
    const { ticks, stepMs } = timeTicks(t0, t0 + 60 * 60_000, 4);
    expect(stepMs).toBe(15 * 60_000);
    expect(ticks.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['12:15', '12:30', '12:45', '13:00']);

    // UTC+05:30: hours fall on the viewer's round hours.
    const local = timeTicks(t0, t0 + 6 * 3_600_000, 6, 5.5 * 3_600_000);
    expect(local.stepMs).toBe(3_600_000);
    expect(new Date(local.ticks[0] + 5.5 * 3_600_000).toISOString().slice(14, 16)).toBe('00');

    expect(timeTicks(t0, t0, 5)).toEqual({ ticks: [t0], stepMs: 0 });
    expect(timeTicks(0, 400 * 86_400_000, 4).stepMs).toBe(100 * 86_400_000);
  });

  test('timeTickFormat follows the interval and the span', () => {
    expect(timeTickFormat(10_000, 60_000)).toBe('HH:mm:ss');
    expect(timeTickFormat(15 * 60_000, 3_600_000)).toBe('HH:mm');
    expect(timeTickFormat(6 * 3_600_000, 3 * 86_400_000)).toBe('MM/DD HH:mm');
    expect(timeTickFormat(86_400_000, 30 * 86_400_000)).toBe('MM/DD');
  });
});

describe('paths', () => {
  test('linePath breaks at gaps and marks isolated points', () => {
    expect(linePath([0, 10, 20, 30, 40, 50], [1, 2, null, 4, null, 6], identity, identity)).toBe(
      'M0,1L10,2M30,4h0.01M50,6h0.01'
    );
    expect(linePath([0, 10], [null, null], identity, identity)).toBe('');
    expect(linePath([], [], identity, identity)).toBe('');
  });

  test('linePath rounds coordinates to 2 decimals', () => {
    const x = linearScale([0, 3], [0, 1]);
    expect(linePath([0, 1], [0, 0], x, identity)).toBe('M0,0L0.33,0');
  });

  test('bandPath closes one polygon per run where both edges exist', () => {
    const t = [0, 10, 20, 30, 40];
    const lo = [1, 2, 3, null, 5];
    const hi = [5, 6, 7, 8, 9];
    expect(bandPath(t, lo, hi, identity, identity)).toBe('M0,5L10,6L20,7L20,3L10,2L0,1Z');
    // A single point is not an area.
    expect(bandPath([0], [1], [2], identity, identity)).toBe('');
    expect(bandPath(t, [1, 1, null, 1, 1], hi, identity, identity)).toBe('M0,5L10,6L10,1L0,1ZM30,8L40,9L40,1L30,1Z');
  });
});

test('nearestIndex', () => {
  const times = [0, 10, 20, 30];
  expect(nearestIndex(times, -5)).toBe(0);
  expect(nearestIndex(times, 14)).toBe(1);
  expect(nearestIndex(times, 16)).toBe(2);
  expect(nearestIndex(times, 99)).toBe(3);
  expect(nearestIndex([5], 0)).toBe(0);
  expect(nearestIndex([], 0)).toBe(-1);
});
