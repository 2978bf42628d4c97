/** Caches the use cases share. */

/** A small LRU with a per-entry expiry. */
export class TtlLru<V> {
  private readonly map = new Map<string, { value: V; expiresAt: number }>();
  constructor(private readonly max: number) {}

  get(key: string, nowMs: number): V | undefined {
    const hit = this.map.get(key);
    if (!hit) {
      return undefined;
    }
    this.map.delete(key);
    if (hit.expiresAt <= nowMs) {
      return undefined;
    }
    this.map.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.map.delete(key);
    this.map.set(key, { value, expiresAt });
    while (this.map.size > this.max) {
      this.map.delete(this.map.keys().next().value as string);
    }
  }

  get size(): number {
    return this.map.size;
  }
}
