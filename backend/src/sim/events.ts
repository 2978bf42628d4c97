/**
 * The cluster's event log (scaling, deploys and rollbacks, fault starts and ends, OOM kills), bounded to
 * the newest 100,000 events. The log generator turns these into log lines.
 */

export type ClusterEventType = 'scale' | 'deploy' | 'rollback' | 'fault_start' | 'fault_end' | 'oom_kill';

export interface ClusterEvent {
  timeMs: number;
  type: ClusterEventType;
  service: string;
  message: string;
  pod?: string;
  faultId?: string;
  from?: number | string;
  to?: number | string;
}

export interface EventQuery {
  startMs?: number;
  endMs?: number;
  service?: string;
}

const MAX_EVENTS = 100_000;

export class EventLog {
  private readonly list: ClusterEvent[] = [];

  push(event: ClusterEvent): void {
    this.list.push(event);
    if (this.list.length > MAX_EVENTS) {
      this.list.splice(0, this.list.length - MAX_EVENTS);
    }
  }

  /** Every retained event, oldest first (the live list: read, don't modify). */
  all(): readonly ClusterEvent[] {
    return this.list;
  }

  /** Copies of the events matching the query, oldest first. */
  query(opts: EventQuery = {}): ClusterEvent[] {
    return this.list
      .filter(
        (e) =>
          (opts.startMs === undefined || e.timeMs >= opts.startMs) &&
          (opts.endMs === undefined || e.timeMs <= opts.endMs) &&
          (opts.service === undefined || e.service === opts.service)
      )
      .map((e) => ({ ...e }));
  }
}
