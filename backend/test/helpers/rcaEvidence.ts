/** Per-service RCA evidence for hand-made ranking tests: quiet by default (no anomaly, steady self time, no errors). */
import type { ServiceEvidence } from '../../src/engines/rca/rank.ts';

export const quietEvidence = (service: string, over: Partial<ServiceEvidence> = {}): ServiceEvidence => ({
  service,
  latencyScore: 0,
  latencyOnsetMs: undefined,
  errorScore: 0,
  errorOnsetMs: undefined,
  selfMsBaseline: 10,
  selfMsIncident: 10,
  ownErrorRateBaseline: 0,
  ownErrorRateIncident: 0,
  ...over,
});
