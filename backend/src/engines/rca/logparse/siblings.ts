/**
 * Sibling index for `DrainOptions.siblingMerge`: clusters of the same length keyed by their template with
 * one constant position left out, for the positions the prefix tree keys on (the first `depth - 3`). When
 * more than N clusters share such a key, that position holds a different constant in each: it is a variable
 * the tree split on (Drain's similarity never compared them), and the clusters are one template.
 */

const SEP = '\u0001';
const WILD_MARK = '\u0002';

export class SiblingIndex {
  private readonly byKey = new Map<string, Set<number>>();
  /** Clusters with a plain `<*>` at the key's position. */
  private readonly wildByKey = new Map<string, Set<number>>();
  private readonly keysOf = new Map<number, string[]>();

  private readonly hashes = new Map<string, [number, number]>();

  constructor(
    private readonly paramStr: string,
    /** Positions below this one are indexed (the tree's keyed positions). */
    private readonly positions: number,
    /** Constant tokens siblings must share besides the one that differs. */
    private readonly minContext: number
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

  private suf1 = new Int32Array(64);
  private suf2 = new Int32Array(64);

  /**
   * One short key per constant position: the length, the position, and polynomial hashes (two, 32-bit) of
   * the tokens before and after it, so indexing a cluster costs O(length) in time and memory.
   */
  private keys(tokens: readonly string[]): Array<{ key: string; position: number; wildcard: boolean }> {
    const n = tokens.length;
    let constants = 0;
    for (const t of tokens) {
      if (!t.includes(this.paramStr)) {
        constants++;
      }
    }
    if (constants < this.minContext) {
      return [];
    }
    if (this.suf1.length < n + 1) {
      this.suf1 = new Int32Array(2 * n + 2);
      this.suf2 = new Int32Array(2 * n + 2);
    }
    // suffix hashes of tokens i.. (reused buffers), prefix hashes built while scanning the keyed positions.
    const suf1 = this.suf1;
    const suf2 = this.suf2;
    suf1[n] = 0;
    suf2[n] = 0;
    for (let i = n - 1; i >= 0; i--) {
      const [a, b] = this.hash(tokens[i]!);
      suf1[i] = (Math.imul(suf1[i + 1]!, 0x01000193) + a) | 0;
      suf2[i] = (Math.imul(suf2[i + 1]!, 0x5bd1e995) + b) | 0;
    }
    let pre1 = 0;
    let pre2 = 0;
    const out: Array<{ key: string; position: number; wildcard: boolean }> = [];
    for (let p = 0; p < Math.min(n, this.positions); p++) {
      const t = tokens[p]!;
      const here1 = pre1;
      const here2 = pre2;
      const [a, b] = this.hash(t);
      pre1 = (Math.imul(pre1, 0x01000193) + a) | 0;
      pre2 = (Math.imul(pre2, 0x5bd1e995) + b) | 0;
      const wildcard = t === this.paramStr;
      if (!wildcard && t.includes(this.paramStr)) {
        continue; // a partly variable token is neither a constant nor a plain wildcard
      }
      // siblings must share enough constant context besides the position that differs.
      if (constants - (wildcard ? 0 : 1) < this.minContext) {
        continue;
      }
      out.push({
        key: `${n}${SEP}${p}${SEP}${here1}${SEP}${here2}${SEP}${suf1[p + 1]}${SEP}${suf2[p + 1]}`,
        position: p,
        wildcard,
      });
    }
    return out;
  }

  /**
   * (Re)indexes a cluster under its current template; returns the first group to merge it completes, with
   * the position its members differ in: more than `threshold` clusters with distinct constants there, or
   * clusters with a constant there beside one with `<*>` there (the tree sent a word down its own branch
   * while numbers went under `<*>`: the word is one more value of that variable).
   */
  update(id: number, tokens: readonly string[], threshold: number): { ids: number[]; position: number } | undefined {
    this.remove(id);
    const keys = this.keys(tokens);
    this.keysOf.set(
      id,
      keys.map((k) => (k.wildcard ? WILD_MARK : '') + k.key)
    );
    let found: { ids: number[]; position: number } | undefined;
    for (const { key, position, wildcard } of keys) {
      const index = wildcard ? this.wildByKey : this.byKey;
      let set = index.get(key);
      if (!set) {
        set = new Set();
        index.set(key, set);
      }
      set.add(id);
      if (found) {
        continue;
      }
      const constants = this.byKey.get(key);
      const wilds = this.wildByKey.get(key);
      if (wilds && constants && constants.size > 0) {
        found = { ids: [...wilds, ...constants], position };
      } else if (!wildcard && set.size > threshold) {
        found = { ids: [...set], position };
      }
    }
    return found;
  }

  remove(id: number): void {
    for (const marked of this.keysOf.get(id) ?? []) {
      const wildcard = marked.startsWith(WILD_MARK);
      const key = wildcard ? marked.slice(WILD_MARK.length) : marked;
      const index = wildcard ? this.wildByKey : this.byKey;
      const set = index.get(key);
      set?.delete(id);
      if (set?.size === 0) {
        index.delete(key);
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
