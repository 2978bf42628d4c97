/**
 * AIDPE's log-parser rules as named options: the search space that `aidpe logparse-eval` selects from by
 * leave-one-system-out (each held-out system is scored with the rules chosen on the others), the fixed
 * starting point of that search, and the shipped choice (the same search over every system). No rule names
 * a system; each is a general statement about what a variable or a constant looks like.
 */
import { type DrainOptions, type PartialCut } from './options.ts';
import { masksFor, TOKEN_CLASS_NAMES, TOKEN_CLASSES, type TokenClassName } from './tokenClasses.ts';

export type AidpeRules = {
  /** Drain's similarity threshold: share of voting positions that must agree for a message to join. */
  simTh: number;
  /** Drain's tree depth (first `depth - 2` tokens key the tree). */
  depth: number;
  /** `off`, or which characters bound the kept part of a partly variable token (`DrainOptions.partialCut`). */
  partial: 'off' | PartialCut;
  partialEmpty: boolean;
  /** Enumerated constants: at most this many distinct other words (`enumMaxWords`) … */
  enumWords: number;
  /** … or UPPER_CASE names (`enumMaxValues`); 0 and 0: off. */
  enumNames: number;
  enumPartial: boolean;
  enumDigits: boolean;
  unitsVary: boolean;
  enumCapitalised: boolean;
  calendarWords: boolean;
  collapseVariableRuns: boolean;
  constantSimilarity: boolean;
  siblingMerge: number;
  siblingContext: number;
  wildcardsMatchMasked: boolean;
} & { [C in TokenClassName]: boolean };

export type AidpeRuleName = keyof AidpeRules;

type Space = { [K in AidpeRuleName]: { values: ReadonlyArray<AidpeRules[K]>; doc: string } };

const classSpace = Object.fromEntries(
  TOKEN_CLASS_NAMES.map((c) => [c, { values: [true, false], doc: `token class: ${TOKEN_CLASSES[c].doc}` }])
) as unknown as { [C in TokenClassName]: { values: readonly boolean[]; doc: string } };

/** Every value the search may choose, per rule; the first value is the search's starting point. */
export const AIDPE_RULE_SPACE: Space = {
  simTh: { values: [0.5, 0.4, 0.6, 0.7], doc: 'similarity threshold' },
  depth: { values: [4, 5, 6], doc: 'prefix-tree depth' },
  ...classSpace,
  calendarWords: { values: [true, false], doc: 'month/weekday names next to numbers are timestamp parts' },
  collapseVariableRuns: { values: [true, false], doc: 'runs of masked tokens are one token (variable-length lists)' },
  partial: {
    values: ['punctuation', 'brackets', 'off'],
    doc: 'partly variable tokens keep their constant head/tail',
  },
  partialEmpty: { values: [true, false], doc: 'a partly variable token may stand for an empty middle' },
  enumWords: { values: [3, 2, 4, 0], doc: 'enumerated constants: max distinct words' },
  enumNames: { values: [8, 4, 16, 0], doc: 'enumerated constants: max distinct UPPER_CASE names' },
  enumPartial: { values: [true, false], doc: 'enumerated constants inside partly variable tokens' },
  enumDigits: { values: [true, false], doc: 'enumerated constants may have digits (`IPV6`, `en0`)' },
  unitsVary: { values: [true, false], doc: 'units after numbers are never enumerated constants' },
  enumCapitalised: { values: [true, false], doc: "capitalised words share the UPPER_CASE names' cap" },
  constantSimilarity: { values: [true, false], doc: 'only constant positions vote in the similarity' },
  // the qualifier first: coordinate ascent then judges the merge with its context requirement in place.
  siblingContext: { values: [1, 3, 5], doc: 'sibling merge: constant tokens the siblings must share' },
  siblingMerge: { values: [4, 0, 6, 10], doc: 'clusters differing in one constant position, more than N: one' },
  wildcardsMatchMasked: { values: [true, false], doc: 'a masked token counts as equal at a `<*>` position' },
};

export const AIDPE_RULE_NAMES = Object.keys(AIDPE_RULE_SPACE) as AidpeRuleName[];

/** The search's fixed starting point: the first value of every rule (every rule on). Data-independent. */
export const AIDPE_RULE_START: AidpeRules = Object.fromEntries(
  AIDPE_RULE_NAMES.map((k) => [k, AIDPE_RULE_SPACE[k].values[0]])
) as AidpeRules;

/**
 * The shipped rules: what `aidpe logparse-eval` selects in-sample over the 12 loghub-2k systems (it reports
 * when its in-sample choice differs from this).
 */
export const AIDPE_RULES: AidpeRules = {
  ...AIDPE_RULE_START,
  simTh: 0.7,
  depth: 6,
  dateTime: false,
  list: false,
  constantSimilarity: false,
  siblingContext: 3,
};

/** The Drain options for a rule choice. */
export function aidpeOptions(rules: AidpeRules): Partial<DrainOptions> {
  return {
    simTh: rules.simTh,
    depth: rules.depth,
    masking: masksFor(TOKEN_CLASS_NAMES.filter((c) => rules[c])),
    postProcess: true,
    partialWildcards: rules.partial !== 'off',
    partialCut: rules.partial === 'off' ? 'brackets' : rules.partial,
    partialEmpty: rules.partialEmpty,
    enumMaxWords: rules.enumWords,
    enumMaxValues: rules.enumNames,
    enumMinRepeats: 2,
    enumPartial: rules.enumPartial,
    enumDigits: rules.enumDigits,
    enumSkipsUnits: rules.unitsVary,
    enumCapitalised: rules.enumCapitalised,
    calendarWords: rules.calendarWords,
    collapseVariableRuns: rules.collapseVariableRuns,
    constantSimilarity: rules.constantSimilarity,
    siblingMerge: rules.siblingMerge,
    siblingMinContext: rules.siblingContext,
    wildcardsMatchMasked: rules.wildcardsMatchMasked,
  };
}

export const AIDPE_OPTIONS: Partial<DrainOptions> = aidpeOptions(AIDPE_RULES);

/** A stable text key for a rule choice (cache keys, reports). */
export function rulesKey(rules: AidpeRules): string {
  return AIDPE_RULE_NAMES.map((k) => `${k}=${String(rules[k])}`).join(',');
}

/** Parses `name=value,…` onto `base`; throws a RangeError naming the rule or value. */
export function parseRules(text: string, base: AidpeRules = AIDPE_RULES): AidpeRules {
  const out: Record<string, unknown> = { ...base };
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const [name, raw] = part.split('=').map((s) => s.trim());
    if (!name || raw === undefined || !(name in AIDPE_RULE_SPACE)) {
      throw new RangeError(`unknown rule ${JSON.stringify(name)} (rules: ${AIDPE_RULE_NAMES.join(', ')})`);
    }
    const values = AIDPE_RULE_SPACE[name as AidpeRuleName].values as readonly unknown[];
    const value = values.find((v) => String(v) === raw);
    if (value === undefined) {
      throw new RangeError(`rule ${name}: expected one of ${values.map(String).join(', ')}, got ${raw}`);
    }
    out[name] = value;
  }
  return out as AidpeRules;
}
