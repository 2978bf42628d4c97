/**
 * Sibling index for `DrainOptions.siblingMerge`: clusters of the same length keyed by their template with
 * one constant position left out, for the positions the prefix tree keys on (the first `depth - 3`). When
 * more than N clusters share such a key, that position holds a different constant in each: it is a variable
 * the tree split on (Drain's similarity never compared them), and the clusters are one template.
 */

const SEP = '\u0001';

export class SiblingIndex {
  private readonly byKey = new Map<string, Set<number>>();
  private readonly keysOf = new Map<number, string[]>();

  private readonly hashes = new Map<string, [number, number]>();

  constructor(
    private readonly paramStr: string,
    /** Positions below this one are indexed (the tree's keyed positions). */
    private readonly positions: number
  ) {}

  private hash(t: string): [number, number] {
    let h = this.hashes.get(t);
    if (!h) {
      h = [hashToken(t, 0x811c9dc5), hashToken(t, 0x01000193)];
      if (this.hashes.size >= 50_000) {
        this.hashes.clear();
      }
      this.hashes.set(t, h);
    }
    return h;
  }

  /**
   * One short key per constant position: the length, the position, and polynomial hashes (two, 32-bit) of
   * the tokens before and after it, so indexing a cluster costs O(length) in time and memory.
   */
  private keys(tokens: readonly string[]): Array<{ key: string; position: number }> {
    const n = tokens.length;
    const hs = tokens.map((t) => this.hash(t));
    const h1 = hs.map((h) => h[0]);
    const h2 = hs.map((h) => h[1]);
    const pre1 = new Int32Array(n + 1);
    const pre2 = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      pre1[i + 1] = (Math.imul(pre1[i]!, 0x01000193) + h1[i]!) | 0;
      pre2[i + 1] = (Math.imul(pre2[i]!, 0x5bd1e995) + h2[i]!) | 0;
    }
    const suf1 = new Int32Array(n + 1);
    const suf2 = new Int32Array(n + 1);
    for (let i = n - 1; i >= 0; i--) {
      suf1[i] = (Math.imul(suf1[i + 1]!, 0x01000193) + h1[i]!) | 0;
      suf2[i] = (Math.imul(suf2[i + 1]!, 0x5bd1e995) + h2[i]!) | 0;
    }
    const out: Array<{ key: string; position: number }> = [];
    // siblings must share at least one constant token besides the one that differs.
    const constants = tokens.filter((t) => !t.includes(this.paramStr)).length;
    if (constants < 2) {
      return out;
    }
    for (let p = 0; p < Math.min(n, this.positions); p++) {
      if (tokens[p]!.includes(this.paramStr)) {
        continue; // only a constant position can be the one that differs
      }
      out.push({
        key: `${n}${SEP}${p}${SEP}${pre1[p]}${SEP}${pre2[p]}${SEP}${suf1[p + 1]}${SEP}${suf2[p + 1]}`,
        position: p,
      });
    }
    return out;
  }

  /**
   * (Re)indexes a cluster under its current template; returns the first group of more than `threshold`
   * siblings it completes, with the position they differ in.
   */
  update(id: number, tokens: readonly string[], threshold: number): { ids: number[]; position: number } | undefined {
    this.remove(id);
    const keys = this.keys(tokens);
    this.keysOf.set(
      id,
      keys.map((k) => k.key)
    );
    let found: { ids: number[]; position: number } | undefined;
    for (const { key, position } of keys) {
      let set = this.byKey.get(key);
      if (!set) {
        set = new Set();
        this.byKey.set(key, set);
      }
      set.add(id);
      if (!found && set.size > threshold) {
        found = { ids: [...set], position };
      }
    }
    return found;
  }

  remove(id: number): void {
    for (const key of this.keysOf.get(id) ?? []) {
      const set = this.byKey.get(key);
      set?.delete(id);
      if (set?.size === 0) {
        this.byKey.delete(key);
      }
    }
    this.keysOf.delete(id);
  }
}

/** FNV-1a over UTF-16 code units from a seed. */
function hashToken(s: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return h;
}
