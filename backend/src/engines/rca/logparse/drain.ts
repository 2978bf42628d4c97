/**
 * Online log-template mining with Drain3's semantics (logpai/Drain3 `drain.py`, `masking.py`,
 * `template_miner.py`), in TypeScript and without I/O:
 *
 * - masking: an ordered list of regexes applied to the raw message first; each match is replaced by
 *   `maskPrefix + maskWith + maskSuffix` (`<IP>`, `<NUM>`, or `<*>` when `maskWith` is `*`);
 * - the fixed-depth prefix tree: first level keyed by token count, then up to `depth - 2` levels keyed
 *   by the leading tokens (tokens containing a digit go under the `<*>` child when
 *   `parametrizeNumericTokens`; a node with `maxChildren` children sends new tokens to `<*>`), leaves
 *   hold cluster ids;
 * - similarity: share of template positions whose token equals the message token (`<*>` positions do
 *   not count in `addLogMessage`, they do in `match`), best cluster wins, ties go to the one with more
 *   parameters, a cluster is used only at or above `simTh`;
 * - LRU-bounded clusters (`maxClusters`): creating a cluster evicts the least recently used one; a
 *   message joining a cluster touches it; candidate scoring does not;
 * - `match()` (similarity 1.0, parameters count, never creates or changes clusters) with Drain3's
 *   `never` / `fallback` / `always` full-search strategies, and `extractParameters()`.
 *
 * On top of that come AIDPE's general rules, each a named option that is off in Drain3's defaults
 * (`options.ts` documents them; `rules.ts` holds AIDPE's choice): loghub-style template text, partly
 * variable tokens, enumerated constants, calendar words, collapsed variable runs, constant-only
 * similarity, sibling merge and masked tokens matching wildcards. One pass, bounded state, JSON snapshots.
 */
import { EnumeratedConstants, type PositionValuesSnapshot } from './enumerated.ts';
import { compileExtraction, type CompiledExtraction, type ExtractedParameter } from './extraction.ts';
import { DRAIN3_DEFAULTS, validateDrainOptions, type DrainOptions } from './options.ts';
import { AIDPE_OPTIONS } from './rules.ts';
import { SiblingIndex } from './siblings.ts';
import { TemplateMatcher } from './similarity.ts';
import { MessageTokenizer } from './tokenizer.ts';
import { hasNumbers, isUnitWord, postProcessTemplate } from './templateText.ts';

export { DRAIN3_DEFAULTS, type DrainOptions, type MaskingInstruction } from './options.ts';
export { AIDPE_MASKS } from './tokenClasses.ts';
export { AIDPE_OPTIONS } from './rules.ts';
export { mergeAdjacentWildcards } from './templateText.ts';
export type { ExtractedParameter } from './extraction.ts';

export type ChangeType = 'cluster_created' | 'cluster_template_changed' | 'none';
export type FullSearchStrategy = 'never' | 'fallback' | 'always';

export interface LogCluster {
  id: number;
  tokens: string[];
  size: number;
  /** Set on a cluster that sibling merge folded into another: that cluster's id (see `resolve`). */
  mergedInto?: number;
}

export interface AddResult {
  /** The cluster the message is in now (after any sibling merge it caused). */
  cluster: LogCluster;
  /** The message's masked tokens (for `lineTemplate`). */
  tokens: string[];
  changeType: ChangeType;
  /** The cluster's template after this message, as `template()` writes it. */
  template: string;
  clusterCount: number;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  clusterIds: number[];
}

export interface DrainSnapshot {
  format: 'aidpe-drain/1';
  options: DrainOptions;
  clustersCounter: number;
  /** Least recently used first. */
  clusters: LogCluster[];
  tree: SnapshotNode;
  /** Word values seen at each wildcard position, per cluster id (`enumMaxValues`); absent in older snapshots. */
  positionValues?: PositionValuesSnapshot;
}

interface SnapshotNode {
  c: Array<[string, SnapshotNode]>;
  ids: number[];
}

function newNode(): TreeNode {
  return { children: new Map(), clusterIds: [] };
}

export class Drain {
  readonly options: DrainOptions;
  private readonly paramStr: string;
  private readonly maxNodeDepth: number;
  private readonly tokenizer: MessageTokenizer;
  private readonly matcher: TemplateMatcher;
  private root: TreeNode = newNode();
  /** Insertion order = recency order (least recently used first). */
  private idToCluster = new Map<number, LogCluster>();
  private clustersCounter = 0;
  private readonly extractionCache = new Map<string, CompiledExtraction>();
  /** Template text per token array: a cluster's array is replaced, never mutated, when its template changes. */
  private readonly templateCache = new WeakMap<readonly string[], string>();
  private readonly lineTemplateCache = new WeakMap<readonly string[], Map<string, string>>();
  private readonly enums: EnumeratedConstants;
  private siblings: SiblingIndex | undefined;

  constructor(options: Partial<DrainOptions> = {}) {
    this.options = { ...DRAIN3_DEFAULTS, ...options };
    const o = this.options;
    validateDrainOptions(o);
    this.paramStr = `${o.maskPrefix}*${o.maskSuffix}`;
    this.maxNodeDepth = o.depth - 2;
    this.tokenizer = new MessageTokenizer(o, this.paramStr);
    this.matcher = new TemplateMatcher(o, this.paramStr);
    this.enums = new EnumeratedConstants(o, this.paramStr);
    this.siblings =
      o.siblingMerge > 0 ? new SiblingIndex(this.paramStr, this.maxNodeDepth - 1, o.siblingMinContext) : undefined;
  }

  /** Plain Drain3 with its defaults: no masks, no post-processing, none of AIDPE's rules. */
  static plain(options: Partial<DrainOptions> = {}): Drain {
    return new Drain({ ...options, masking: options.masking ?? [], postProcess: false, partialWildcards: false });
  }

  /** AIDPE's configuration: Drain3's tree plus AIDPE's rules (`AIDPE_OPTIONS`). */
  static aidpe(options: Partial<DrainOptions> = {}): Drain {
    return new Drain({ ...AIDPE_OPTIONS, ...options });
  }

  get clusters(): LogCluster[] {
    return [...this.idToCluster.values()];
  }

  get clusterCount(): number {
    return this.idToCluster.size;
  }

  /** The live cluster a (possibly sibling-merged) cluster now belongs to. */
  resolve(cluster: LogCluster): LogCluster {
    let c = cluster;
    for (let hops = 0; c.mergedInto !== undefined && hops < 64; hops++) {
      const next = this.idToCluster.get(c.mergedInto);
      if (!next) {
        break;
      }
      c = next;
    }
    return c;
  }

  mask(content: string): string {
    return this.tokenizer.mask(content);
  }

  /**
   * The message's tokens as the tree sees them: `tokenize(mask(content))` (token by token with a cache when
   * every mask is token-local), then the context rules (calendar words, collapsed variable runs).
   */
  maskedTokens(content: string): string[] {
    return this.tokenizer.maskedTokens(content);
  }

  tokenize(maskedContent: string): string[] {
    return this.tokenizer.tokenize(maskedContent);
  }

  /** The cluster's template text: Drain3's `get_template()`, or loghub's conventions with `postProcess`. */
  template(cluster: LogCluster): string {
    const c = this.resolve(cluster);
    let text = this.templateCache.get(c.tokens);
    if (text === undefined) {
      text = this.options.postProcess ? postProcessTemplate(c.tokens, this.tokenizer.maskTokens) : c.tokens.join(' ');
      this.templateCache.set(c.tokens, text);
    }
    return text;
  }

  /**
   * The template text for one message of the cluster (its `AddResult.tokens`): `template()`, except that
   * enumerated-constant positions (`enumMaxValues`) keep the message's own word.
   */
  lineTemplate(cluster: LogCluster, tokens: readonly string[]): string {
    const c = this.resolve(cluster);
    const positions = this.enumeratedPositions(c);
    if (positions.length === 0 || tokens.length !== c.tokens.length) {
      return this.template(c);
    }
    // many lines share a cluster and its few enumerated values: cache the text per template and values.
    let byValues = this.lineTemplateCache.get(c.tokens);
    if (!byValues) {
      byValues = new Map();
      this.lineTemplateCache.set(c.tokens, byValues);
    }
    const key = positions.map((i) => tokens[i]).join('\u0001');
    let text = byValues.get(key);
    if (text === undefined) {
      const filled = c.tokens.slice();
      for (const i of positions) {
        filled[i] = tokens[i]!;
      }
      text = this.options.postProcess ? postProcessTemplate(filled, this.tokenizer.maskTokens) : filled.join(' ');
      if (byValues.size < 256) {
        byValues.set(key, text);
      }
    }
    return text;
  }

  /** Wildcard positions whose values are few letter-only words, each repeated enough (see `enumMaxValues`). */
  enumeratedPositions(cluster: LogCluster): number[] {
    const c = this.resolve(cluster);
    return this.enums.positions(c.id, c.size);
  }

  addLogMessage(content: string): AddResult {
    const tokens = this.maskedTokens(content);
    let cluster = this.treeSearch(tokens, this.options.simTh, false);
    let changeType: ChangeType;
    if (!cluster) {
      this.clustersCounter += 1;
      cluster = { id: this.clustersCounter, tokens: tokens.slice(), size: 1 };
      this.lruSet(cluster);
      this.addSeqToPrefixTree(cluster, cluster.tokens);
      changeType = 'cluster_created';
      cluster = this.mergeSiblings(cluster);
    } else {
      const newTokens = this.matcher.merge(tokens, cluster.tokens);
      if (this.enums.enabled) {
        this.enums.record(cluster.id, cluster.size, cluster.tokens, newTokens, tokens);
      }
      cluster.size += 1;
      this.lruTouch(cluster.id);
      if (newTokens === cluster.tokens) {
        changeType = 'none';
      } else {
        cluster.tokens = newTokens;
        changeType = 'cluster_template_changed';
        cluster = this.mergeSiblings(cluster);
      }
    }
    return { cluster, tokens, changeType, template: this.template(cluster), clusterCount: this.idToCluster.size };
  }

  /** Sibling merge (`siblingMerge`): folds the clusters that differ from this one in one position only. */
  private mergeSiblings(cluster: LogCluster): LogCluster {
    const threshold = this.options.siblingMerge;
    let survivor = cluster;
    for (let found = this.siblings?.update(survivor.id, survivor.tokens, threshold); found;) {
      const members = found.ids.map((id) => this.idToCluster.get(id)!).sort((a, b) => a.id - b.id);
      const p = found.position;
      const head = members[0]!;
      let token = head.tokens[p]!;
      for (const m of members.slice(1)) {
        const t = m.tokens[p]!;
        if (t === token) {
          continue;
        }
        token = this.options.partialWildcards ? this.matcher.generalise(token, t) : this.paramStr;
      }
      const merged = head.tokens.slice();
      merged[p] = token;
      head.tokens = merged;
      for (const m of members.slice(1)) {
        head.size += m.size;
        m.mergedInto = head.id;
        this.idToCluster.delete(m.id);
        this.siblings!.remove(m.id);
        this.enums.delete(m.id);
      }
      this.enums.markVariable(head.id, p, merged.length);
      // reachable by any value at p: the tree path takes `<*>` there.
      this.addSeqToPrefixTree(
        head,
        merged.map((t, i) => (i === p ? this.paramStr : t))
      );
      survivor = head;
      found = this.siblings!.update(head.id, head.tokens, threshold);
    }
    return survivor;
  }

  /**
   * Drain3's `match()`: the cluster whose template matches the (masked) message completely, or
   * undefined. Creates and changes nothing (not even LRU recency).
   */
  match(content: string, strategy: FullSearchStrategy = 'never'): LogCluster | undefined {
    const tokens = this.maskedTokens(content);
    const full = (): LogCluster | undefined => this.fastMatch(this.clusterIdsForSeqLen(tokens.length), tokens, 1, true);
    if (strategy === 'always') {
      return full();
    }
    const hit = this.treeSearch(tokens, 1, true);
    if (hit) {
      return hit;
    }
    return strategy === 'never' ? undefined : full();
  }

  /**
   * Drain3's `extract_parameters()`: the values under the template's masks (`<*>` and named masks) in
   * order, or undefined when the message does not fit the template. With `exactMatching`, a named mask
   * only accepts what its masking regexes accept; `<*>` accepts anything.
   */
  extractParameters(template: string, content: string, exactMatching = true): ExtractedParameter[] | undefined {
    let message = content;
    for (const d of this.options.extraDelimiters) {
      message = message.split(d).join(' ');
    }
    const key = `${exactMatching ? 1 : 0}\u0000${template}`;
    let compiled = this.extractionCache.get(key);
    if (!compiled) {
      compiled = compileExtraction(this.options, template, exactMatching);
      if (this.extractionCache.size >= 1000) {
        this.extractionCache.delete(this.extractionCache.keys().next().value as string);
      }
      this.extractionCache.set(key, compiled);
    }
    const m = compiled.re.exec(message);
    if (!m) {
      return undefined;
    }
    return compiled.groups.map((g) => ({ value: m.groups?.[g.name] ?? '', maskName: g.mask }));
  }

  // ---- the tree (Drain3's `Drain` class) ----

  private treeSearch(tokens: string[], simTh: number, includeParams: boolean): LogCluster | undefined {
    const tokenCount = tokens.length;
    const start = this.root.children.get(String(tokenCount));
    if (!start) {
      return undefined;
    }
    if (tokenCount === 0) {
      return this.idToCluster.get(start.clusterIds[0]!);
    }
    return this.walkTree(start, 1, tokens, simTh, includeParams);
  }

  /**
   * Drain3 follows one path (the exact token's child, else `<*>`); with sibling merge a merged cluster sits
   * under `<*>` where the exact token's branch may hold only folded clusters, so that branch is tried next.
   */
  private walkTree(
    cur: TreeNode,
    depth: number,
    tokens: string[],
    simTh: number,
    includeParams: boolean
  ): LogCluster | undefined {
    if (depth >= this.maxNodeDepth || depth === tokens.length) {
      return this.fastMatch(cur.clusterIds, tokens, simTh, includeParams);
    }
    const exact = cur.children.get(tokens[depth - 1]!);
    const wild = cur.children.get(this.paramStr);
    const first = exact ?? wild;
    if (!first) {
      return undefined;
    }
    const hit = this.walkTree(first, depth + 1, tokens, simTh, includeParams);
    if (hit || !(this.options.siblingMerge > 0 && exact && wild && exact !== wild)) {
      return hit;
    }
    return this.walkTree(wild, depth + 1, tokens, simTh, includeParams);
  }

  private addSeqToPrefixTree(cluster: LogCluster, path: readonly string[]): void {
    const tokenCount = path.length;
    const key = String(tokenCount);
    let cur = this.root.children.get(key);
    if (!cur) {
      cur = newNode();
      this.root.children.set(key, cur);
    }
    if (tokenCount === 0) {
      cur.clusterIds = [cluster.id];
      return;
    }
    const { maxChildren, parametrizeNumericTokens } = this.options;
    let depth = 1;
    let previous: string | undefined;
    for (const token of path) {
      if (depth >= this.maxNodeDepth || depth >= tokenCount) {
        cur.clusterIds = [...cur.clusterIds.filter((id) => this.idToCluster.has(id) && id !== cluster.id), cluster.id];
        break;
      }
      const existing = cur.children.get(token);
      if (existing) {
        cur = existing;
      } else if (parametrizeNumericTokens && (hasNumbers(token) || this.unitAfterNumber(token, previous))) {
        cur = this.child(cur, this.paramStr);
      } else if (cur.children.has(this.paramStr)) {
        cur = cur.children.size < maxChildren ? this.child(cur, token) : cur.children.get(this.paramStr)!;
      } else if (cur.children.size + 1 < maxChildren) {
        cur = this.child(cur, token);
      } else if (cur.children.size + 1 === maxChildren) {
        cur = this.child(cur, this.paramStr);
      } else {
        cur = cur.children.get(this.paramStr)!;
      }
      depth += 1;
      previous = token;
    }
  }

  /** With `enumSkipsUnits`, a unit right after a number is part of the value: the tree files it under `<*>`. */
  private unitAfterNumber(token: string, previous: string | undefined): boolean {
    return (
      this.options.enumSkipsUnits &&
      previous !== undefined &&
      (previous.includes(this.paramStr) || hasNumbers(previous)) &&
      isUnitWord(token)
    );
  }

  private child(node: TreeNode, key: string): TreeNode {
    let c = node.children.get(key);
    if (!c) {
      c = newNode();
      node.children.set(key, c);
    }
    return c;
  }

  private fastMatch(
    ids: Iterable<number>,
    tokens: string[],
    simTh: number,
    includeParams: boolean
  ): LogCluster | undefined {
    let maxSim = -1;
    let maxParams = -1;
    let best: LogCluster | undefined;
    for (const id of ids) {
      const c = this.idToCluster.get(id);
      if (!c) {
        continue;
      }
      const sim = this.matcher.similarity(c.tokens, tokens, includeParams);
      const params = this.matcher.lastParams;
      if (sim > maxSim || (sim === maxSim && params > maxParams)) {
        maxSim = sim;
        maxParams = params;
        best = c;
      }
    }
    return maxSim >= simTh ? best : undefined;
  }

  private clusterIdsForSeqLen(n: number): number[] {
    const out = new Set<number>();
    const walk = (node: TreeNode): void => {
      for (const id of node.clusterIds) {
        out.add(id);
      }
      for (const c of node.children.values()) {
        walk(c);
      }
    };
    const start = this.root.children.get(String(n));
    if (start) {
      walk(start);
    }
    return [...out];
  }

  // ---- LRU (cachetools.LRUCache semantics) ----

  private lruSet(cluster: LogCluster): void {
    const max = this.options.maxClusters;
    if (max !== undefined && !this.idToCluster.has(cluster.id)) {
      while (this.idToCluster.size >= max) {
        const evicted = this.idToCluster.keys().next().value as number;
        this.idToCluster.delete(evicted);
        this.enums.delete(evicted);
        this.siblings?.remove(evicted);
      }
    }
    this.idToCluster.delete(cluster.id);
    this.idToCluster.set(cluster.id, cluster);
  }

  private lruTouch(id: number): void {
    const c = this.idToCluster.get(id);
    if (!c || this.options.maxClusters === undefined) {
      return;
    }
    this.idToCluster.delete(id);
    this.idToCluster.set(id, c);
  }

  // ---- persistence ----

  /** A JSON-serialisable copy of the whole state (options, clusters in LRU order, tree). */
  toSnapshot(): DrainSnapshot {
    const dump = (n: TreeNode): SnapshotNode => ({
      c: [...n.children].map(([k, v]) => [k, dump(v)]),
      ids: n.clusterIds.slice(),
    });
    return {
      format: 'aidpe-drain/1',
      options: structuredClone(this.options),
      clustersCounter: this.clustersCounter,
      clusters: this.clusters.map((c) => ({ id: c.id, tokens: c.tokens.slice(), size: c.size })),
      tree: dump(this.root),
      positionValues: this.enums.toSnapshot(),
    };
  }

  static fromSnapshot(snapshot: DrainSnapshot): Drain {
    if (snapshot?.format !== 'aidpe-drain/1') {
      throw new Error(`unsupported Drain snapshot format ${JSON.stringify(snapshot?.format)}`);
    }
    const d = new Drain(snapshot.options);
    const load = (n: SnapshotNode): TreeNode => ({
      children: new Map(n.c.map(([k, v]) => [k, load(v)])),
      clusterIds: n.ids.slice(),
    });
    d.root = load(snapshot.tree);
    d.clustersCounter = snapshot.clustersCounter;
    d.idToCluster = new Map(snapshot.clusters.map((c) => [c.id, { id: c.id, tokens: c.tokens.slice(), size: c.size }]));
    d.enums.restore(snapshot.positionValues);
    if (d.siblings) {
      for (const c of d.idToCluster.values()) {
        d.siblings.update(c.id, c.tokens, Number.POSITIVE_INFINITY);
      }
    }
    return d;
  }
}
