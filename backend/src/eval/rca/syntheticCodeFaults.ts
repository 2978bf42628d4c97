/** Placeholder until the synthetic code-fault suite lands. */
import type { EvalCase } from './evalCore.ts';
import type { Progress } from './suites.ts';
export function syntheticCases(
  _path: string,
  _opts: { count: number; seed: number },
  _progress?: Progress
): EvalCase[] {
  return [];
}
