/** Region id → series key and detector (its threshold scale), for feedback on regions this sidecar has answered. */
import type { AnomalyRegion } from '../../engines/anomaly/regions.ts';
import type { StreamDetectorName } from '../../engines/anomaly/streaming.ts';

const KNOWN_REGIONS = 10_000;

export interface KnownRegion {
  seriesKey: string;
  name: string;
  detector: StreamDetectorName;
}

/** The newest regions answered (bounded: the oldest are forgotten first). */
export class RegionRegistry {
  private readonly known = new Map<string, KnownRegion>();

  remember(r: AnomalyRegion, name: string, detector: StreamDetectorName = 'aidpe'): void {
    this.known.delete(r.id);
    this.known.set(r.id, { seriesKey: r.seriesKey, name, detector });
    if (this.known.size > KNOWN_REGIONS) {
      this.known.delete(this.known.keys().next().value!);
    }
  }

  get(id: string): KnownRegion | undefined {
    return this.known.get(id);
  }
}
