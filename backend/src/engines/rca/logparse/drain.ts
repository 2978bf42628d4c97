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
 * On top of that, `postProcess` (off in the plain configuration) rewrites the OUTPUT template text the
 * way the corrected loghub ground truth and loghub-2.0's evaluator write templates: named masks become
 * `<*>`, a token that mixes a mask with digits-only residue collapses to `<*>`, and runs of variables
 * joined by nothing, a space, `.` or `:` become one `<*>`. The tree and the clusters are untouched.
 * `wildcardsMatchMasked` lets a masked token count as equal at a `<*>` position, and enumerated constants
 * (`enumMaxValues` / `enumMaxWords`, `lineTemplate`) keep a position's word in the line's template when its
 * values are a few repeated words; both are off in the plain configuration.
 */

export type ChangeType = 'cluster_created' | 'cluster_template_changed' | 'none';
export type FullSearchStrategy = 'never' | 'fallback' | 'always';

export interface MaskingInstruction {
  /** JavaScript regular-expression source; applied with the `g` flag (plus `flags`). */
  pattern: string;
  /** Mask name: the match becomes `maskPrefix + maskWith + maskSuffix`; `*` gives the Drain wildcard. */
  maskWith: string;
  flags?: string;
  /**
   * The pattern never matches whitespace and its lookarounds answer the same at a token's edge as next
   * to whitespace (`(?<![A-Za-z0-9])`, `(?<!\S)`), so masking each whitespace-separated token alone gives
   * the same text as masking the whole line; when every instruction says so, tokens are masked one by one
   * and cached.
   */
  tokenLocal?: boolean;
}

export interface DrainOptions {
  depth: number;
  simTh: number;
  maxChildren: number;
  /** Undefined: unbounded. */
  maxClusters?: number;
  extraDelimiters: string[];
  parametrizeNumericTokens: boolean;
  masking: MaskingInstruction[];
  maskPrefix: string;
  maskSuffix: string;
  /** Rewrite output templates to loghub's conventions (see the header comment). */
  postProcess: boolean;
  /**
   * When two differing tokens share a `key=`/`(`/`[`/quote prefix or a trailing punctuation suffix,
   * generalise only the middle (`rhost=<*>`, `<*>,`); such tokens then score like `<*>` (off in Drain3).
   */
  partialWildcards: boolean;
  /**
   * Enumerated constants (0: off, as in Drain3): a wildcard position whose values are at most this many
   * distinct UPPER_CASE names (`RUNNING`/`SUCCEEDED`/`FAILED`), or at most `enumMaxWords` distinct other
   * letter-only words (`password`/`none`, `android.intent.action.SCREEN_ON`/`…_OFF`), each seen
   * `enumMinRepeats` times on average, is a small set of constants rather than a variable: the line's own
   * word stays in its template text (`lineTemplate`). Clusters and the tree are unchanged. Free-text
   * variables (user names, host names) are mostly lower-case with many values, hence the lower cap.
   */
  enumMaxValues: number;
  enumMaxWords: number;
  enumMinRepeats: number;
  /**
   * In `addLogMessage`, a message token that is itself a wildcard (masked) counts as equal at a template
   * `<*>` position (off in Drain3, where `<*>` positions never count): otherwise a template that is more than
   * `1 - simTh` wildcards can never take another message, even an identical one, and splits into copies.
   */
  wildcardsMatchMasked: boolean;
}

export interface LogCluster {
  id: number;
  tokens: string[];
  size: number;
}

export interface AddResult {
  cluster: LogCluster;
  /** The message's masked tokens (for `lineTemplate`). */
  tokens: string[];
  changeType: ChangeType;
  /** The cluster's template after this message, as `template()` writes it. */
  template: string;
  clusterCount: number;
}

export interface ExtractedParameter {
  value: string;
  maskName: string;
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
  positionValues?: Array<[number, Array<Array<[string, number]> | null>]>;
}

interface SnapshotNode {
  c: Array<[string, SnapshotNode]>;
  ids: number[];
}

export const DRAIN3_DEFAULTS: DrainOptions = {
  depth: 4,
  simTh: 0.4,
  maxChildren: 100,
  maxClusters: undefined,
  extraDelimiters: [],
  parametrizeNumericTokens: true,
  masking: [],
  maskPrefix: '<',
  maskSuffix: '>',
  postProcess: false,
  partialWildcards: false,
  enumMaxValues: 0,
  enumMaxWords: 0,
  enumMinRepeats: 2,
  wildcardsMatchMasked: false,
};

// Boundaries used by the AIDPE masks: not preceded/followed by a letter or digit.
const B = '(?<![A-Za-z0-9])';
const E = '(?![A-Za-z0-9])';

/**
 * AIDPE's variable masks, most specific first (each later mask sees the earlier masks' output). All
 * mask to `<*>`, since loghub's templates have one wildcard kind; `maskWith` names could be used instead
 * (templates then carry `<IP>`, and `postProcess` turns them into `<*>` on output).
 */
export const AIDPE_MASKS: MaskingInstruction[] = [
  // URLs with a scheme: the whole address is one variable.
  { pattern: `${B}[a-z][a-z0-9+.-]*://[^\\s,;()\\]]+`, maskWith: '*', tokenLocal: true },
  // UUIDs.
  {
    pattern: `${B}[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}${E}`,
    maskWith: '*',
    tokenLocal: true,
  },
  // HDFS block ids.
  { pattern: `blk_-?\\d+`, maskWith: '*', tokenLocal: true },
  // Absolute paths with at least two segments.
  { pattern: `(?<![\\w.])(?:/[\\w.$@+-]+){2,}/?`, maskWith: '*', tokenLocal: true },
  // Framework ids: `attempt_1445_0020_m_000000_0`, `container_…`, `rdd_2_3`, `DFSClient_NONMAPREDUCE_15_1`.
  {
    pattern: `${B}[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z][A-Za-z0-9]*)*(?:_\\d+)+(?:_[A-Za-z0-9]+)*${E}`,
    maskWith: '*',
    tokenLocal: true,
  },
  // Host names ending in a number, with an optional port (`msra-sa-41:9000`).
  { pattern: `${B}[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*-\\d+(?::\\d+)?${E}`, maskWith: '*', tokenLocal: true },
  // IPv4 with optional port; a leading `/` belongs to the address only at the start of a token
  // (`/1.2.3.4:5` is one variable, `host-1/1.2.3.4` is two joined by a constant `/`).
  { pattern: `${B}(?:(?<!\\S)/)?\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?${E}`, maskWith: '*', tokenLocal: true },
  // MAC / colon-separated hex ids.
  { pattern: `${B}(?:[0-9a-fA-F]{2}:){3,}[0-9a-fA-F]{2}${E}`, maskWith: '*', tokenLocal: true },
  // 0x hex numbers, and long hex ids containing at least one digit and one a-f letter.
  { pattern: `${B}0x[0-9a-fA-F]+${E}`, maskWith: '*', tokenLocal: true },
  { pattern: `${B}(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}${E}`, maskWith: '*', tokenLocal: true },
  // Times / dates.
  { pattern: `${B}\\d{1,4}[-/]\\d{1,2}[-/]\\d{1,4}${E}`, maskWith: '*', tokenLocal: true },
  { pattern: `${B}\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?${E}`, maskWith: '*', tokenLocal: true },
  // Numbers with units (`12ms`, `3.5 KB` keeps the unit word separate, `64MB`).
  { pattern: `${B}[-+]?\\d+(?:\\.\\d+)?(?:ms|s|us|ns|[kKmMgGtT]i?[bB]|[bB]|%)${E}`, maskWith: '*', tokenLocal: true },
  // Plain numbers (integers, decimals, signed), delimited by non-alphanumerics.
  { pattern: `${B}[-+]?\\d+(?:\\.\\d+)?${E}`, maskWith: '*', tokenLocal: true },
];

/**
 * AIDPE's configuration on top of Drain3's defaults: one setting for every system, chosen by the sweep in
 * `backend/scripts/logparse-sweep.ts` (the README's log-parsing section gives the result).
 */
export const AIDPE_OPTIONS: Partial<DrainOptions> = {
  simTh: 0.5,
  masking: AIDPE_MASKS,
  postProcess: true,
  partialWildcards: true,
  enumMaxValues: 8,
  enumMaxWords: 2,
  enumMinRepeats: 2,
  wildcardsMatchMasked: true,
};

const WILDCARD = '<*>';
const WHITESPACE = /\s+/;
const TOKEN_CACHE_LIMIT = 50_000;

/**
 * Letters, then letters and `_ . + - :` only, optionally in brackets (`[preauth]`, `(ok)`): what an
 * enumerated constant may look like (no digits, no masks).
 */
function isWordToken(s: string): boolean {
  let from = 0;
  let to = s.length;
  const open = s.charCodeAt(0);
  if ((open === 91 || open === 40) && s.charCodeAt(to - 1) === (open === 91 ? 93 : 41)) {
    from = 1;
    to -= 1;
  }
  if (to <= from) {
    return false;
  }
  const c0 = s.charCodeAt(from);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) {
    return false;
  }
  for (let i = from + 1; i < to; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 43 || c === 45 || c === 58) {
      continue;
    }
    return false;
  }
  return true;
}

/** `RUNNING`, `FAIL_TASK_CLEANUP`: the usual spelling of an enum constant. */
function isUpperName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c === 95 && i > 0))) {
      return false;
    }
  }
  return s.length >= 2;
}

/** Per wildcard position: the word values seen and their counts; null once it is a real variable. */
type PositionValues = Array<Map<string, number> | null | undefined>;

function hasNumbers(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      return true;
    }
  }
  return false;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function newNode(): TreeNode {
  return { children: new Map(), clusterIds: [] };
}

/** Rewrites a template the way loghub-2.0's evaluator writes ground truth (`correct_template_general`). */
export function mergeAdjacentWildcards(template: string): string {
  let t = template;
  for (;;) {
    const prev = t;
    t = t.replace(/<\*>\.<\*>/g, WILDCARD);
    if (t === prev) {
      break;
    }
  }
  for (;;) {
    const prev = t;
    t = t
      .replace(/<\*><\*>/g, WILDCARD)
      .replace(/<\*>:<\*>/g, WILDCARD)
      .replace(/<\*> <\*>/g, WILDCARD);
    if (t === prev) {
      break;
    }
  }
  return t;
}

export class Drain {
  readonly options: DrainOptions;
  private readonly paramStr: string;
  private readonly maxNodeDepth: number;
  private readonly masks: Array<{ re: RegExp; replacement: string; instruction: MaskingInstruction }>;
  private readonly maskTokens: Set<string>;
  private root: TreeNode = newNode();
  /** Insertion order = recency order (least recently used first). */
  private idToCluster = new Map<number, LogCluster>();
  private clustersCounter = 0;
  private readonly extractionCache = new Map<string, { re: RegExp; groups: Array<{ name: string; mask: string }> }>();
  /** Mask token by token (see `MaskingInstruction.tokenLocal`), caching each token's masked text. */
  private readonly tokenwise: boolean;
  private readonly tokenCache = new Map<string, string>();
  /** All masks as one alternation: a token it does not match is left as it is, without 14 replaces. */
  private readonly anyMask: RegExp | undefined;
  /** Template text per token array: a cluster's array is replaced, never mutated, when its template changes. */
  private readonly templateCache = new WeakMap<readonly string[], string>();
  private positionValues = new Map<number, PositionValues>();

  constructor(options: Partial<DrainOptions> = {}) {
    this.options = { ...DRAIN3_DEFAULTS, ...options };
    const o = this.options;
    if (!(o.depth >= 3)) {
      throw new RangeError('depth must be at least 3');
    }
    if (!(o.simTh >= 0 && o.simTh <= 1)) {
      throw new RangeError('simTh must be in [0, 1]');
    }
    if (!(o.maxChildren >= 1)) {
      throw new RangeError('maxChildren must be at least 1');
    }
    if (o.maxClusters !== undefined && !(o.maxClusters >= 1)) {
      throw new RangeError('maxClusters must be at least 1');
    }
    if (!(Number.isInteger(o.enumMaxValues) && o.enumMaxValues >= 0)) {
      throw new RangeError('enumMaxValues must be an integer >= 0');
    }
    if (!(Number.isInteger(o.enumMaxWords) && o.enumMaxWords >= 0)) {
      throw new RangeError('enumMaxWords must be an integer >= 0');
    }
    if (!(o.enumMinRepeats >= 1)) {
      throw new RangeError('enumMinRepeats must be at least 1');
    }
    this.paramStr = `${o.maskPrefix}*${o.maskSuffix}`;
    this.maxNodeDepth = o.depth - 2;
    this.masks = o.masking.map((m) => ({
      re: new RegExp(m.pattern, 'g' + (m.flags ?? '').replace(/g/g, '')),
      replacement: `${o.maskPrefix}${m.maskWith}${o.maskSuffix}`.replace(/\$/g, '$$$$'),
      instruction: m,
    }));
    this.maskTokens = new Set([this.paramStr, ...o.masking.map((m) => `${o.maskPrefix}${m.maskWith}${o.maskSuffix}`)]);
    this.tokenwise = o.extraDelimiters.length === 0 && o.masking.every((m) => m.tokenLocal === true);
    // only when the patterns can be joined as they are: no flags, no (named) back-references.
    const joinable = o.masking.every((m) => !m.flags && !/\\[1-9k]|\(\?<[A-Za-z]/.test(m.pattern));
    this.anyMask =
      this.tokenwise && joinable && o.masking.length > 1
        ? new RegExp(o.masking.map((m) => `(?:${m.pattern})`).join('|'))
        : undefined;
  }

  /** Plain Drain3 with its defaults: no masks, no post-processing. */
  static plain(options: Partial<DrainOptions> = {}): Drain {
    return new Drain({ ...options, masking: [], postProcess: false, partialWildcards: false });
  }

  /** AIDPE's configuration: Drain3's tree plus AIDPE's masks and loghub-style template text. */
  static aidpe(options: Partial<DrainOptions> = {}): Drain {
    return new Drain({ ...AIDPE_OPTIONS, ...options });
  }

  get clusters(): LogCluster[] {
    return [...this.idToCluster.values()];
  }

  get clusterCount(): number {
    return this.idToCluster.size;
  }

  mask(content: string): string {
    let c = content;
    for (const m of this.masks) {
      c = c.replace(m.re, m.replacement);
    }
    return c;
  }

  /** `tokenize(mask(content))`, token by token with a cache when every mask is token-local. */
  maskedTokens(content: string): string[] {
    if (!this.tokenwise) {
      return this.tokenize(this.mask(content));
    }
    const out: string[] = [];
    for (const raw of content.split(WHITESPACE)) {
      if (raw === '') {
        continue;
      }
      let masked = this.tokenCache.get(raw);
      if (masked === undefined) {
        masked = raw;
        if (!this.anyMask || this.anyMask.test(raw)) {
          for (const m of this.masks) {
            m.re.lastIndex = 0;
            if (m.re.test(masked)) {
              masked = masked.replace(m.re, m.replacement);
            } // test first: a miss is cheaper than replace
          }
        }
        if (this.tokenCache.size >= TOKEN_CACHE_LIMIT) {
          this.tokenCache.clear();
        }
        this.tokenCache.set(raw, masked);
      }
      out.push(masked);
    }
    return out;
  }

  tokenize(maskedContent: string): string[] {
    let c = maskedContent.trim();
    for (const d of this.options.extraDelimiters) {
      c = c.split(d).join(' ');
    }
    return c.split(/\s+/).filter((t) => t !== '');
  }

  /** The cluster's template text: Drain3's `get_template()`, or loghub's conventions with `postProcess`. */
  template(cluster: LogCluster): string {
    let text = this.templateCache.get(cluster.tokens);
    if (text === undefined) {
      text = this.options.postProcess ? this.postProcessTemplate(cluster.tokens) : cluster.tokens.join(' ');
      this.templateCache.set(cluster.tokens, text);
    }
    return text;
  }

  /**
   * The template text for one message of the cluster (its `AddResult.tokens`): `template()`, except that
   * enumerated-constant positions (`enumMaxValues`) keep the message's own word.
   */
  lineTemplate(cluster: LogCluster, tokens: readonly string[]): string {
    const positions = this.enumeratedPositions(cluster);
    if (positions.length === 0 || tokens.length !== cluster.tokens.length) {
      return this.template(cluster);
    }
    const filled = cluster.tokens.slice();
    for (const i of positions) {
      filled[i] = tokens[i]!;
    }
    return this.options.postProcess ? this.postProcessTemplate(filled) : filled.join(' ');
  }

  /** Wildcard positions whose values are few letter-only words, each repeated enough (see `enumMaxValues`). */
  enumeratedPositions(cluster: LogCluster): number[] {
    const stats = this.positionValues.get(cluster.id);
    if (!stats) {
      return [];
    }
    const out: number[] = [];
    for (let i = 0; i < stats.length; i++) {
      const values = stats[i];
      if (!values || cluster.size < this.options.enumMinRepeats * values.size) {
        continue;
      }
      if (values.size <= this.options.enumMaxWords) {
        out.push(i);
      } else if (values.size <= this.options.enumMaxValues && [...values.keys()].every(isUpperName)) {
        out.push(i);
      }
    }
    return out;
  }

  /** Counts the message's words at the cluster's wildcard positions (before `size` counts the message). */
  private recordPositionValues(cluster: LogCluster, before: string[], after: string[], tokens: string[]): void {
    let stats = this.positionValues.get(cluster.id);
    for (let i = 0; i < after.length; i++) {
      if (after[i] !== this.paramStr) {
        continue;
      }
      if (!stats) {
        stats = new Array<Map<string, number> | null | undefined>(after.length);
        this.positionValues.set(cluster.id, stats);
      }
      let values = stats[i];
      const old = before[i]!;
      // a position turning into a wildcard now: all earlier messages had the old word there.
      if (old !== this.paramStr) {
        values = isWordToken(old) ? new Map([[old, cluster.size]]) : null;
      } else if (values === undefined) {
        values = null;
      } // a wildcard since creation (masked)
      if (values) {
        const token = tokens[i]!;
        if (isWordToken(token)) {
          values.set(token, (values.get(token) ?? 0) + 1);
        }
        if (!isWordToken(token) || values.size > Math.max(this.options.enumMaxValues, this.options.enumMaxWords)) {
          values = null;
        }
      }
      stats[i] = values;
    }
  }

  private postProcessTemplate(tokens: string[]): string {
    const out = tokens.map((tok) => {
      let t = tok;
      for (const m of this.maskTokens) {
        if (m !== WILDCARD && t.includes(m)) {
          t = t.split(m).join(WILDCARD);
        }
      }
      // digits glued to a wildcard (`<*>2`) and a sign before one (`-<*>`) belong to the variable.
      if (t.includes(WILDCARD)) {
        t = t.replace(/\d+(?=<\*>)|(?<=<\*>)\d+/g, '').replace(/^[-+]<\*>/, WILDCARD);
      }
      return t;
    });
    return mergeAdjacentWildcards(out.join(' '));
  }

  addLogMessage(content: string): AddResult {
    const tokens = this.maskedTokens(content);
    let cluster = this.treeSearch(tokens, this.options.simTh, false);
    let changeType: ChangeType;
    if (!cluster) {
      this.clustersCounter += 1;
      cluster = { id: this.clustersCounter, tokens: tokens.slice(), size: 1 };
      this.lruSet(cluster);
      this.addSeqToPrefixTree(cluster);
      changeType = 'cluster_created';
    } else {
      const newTokens = this.createTemplate(tokens, cluster.tokens);
      if (this.options.enumMaxValues > 0 || this.options.enumMaxWords > 0) {
        this.recordPositionValues(cluster, cluster.tokens, newTokens, tokens);
      }
      if (newTokens === cluster.tokens) {
        changeType = 'none';
      } else {
        cluster.tokens = newTokens;
        changeType = 'cluster_template_changed';
      }
      cluster.size += 1;
      this.lruTouch(cluster.id);
    }
    return { cluster, tokens, changeType, template: this.template(cluster), clusterCount: this.idToCluster.size };
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
      compiled = this.compileExtraction(template, exactMatching);
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

  private compileExtraction(
    template: string,
    exactMatching: boolean
  ): { re: RegExp; groups: Array<{ name: string; mask: string }> } {
    const { maskPrefix, maskSuffix } = this.options;
    const names = new Set<string>(['*', ...this.options.masking.map((m) => m.maskWith)]);
    const alternatives = [...names]
      .map((n) => escapeRegex(`${maskPrefix}${n}${maskSuffix}`))
      .sort((a, b) => b.length - a.length);
    const splitter = new RegExp(`(${alternatives.join('|')})`);
    const parts = template.split(splitter);
    let counter = 0;
    const nextName = (): string => `p_${counter++}`;
    const groups: Array<{ name: string; mask: string }> = [];
    let source = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i % 2 === 0) {
        source += part
          .split(/(\s+)/)
          .map((s, j) => (j % 2 === 1 ? '\\s+' : escapeRegex(s)))
          .join('');
        continue;
      }
      const maskName = part.slice(maskPrefix.length, part.length - maskSuffix.length);
      const allowed: string[] = [];
      if (exactMatching) {
        for (const mi of this.options.masking.filter((m) => m.maskWith === maskName)) {
          let p = mi.pattern;
          for (const inner of [...p.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((x) => x[1]!)) {
            const fresh = nextName();
            p = p.split(`(?<${inner}>`).join(`(?<${fresh}>`).split(`\\k<${inner}>`).join(`\\k<${fresh}>`);
          }
          allowed.push(p.replace(/\\(?!0)\d{1,2}/g, '(?:.+?)'));
        }
      }
      if (!exactMatching || maskName === '*') {
        allowed.push('.+?');
      }
      const name = nextName();
      groups.push({ name, mask: maskName });
      source += `(?<${name}>${allowed.join('|')})`;
    }
    return { re: new RegExp(`^${source}$`), groups };
  }

  // ---- the tree (Drain3's `Drain` class) ----

  private treeSearch(tokens: string[], simTh: number, includeParams: boolean): LogCluster | undefined {
    const tokenCount = tokens.length;
    let cur = this.root.children.get(String(tokenCount));
    if (!cur) {
      return undefined;
    }
    if (tokenCount === 0) {
      return this.idToCluster.get(cur.clusterIds[0]!);
    }
    let depth = 1;
    for (const token of tokens) {
      if (depth >= this.maxNodeDepth) {
        break;
      }
      if (depth === tokenCount) {
        break;
      }
      const next: TreeNode | undefined = cur.children.get(token) ?? cur.children.get(this.paramStr);
      if (!next) {
        return undefined;
      }
      cur = next;
      depth += 1;
    }
    return this.fastMatch(cur.clusterIds, tokens, simTh, includeParams);
  }

  private addSeqToPrefixTree(cluster: LogCluster): void {
    const tokenCount = cluster.tokens.length;
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
    for (const token of cluster.tokens) {
      if (depth >= this.maxNodeDepth || depth >= tokenCount) {
        cur.clusterIds = [...cur.clusterIds.filter((id) => this.idToCluster.has(id)), cluster.id];
        break;
      }
      const existing = cur.children.get(token);
      if (existing) {
        cur = existing;
      } else if (parametrizeNumericTokens && hasNumbers(token)) {
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
    }
  }

  private child(node: TreeNode, key: string): TreeNode {
    let c = node.children.get(key);
    if (!c) {
      c = newNode();
      node.children.set(key, c);
    }
    return c;
  }

  /** Wildcard count of the template last scored by `seqDistance` (a field, to avoid a tuple per candidate). */
  private lastParams = 0;

  /** Template vs message: share of equal non-wildcard positions [+ wildcards]; the wildcard count goes to `lastParams`. */
  private seqDistance(template: string[], tokens: string[], includeParams: boolean): number {
    this.lastParams = 0;
    if (template.length === 0) {
      return 1;
    }
    let sim = 0;
    let params = 0;
    const partial = this.options.partialWildcards;
    const paramStr = this.paramStr;
    const maskedMatch = this.options.wildcardsMatchMasked && !includeParams;
    for (let i = 0; i < template.length; i++) {
      const t = template[i]!;
      if (t === paramStr) {
        params++;
        if (maskedMatch && tokens[i] === paramStr) {
          sim++;
        }
        continue;
      }
      if (t === tokens[i]) {
        sim++;
      } else if (partial && t.includes(paramStr)) {
        // a partly variable token: a parameter for similarity, matched only if the token fits it.
        if (includeParams) {
          if (this.partialFits(t, tokens[i]!)) {
            sim++;
          }
        } else {
          params++;
        }
      }
    }
    if (includeParams) {
      sim += params;
    }
    this.lastParams = params;
    return sim / template.length;
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
      const sim = this.seqDistance(c.tokens, tokens, includeParams);
      const params = this.lastParams;
      if (sim > maxSim || (sim === maxSim && params > maxParams)) {
        maxSim = sim;
        maxParams = params;
        best = c;
      }
    }
    return maxSim >= simTh ? best : undefined;
  }

  /** The merged template; the same array when the message changes nothing (the common case, no allocation). */
  private createTemplate(tokens: string[], template: string[]): string[] {
    let out: string[] | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const old = template[i]!;
      if (t === old || old === this.paramStr) {
        continue;
      }
      let merged: string;
      if (!this.options.partialWildcards) {
        merged = this.paramStr;
      } else if (old.includes(this.paramStr) && this.partialFits(old, t)) {
        continue;
      } else {
        merged = this.generalise(old, t);
      }
      if (merged === old) {
        continue;
      }
      out ??= template.slice();
      out[i] = merged;
    }
    return out ?? template;
  }

  private readonly partialCache = new Map<string, RegExp>();

  private partialFits(templateToken: string, token: string): boolean {
    let re = this.partialCache.get(templateToken);
    if (!re) {
      re = new RegExp('^' + templateToken.split(this.paramStr).map(escapeRegex).join('.+?') + '$');
      if (this.partialCache.size > 10000) {
        this.partialCache.clear();
      }
      this.partialCache.set(templateToken, re);
    }
    return re.test(token);
  }

  /** `rhost=a` + `rhost=b` → `rhost=<*>`; `12,` + `ab,` → `<*>,`; otherwise `<*>`. */
  private generalise(a: string, b: string): string {
    let p = 0;
    while (p < a.length && p < b.length && a[p] === b[p]) {
      p++;
    }
    let prefix = a.slice(0, p);
    const cut = Math.max(...['=', '(', '[', '{', "'", '"'].map((c) => prefix.lastIndexOf(c)));
    prefix = cut >= 0 ? prefix.slice(0, cut + 1) : '';
    let s = 0;
    while (
      s < a.length - prefix.length &&
      s < b.length - prefix.length &&
      a[a.length - 1 - s] === b[b.length - 1 - s] &&
      /[)\]}'",;:.]/.test(a[a.length - 1 - s]!)
    ) {
      s++;
    }
    const suffix = s > 0 ? a.slice(a.length - s) : '';
    if (prefix === '' && suffix === '') {
      return this.paramStr;
    }
    const mid = (x: string): string => x.slice(prefix.length, x.length - suffix.length);
    if (mid(a) === '' || mid(b) === '') {
      return this.paramStr;
    }
    return prefix + this.paramStr + suffix;
  }

  private clusterIdsForSeqLen(n: number): number[] {
    const out: number[] = [];
    const walk = (node: TreeNode): void => {
      out.push(...node.clusterIds);
      for (const c of node.children.values()) {
        walk(c);
      }
    };
    const start = this.root.children.get(String(n));
    if (start) {
      walk(start);
    }
    return out;
  }

  // ---- LRU (cachetools.LRUCache semantics) ----

  private lruSet(cluster: LogCluster): void {
    const max = this.options.maxClusters;
    if (max !== undefined && !this.idToCluster.has(cluster.id)) {
      while (this.idToCluster.size >= max) {
        const evicted = this.idToCluster.keys().next().value as number;
        this.idToCluster.delete(evicted);
        this.positionValues.delete(evicted);
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
      positionValues: [...this.positionValues].map(([id, stats]) => [
        id,
        Array.from(stats, (v) => (v ? [...v] : null)),
      ]),
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
    d.positionValues = new Map(
      (snapshot.positionValues ?? []).map(([id, stats]) => [id, stats.map((v) => (v ? new Map(v) : null))])
    );
    return d;
  }
}
