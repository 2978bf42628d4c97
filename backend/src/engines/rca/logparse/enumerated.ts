/**
 * Enumerated constants (`DrainOptions.enumMaxValues` / `enumMaxWords`): per cluster and wildcard position,
 * the word values seen there and their counts, so that a position holding a few repeated words keeps the
 * line's own word in its template text. The clusters and the tree never depend on it.
 */
import type { DrainOptions } from './options.ts';
import { isCapitalised, isUnitWord, isUpperName, isWordToken, isWordWithDigits, wildcardCore } from './templateText.ts';

/** Per position: the words seen and their counts; null once it is a real variable; undefined: not a wildcard. */
export type PositionValues = Array<Map<string, number> | null | undefined>;

export type PositionValuesSnapshot = Array<[number, Array<Array<[string, number]> | null>]>;

type EnumOptions = Pick<
  DrainOptions,
  | 'enumMaxValues'
  | 'enumMaxWords'
  | 'enumMinRepeats'
  | 'enumPartial'
  | 'enumDigits'
  | 'enumSkipsUnits'
  | 'enumCapitalised'
>;

export class EnumeratedConstants {
  private stats = new Map<number, PositionValues>();

  constructor(
    private readonly options: EnumOptions,
    private readonly paramStr: string
  ) {}

  /** What may count toward the names' cap (`enumMaxValues`): UPPER_CASE, and Capitalised with `enumCapitalised`. */
  private readonly nameLike = (w: string): boolean =>
    isUpperName(w) || (this.options.enumCapitalised && isCapitalised(w));

  get enabled(): boolean {
    return this.options.enumMaxValues > 0 || this.options.enumMaxWords > 0;
  }

  /** The word a position counts for a token under a template token; undefined when it is no word. */
  /** `before`: the token in front of it (a unit right after a number is no enumerated constant). */
  private word(pattern: string, token: string, before: string | undefined): string | undefined {
    const core = pattern === this.paramStr ? token : wildcardCore(pattern, token, this.paramStr);
    if (core === undefined || !(isWordToken(core) || (this.options.enumDigits && isWordWithDigits(core)))) {
      return undefined;
    }
    const unit =
      this.options.enumSkipsUnits &&
      isUnitWord(core) &&
      before !== undefined &&
      (before.includes(this.paramStr) || /\d/.test(before));
    return unit ? undefined : core;
  }

  private tracked(t: string): boolean {
    return t === this.paramStr || (this.options.enumPartial && t.includes(this.paramStr));
  }

  /** The tracked positions of a template (its token array never changes: a new template is a new array). */
  private readonly trackedCache = new WeakMap<readonly string[], number[]>();

  private trackedPositions(template: readonly string[]): number[] {
    let out = this.trackedCache.get(template);
    if (!out) {
      out = [];
      for (let i = 0; i < template.length; i++) {
        if (this.tracked(template[i]!)) {
          out.push(i);
        }
      }
      this.trackedCache.set(template, out);
    }
    return out;
  }

  /** Counts the message's words at the cluster's wildcard positions (before `size` counts the message). */
  record(clusterId: number, size: number, before: readonly string[], after: readonly string[], tokens: string[]): void {
    let stats = this.stats.get(clusterId);
    const cap = Math.max(this.options.enumMaxValues, this.options.enumMaxWords);
    for (const i of this.trackedPositions(after)) {
      const now = after[i]!;
      if (stats && stats[i] === null && before[i] === now) {
        continue; // a variable already, and its shape unchanged
      }
      if (!stats) {
        stats = new Array<Map<string, number> | null | undefined>(after.length);
        this.stats.set(clusterId, stats);
      }
      let values = stats[i];
      const old = before[i]!;
      if (!old.includes(this.paramStr)) {
        // a position turning into a wildcard now: all earlier messages had the old word there.
        const w = this.word(now, old, before[i - 1]);
        values = w !== undefined ? new Map([[w, size]]) : null;
      } else if (old !== now || values === undefined) {
        values = null; // a wildcard since creation (masked), or its shape changed
      }
      if (values) {
        const w = this.word(now, tokens[i]!, tokens[i - 1]);
        if (w !== undefined) {
          values.set(w, (values.get(w) ?? 0) + 1);
        }
        if (w === undefined || values.size > cap) {
          values = null;
        }
      }
      stats[i] = values;
    }
  }

  /** Wildcard positions whose values are few words, each repeated enough. */
  positions(clusterId: number, size: number): number[] {
    const stats = this.stats.get(clusterId);
    if (!stats) {
      return [];
    }
    const out: number[] = [];
    for (let i = 0; i < stats.length; i++) {
      const values = stats[i];
      if (!values || size < this.options.enumMinRepeats * values.size) {
        continue;
      }
      if (values.size <= this.options.enumMaxWords) {
        out.push(i);
      } else if (values.size <= this.options.enumMaxValues && [...values.keys()].every(this.nameLike)) {
        out.push(i);
      }
    }
    return out;
  }

  /** A position that is known to be a variable (sibling merge). */
  markVariable(clusterId: number, position: number, length: number): void {
    let stats = this.stats.get(clusterId);
    if (!stats) {
      stats = new Array<Map<string, number> | null | undefined>(length);
      this.stats.set(clusterId, stats);
    }
    stats[position] = null;
  }

  delete(clusterId: number): void {
    this.stats.delete(clusterId);
  }

  toSnapshot(): PositionValuesSnapshot {
    return [...this.stats].map(([id, stats]) => [id, Array.from(stats, (v) => (v ? [...v] : null))]);
  }

  restore(snapshot: PositionValuesSnapshot | undefined): void {
    this.stats = new Map((snapshot ?? []).map(([id, stats]) => [id, stats.map((v) => (v ? new Map(v) : null))]));
  }
}
