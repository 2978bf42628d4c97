import { sparklineGeometry } from './sparkline';

describe('sparklineGeometry', () => {
  it('spans the width in time and the height from 0 to the top with 10% headroom', () => {
    const g = sparklineGeometry(
      [
        { t: 2000, v: 2 },
        { t: 0, v: 1 },
        { t: 1000, v: 0 },
      ],
      { width: 100, height: 50, padding: 0 }
    );
    // Sorted by time; yMax = 2 × 1.1 = 2.2; y = 50 × (1 − v / 2.2).
    expect(g.yMax).toBeCloseTo(2.2);
    expect(g.points).toEqual([
      { x: 0, y: 27.27 },
      { x: 50, y: 50 },
      { x: 100, y: 4.55 },
    ]);
    expect(g.path).toBe('M0,27.27 L50,50 L100,4.55');
    expect(g.referenceY).toBeNull();
  });

  it('keeps a reference above every point inside the box and respects the padding', () => {
    const g = sparklineGeometry(
      [
        { t: 0, v: 1 },
        { t: 10, v: 1 },
      ],
      { width: 104, height: 54, padding: 2, reference: 4 }
    );
    expect(g.yMax).toBeCloseTo(4.4);
    expect(g.referenceY).toBeCloseTo(2 + 50 * (1 - 4 / 4.4), 1);
    expect(g.points[0]!.x).toBe(2);
    expect(g.points[1]!.x).toBe(102);
  });

  it('centres a single point, leaves out non-finite values and draws nothing without points', () => {
    const one = sparklineGeometry(
      [
        { t: 5, v: 1 },
        { t: 6, v: Number.NaN },
      ],
      { width: 100, height: 10, padding: 0 }
    );
    expect(one.points).toHaveLength(1);
    expect(one.points[0]!.x).toBe(50);
    const none = sparklineGeometry([], { width: 100, height: 10 });
    expect(none.path).toBe('');
    expect(none.yMax).toBe(1);
  });
});
