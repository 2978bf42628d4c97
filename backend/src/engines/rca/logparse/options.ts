/**
 * The Drain parser's options. Everything beyond Drain3's own settings is a named, general rule that is off
 * in `DRAIN3_DEFAULTS`, so a snapshot written before a rule existed restores with the behaviour it was
 * mined with. AIDPE's choice of rules is in `rules.ts`.
 */

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
  /**
   * Characters a token must contain for the pattern to match it: each string is a set of characters and
   * the token needs one of each (`['0123456789', '.']`: a digit and a dot). A necessary condition (or, for a
   * UUID, one that fails with a chance of about 1 in 10^13: 32 random hex digits none of them 0-9); when
   * every token-local instruction has one, a token is tested against a pattern only if it has the characters,
   * found in one scan of the token instead of one regex per pattern (most tokens are plain words).
   */
  requires?: string[];
}

/** Which characters may end the kept prefix / start the kept suffix of a partly variable token. */
export type PartialCut = 'brackets' | 'punctuation';

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
  /** Rewrite output templates to loghub's conventions (see `templateText.ts`). */
  postProcess: boolean;
  /**
   * When two differing tokens share a `key=`/`(`/`[`/quote prefix or a trailing punctuation suffix,
   * generalise only the middle (`rhost=<*>`, `<*>,`); such tokens then score like `<*>` (off in Drain3).
   */
  partialWildcards: boolean;
  /**
   * `brackets` (the first version): a kept prefix ends at `= ( [ { ' "`, a kept suffix is closing punctuation
   * only. `punctuation`: structural punctuation (`. : = , ; ( ) [ ] { } ' " /`) ends a prefix or starts a
   * suffix, so dotted and `::` names keep their common head (`com.example.<*>:`) and a shared `(key=<*>)`
   * tail survives; `_ - ~ @` join the parts of one name and do not cut.
   */
  partialCut: PartialCut;
  /**
   * A side whose middle is empty still gives a partial wildcard (`()` + `(host)` → `(<*>)`,
   * `rhost=` + `rhost=a` → `rhost=<*>`): loghub's evaluator drops a `<*>` that stands for nothing, so the
   * empty line's text comes out right too (off: such pairs become a bare `<*>`).
   */
  partialEmpty: boolean;
  /**
   * Enumerated constants (0: off, as in Drain3): a wildcard position whose values are at most this many
   * distinct UPPER_CASE names (`RUNNING`/`SUCCEEDED`/`FAILED`), or at most `enumMaxWords` distinct other
   * letter-only words, each seen `enumMinRepeats` times on average, is a small set of constants rather than
   * a variable: the line's own word stays in its template text (`lineTemplate`). Clusters and the tree are
   * unchanged.
   */
  enumMaxValues: number;
  enumMaxWords: number;
  enumMinRepeats: number;
  /**
   * Enumerated constants also at partly variable positions (`"GET` / `"POST` under `"<*>`,
   * `Begin.` / `End.` under `<*>.`): the word inside the token's punctuation is what is counted.
   */
  enumPartial: boolean;
  /**
   * Words with digits after the first letter (`IPV6`, `en0`) may be enumerated constants too (off: letters
   * and `_ . + - :` only).
   */
  enumDigits: boolean;
  /**
   * Units right after a number (`B`, `KB`, `ms`, `seconds`) are part of the value: never enumerated
   * constants, and filed under the tree's `<*>` child like the number itself. A unit that varies
   * (`93.0 B` / `5.2 KB`) varies with the magnitude and is part of the value; one that never varies stays
   * a constant through the template anyway.
   */
  enumSkipsUnits: boolean;
  /**
   * Capitalised words (`Resumed` / `Paused`, `Active`) count toward the names' cap `enumMaxValues` like
   * UPPER_CASE ones: states and kinds are written capitalised, free-text values such as user or host names
   * mostly in lower case (they keep the lower `enumMaxWords` cap).
   */
  enumCapitalised: boolean;
  /**
   * Calendar words: a month or weekday name (`Jul`, `Sunday`) next to a number or another calendar word is
   * part of a timestamp and masked as a variable; it is never an enumerated constant.
   */
  calendarWords: boolean;
  /**
   * Runs of two or more whitespace-separated fully masked tokens become one token before the tree sees
   * them, so a variable-length list (`( 3552 3534 3375 )`, a timestamp in words) gives one token count.
   * loghub's evaluator merges `<*> <*>` into `<*>` in the ground truth, so the template text is unchanged.
   */
  collapseVariableRuns: boolean;
  /**
   * Only constant text votes in the similarity that decides whether a message joins a cluster: a template
   * position votes when its token has a letter or digit outside its wildcards (`Claim`, `rhost=<*>`), and
   * agrees when the message token equals it or fits its partial pattern; `<*>` and `<*>]` do not vote
   * (off: Drain3's equal tokens / all tokens). A short template such as `[id: <*>] Claim successful` then does
   * not take `[id: <*>] Creating image` for sharing its masks. A template with no voting position takes a
   * message by the share of the message's tokens that are masked.
   */
  constantSimilarity: boolean;
  /**
   * Sibling merge (0: off): when more than this many clusters of the same length agree on every position
   * but one of the first `depth - 3` (the tokens the prefix tree keys on; they share at least one other constant token), and that position holds
   * at least one other constant token), and that position holds a distinct constant in each, it is a
   * variable the tree split on: the clusters become one,
   * and the tree search tries the `<*>` branch when the exact one finds no cluster. Must exceed the
   * enumerated-constant caps, so a few alternatives (`Starting` / `Ending`) stay apart.
   */
  siblingMerge: number;
  /**
   * Constant tokens sibling clusters must share besides the differing one (`X startup succeeded` shares
   * two: thin evidence that X is a variable; a long shared sentence is strong evidence).
   */
  siblingMinContext: number;
  /**
   * In `addLogMessage`, a message token that is itself a wildcard (masked) counts as equal at a template
   * `<*>` position (off in Drain3, where `<*>` positions never count): otherwise a template that is more than
   * `1 - simTh` wildcards can never take another message, even an identical one, and splits into copies.
   */
  wildcardsMatchMasked: boolean;
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
  partialCut: 'brackets',
  partialEmpty: false,
  enumMaxValues: 0,
  enumMaxWords: 0,
  enumMinRepeats: 2,
  enumPartial: false,
  enumDigits: false,
  enumSkipsUnits: false,
  enumCapitalised: false,
  calendarWords: false,
  collapseVariableRuns: false,
  constantSimilarity: false,
  siblingMerge: 0,
  siblingMinContext: 1,
  wildcardsMatchMasked: false,
};

/** Throws a RangeError naming the first invalid option. */
export function validateDrainOptions(o: DrainOptions): void {
  if (!(Number.isInteger(o.depth) && o.depth >= 3)) {
    throw new RangeError('depth must be an integer of at least 3');
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
  if (o.partialCut !== 'brackets' && o.partialCut !== 'punctuation') {
    throw new RangeError("partialCut must be 'brackets' or 'punctuation'");
  }
  if (!(Number.isInteger(o.siblingMerge) && o.siblingMerge >= 0)) {
    throw new RangeError('siblingMerge must be an integer >= 0');
  }
  if (!(Number.isInteger(o.siblingMinContext) && o.siblingMinContext >= 1)) {
    throw new RangeError('siblingMinContext must be an integer >= 1');
  }
}
