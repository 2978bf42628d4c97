import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backlogStep, erlangC, mmcResponseQuantile, mmcResponseSurvival, mmcStats } from '../../src/sim/index.ts';

const close = (a: number, b: number, tol = 1e-9): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

test('Erlang-C matches textbook values', () => {
  close(erlangC(2, 1), 1 / 3);
  for (const rho of [0.1, 0.5, 0.9, 0.99]) {
    close(erlangC(1, rho), rho);
  }
  close(erlangC(5, 4), 0.5541, 1e-3); // M/M/5 at a = 4 Erlangs
  close(erlangC(10, 8), 0.4092, 1e-3);
  assert.equal(erlangC(3, 0), 0);
  assert.equal(erlangC(3, 3), 1);
  assert.equal(erlangC(3, 5), 1);
  // Large c stays finite and in range (no factorial overflow).
  const big = erlangC(500, 480);
  assert.ok(big > 0 && big < 1, String(big));
  assert.throws(() => erlangC(0, 1), RangeError);
  assert.throws(() => erlangC(1.5, 1), RangeError);
});

test('M/M/1 response time is Exp(μ − λ)', () => {
  const p = { lambda: 6, mu: 10, c: 1 };
  for (const q of [0.5, 0.9, 0.95, 0.99]) {
    close(mmcResponseQuantile(p, q), -Math.log(1 - q) / 4, 1e-5);
  }
  close(mmcResponseSurvival(p, 0.3), Math.exp(-4 * 0.3), 1e-9);
  close(mmcStats(p).meanResponse, 1 / 4, 1e-12);
});

test('survival is stable when cμ − λ equals μ', () => {
  // c = 2, μ = 1, λ = 1 → α = 1 = μ; survival → (1−C)e^{−t} + C e^{−t}(1 + t).
  const p = { lambda: 1, mu: 1, c: 2 };
  const C = erlangC(2, 1);
  close(mmcResponseSurvival(p, 2), (1 - C) * Math.exp(-2) + C * Math.exp(-2) * 3, 1e-9);
  const nearly = { lambda: 1 + 1e-13, mu: 1, c: 2 };
  close(mmcResponseSurvival(nearly, 2), mmcResponseSurvival(p, 2), 1e-6);
});

test('percentiles are monotone in q and in load', () => {
  const base = { mu: 10, c: 4 };
  let prevLoad = 0;
  for (const lambda of [5, 15, 25, 35, 39]) {
    const qs = [0.5, 0.9, 0.95, 0.99, 0.999].map((q) => mmcResponseQuantile({ ...base, lambda }, q));
    for (let i = 1; i < qs.length; i++) {
      assert.ok((qs[i] as number) > (qs[i - 1] as number));
    }
    assert.ok((qs[2] as number) > prevLoad, `p95 should rise with load at λ=${lambda}`);
    prevLoad = qs[2] as number;
  }
  assert.equal(mmcResponseQuantile({ ...base, lambda: 40 }, 0.5), Infinity);
});

test('backlog grows under overload, drains with capacity, and sheds past the timeout', () => {
  let b = backlogStep(0, 600, 100, 5, 10); // 600 arrivals, capacity 500
  assert.equal(b.served, 500);
  assert.equal(b.backlog, 100);
  assert.equal(b.timedOut, 0);
  close(b.waitSeconds, 1);
  b = backlogStep(b.backlog, 200, 100, 5, 10);
  assert.equal(b.backlog, 0);
  assert.equal(b.served, 300);
  b = backlogStep(900, 1000, 100, 5, 2); // queue capped at 200 (2 s of capacity)
  assert.equal(b.backlog, 200);
  assert.equal(b.timedOut, 1900 - 500 - 200);
  const none = backlogStep(0, 50, 0, 5, 2);
  assert.equal(none.served, 0);
  assert.equal(none.timedOut, 50);
});
