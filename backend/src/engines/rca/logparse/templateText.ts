/**
 * Token- and template-text helpers of the Drain parser: loghub's template conventions (merged variables,
 * named masks as `<*>`), partly variable tokens (`rhost=<*>`) and what counts as a word. Pure functions.
 */
import type { PartialCut } from './options.ts';

export const WILDCARD = '<*>';

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

/**
 * loghub's template text for a cluster's tokens: named masks become `<*>`, digits glued to a wildcard and a
 * sign before one belong to the variable, and runs of variables merge (`mergeAdjacentWildcards`).
 */
export function postProcessTemplate(tokens: readonly string[], maskTokens: ReadonlySet<string>): string {
  const out = tokens.map((tok) => {
    let t = tok;
    for (const m of maskTokens) {
      if (m !== WILDCARD && t.includes(m)) {
        t = t.split(m).join(WILDCARD);
      }
    }
    if (t.includes(WILDCARD)) {
      t = t.replace(/\d+(?=<\*>)|(?<=<\*>)\d+/g, '').replace(/^[-+]<\*>/, WILDCARD);
    }
    return t;
  });
  return mergeAdjacentWildcards(out.join(' '));
}

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function hasNumbers(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      return true;
    }
  }
  return false;
}

/**
 * Letters, then letters and `_ . + - :` only, optionally in brackets (`[preauth]`, `(ok)`): what an
 * enumerated constant may look like (no digits, no masks).
 */
export function isWordToken(s: string): boolean {
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

/**
 * A letter, then letters, digits and `_ . + - :`, with more letters than digits (`IPV6`, `en0`, `awdl0`;
 * not `U11`, which reads as a serial), optionally in brackets.
 */
export function isWordWithDigits(s: string): boolean {
  const inner = /^[[(].*[\])]$/.test(s) ? s.slice(1, -1) : s;
  if (!/^[A-Za-z][A-Za-z0-9_.+:-]*$/.test(inner)) {
    return false;
  }
  const digits = inner.replace(/\D/g, '').length;
  return inner.replace(/[^A-Za-z]/g, '').length > digits;
}

const UNITS = new Set(
  'B b KB kB MB GB TB PB KiB MiB GiB TiB byte bytes Bytes KB/s MB/s GB/s ns us µs ms s sec secs second seconds min mins minute minutes h hr hrs hour hours day days % Hz kHz MHz GHz'.split(
    ' '
  )
);

/** A unit of measure written after a number (`KB`, `ms`, `seconds`, `%`), with an optional trailing `,` `.` `)`. */
export function isUnitWord(s: string): boolean {
  return UNITS.has(s.replace(/[,.;)]+$/, ''));
}

/** `Resumed`, `WindowsUpdateAgent`, `[Alarm]`: an upper-case letter first (inside brackets or quotes). */
export function isCapitalised(s: string): boolean {
  const c = s.replace(/^[[('"]+/, '').charCodeAt(0);
  return c >= 65 && c <= 90;
}

/** `RUNNING`, `FAIL_TASK_CLEANUP`: the usual spelling of an enum constant. */
export function isUpperName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c === 95 && i > 0))) {
      return false;
    }
  }
  return s.length >= 2;
}

/**
 * What stands under the single `<*>` of a partly variable template token (`"GET` under `"<*>` → `GET`); the
 * token itself under a bare `<*>`; undefined when the pattern has several wildcards or does not fit.
 */
export function wildcardCore(pattern: string, token: string, paramStr = WILDCARD): string | undefined {
  if (pattern === paramStr) {
    return token;
  }
  const at = pattern.indexOf(paramStr);
  if (at < 0 || pattern.indexOf(paramStr, at + 1) >= 0) {
    return undefined;
  }
  const prefix = pattern.slice(0, at);
  const suffix = pattern.slice(at + paramStr.length);
  if (token.length < prefix.length + suffix.length || !token.startsWith(prefix) || !token.endsWith(suffix)) {
    return undefined;
  }
  return token.slice(prefix.length, token.length - suffix.length);
}

// `<*>` as one private-use character while cutting, so a cut never falls inside a wildcard.
const ATOM = '\uE000';
// Structural punctuation: what separates the parts of a name, a key from its value, or a value from its
// brackets. `_ - ~ @ + #` join the parts of one name (`Package_for_KB31~amd64`) and do not cut.
const isCut = (c: string): boolean => '.:=,;()[]{}\'"/'.includes(c);

/**
 * `rhost=a` + `rhost=b` → `rhost=<*>`; `12,` + `ab,` → `<*>,`; otherwise `<*>`. With `cut: 'brackets'` a kept
 * prefix ends at `= ( [ { ' "` and a kept suffix is closing punctuation only; with `'punctuation'` a prefix
 * ends after, and a suffix starts at, any non-alphanumeric character. `allowEmpty`: one side's middle may
 * be empty (`()` + `(x)` → `(<*>)`).
 */
export function generaliseTokens(
  a0: string,
  b0: string,
  paramStr: string,
  cut: PartialCut,
  allowEmpty: boolean
): string {
  const a = a0.split(paramStr).join(ATOM);
  const b = b0.split(paramStr).join(ATOM);
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) {
    p++;
  }
  let prefix = a.slice(0, p);
  if (cut === 'brackets') {
    const at = Math.max(...['=', '(', '[', '{', "'", '"'].map((c) => prefix.lastIndexOf(c)));
    prefix = at >= 0 ? prefix.slice(0, at + 1) : '';
  } else {
    let at = prefix.length - 1;
    while (at >= 0 && !isCut(prefix[at]!)) {
      at--;
    }
    prefix = prefix.slice(0, at + 1);
  }
  let s = 0;
  const room = Math.min(a.length, b.length) - prefix.length;
  while (s < room && a[a.length - 1 - s] === b[b.length - 1 - s]) {
    s++;
  }
  let suffix = a.slice(a.length - s);
  if (cut === 'brackets') {
    let k = suffix.length;
    while (k > 0 && /[)\]}'",;:.]/.test(suffix[k - 1]!)) {
      k--;
    }
    suffix = suffix.slice(k);
  } else {
    let k = 0;
    while (k < suffix.length && !isCut(suffix[k]!)) {
      k++;
    }
    suffix = suffix.slice(k);
  }
  if (prefix === '' && suffix === '') {
    return paramStr;
  }
  const midA = a.length - prefix.length - suffix.length;
  const midB = b.length - prefix.length - suffix.length;
  if ((midA <= 0 || midB <= 0) && !(allowEmpty && midA >= 0 && midB >= 0)) {
    return paramStr;
  }
  return (prefix + ATOM + suffix).split(ATOM).join(paramStr);
}
