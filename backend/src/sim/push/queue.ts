/**
 * A bounded FIFO that drops its oldest items when full: what a push client keeps while its upstream is
 * slow or down, so memory stays bounded and the newest telemetry survives.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  /** Items dropped because the queue was full, since creation. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`BoundedQueue: capacity must be a positive integer (got ${capacity})`);
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Appends items (oldest first); drops the oldest beyond capacity. Returns how many were dropped. */
  push(items: readonly T[]): number {
    for (const item of items) {
      this.items.push(item);
    }
    return this.trim();
  }

  /** Removes and returns up to `n` of the oldest items. */
  take(n: number): T[] {
    return this.items.splice(0, Math.max(0, n));
  }

  /** Puts back a batch that could not be sent (it was the oldest); drops the oldest beyond capacity. */
  requeue(items: readonly T[]): number {
    this.items = [...items, ...this.items];
    return this.trim();
  }

  private trim(): number {
    const over = this.items.length - this.capacity;
    if (over <= 0) {
      return 0;
    }
    this.items.splice(0, over);
    this.dropped += over;
    return over;
  }
}
