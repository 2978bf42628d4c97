/**
 * A smooth series (a simulated latency quantile) must not go blind: a wobble of well under 1% of its level is no
 * alert, so the rest that follows an alert cannot hide a real fault later.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createStreamDetector } from '../../src/engines/anomaly/registry.ts';
import { scoreSeries } from '../../src/engines/anomaly/scoreSeries.ts';

test('art-residual ignores a 0.7% wobble on a smooth series and still alerts on an 8x jump two hours later', () => {
  const detector = createStreamDetector('art-residual', {}, 10_000);
  let seed = 7;
  const noise = (): number => {
    seed = (seed * 16_807) % 2_147_483_647;
    return (seed / 2_147_483_647 - 0.5) * 6e-5;
  };
  const start = 1_700_000_000_000;
  const wobbleAt = 2_000;
  const faultAt = wobbleAt + 720; // two hours of 10 s steps later
  let wobbleMax = 0;
  let faultMax = 0;
  for (let i = 0; i < faultAt + 60; i++) {
    const level = i >= faultAt ? 1.7058 : i >= wobbleAt && i < wobbleAt + 30 ? 0.2073 : 0.2058;
    const score = detector.update(start + i * 10_000, level + noise());
    if (i >= wobbleAt && i < faultAt) {
      wobbleMax = Math.max(wobbleMax, score);
    }
    if (i >= faultAt) {
      faultMax = Math.max(faultMax, score);
    }
  }
  assert.ok(wobbleMax < 0.7, `the wobble scored ${wobbleMax}`);
  assert.ok(faultMax >= 0.7, `the 8x jump scored ${faultMax}`);
});

test('an incident that alerts once still gives a region that spans it (the rest rule dedups alerts, not extent)', () => {
  const start = 1_700_000_000;
  const samples: Array<readonly [number, number]> = [];
  for (let i = 0; i < 2_400; i++) {
    const inFault = i >= 2_200 && i < 2_290;
    samples.push([start + i * 10, (inFault ? 1.7 : 0.2) + ((i * 7919) % 13) * 1e-5]);
  }
  const scored = scoreSeries(samples, (start + 2_000 * 10) * 1000, 'k', 0.7, 'art-residual');
  assert.equal(scored.regions.length, 1, JSON.stringify(scored.regions));
  const [region] = scored.regions;
  assert.ok(region!.points >= 60, `the region covers ${region!.points} of the fault's 90 points`);
  assert.ok(region!.endMs <= (start + 2_300 * 10) * 1000, 'the region ends with the fault');
});
