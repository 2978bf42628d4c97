/** A scripted TelemetrySource for route tests: each call answers with what the test queued. */
import type { DependencyHealth, QueryResult, RangeQuery, TelemetrySource } from '../../src/telemetry/types.ts';

export class ScriptedTelemetry implements TelemetrySource {
  readonly kind = 'prometheus' as const;
  readonly rangeCalls: RangeQuery[] = [];
  next: () => Promise<QueryResult> = async () => ({ resultType: 'matrix', series: [], warnings: [] });
  healthState: DependencyHealth['state'] = 'up';

  async queryRange(query: RangeQuery): Promise<QueryResult> {
    this.rangeCalls.push(query);
    return this.next();
  }
  async queryInstant(): Promise<QueryResult> {
    return this.next();
  }
  async series(): Promise<Array<Record<string, string>>> {
    return [];
  }
  async labelValues(): Promise<string[]> {
    return [];
  }
  async health(): Promise<DependencyHealth> {
    return { name: 'prometheus', state: this.healthState, detail: 'scripted', checkedAt: new Date().toISOString() };
  }
}
