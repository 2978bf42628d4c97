/**
 * From message text to the tokens Drain's tree sees: masking (an ordered list of regexes; token by token with
 * a cache when every mask is token-local, each mask tried only on tokens that have its required characters),
 * whitespace tokenisation, then the context rules that need a token's neighbours (calendar words, collapsed
 * runs of variables).
 */
import type { DrainOptions, MaskingInstruction } from './options.ts';
import { hasNumbers } from './templateText.ts';
import { isCalendarWord } from './tokenClasses.ts';

const TOKEN_CACHE_LIMIT = 50_000;
const OTHER_SPACE = /\s/;

/** `s.split(/\s+/)` without empty tokens, by hand (the hot path of every message). */
function splitWhitespace(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || (c > 127 && OTHER_SPACE.test(s[i]!));
    if (space) {
      if (start >= 0) {
        out.push(s.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) {
    out.push(s.slice(start));
  }
  return out;
}

export class MessageTokenizer {
  private readonly masks: Array<{
    re: RegExp;
    replacement: string;
    instruction: MaskingInstruction;
    /** `MaskingInstruction.requires` as ASCII codes, one list per character set. */
    requires: number[][] | undefined;
  }>;
  /** Every mask token (`<*>`, `<IP>`…). */
  readonly maskTokens: Set<string>;
  /** Mask token by token (see `MaskingInstruction.tokenLocal`), caching each token's masked text. */
  private readonly tokenwise: boolean;
  private readonly tokenCache = new Map<string, string>();
  /** All masks as one alternation: a token it does not match is left as it is, without one replace per mask. */
  private readonly anyMask: RegExp | undefined;
  /** Every mask has `requires`: tokens are tested only against the masks whose characters they contain. */
  private readonly charGated: boolean;
  /** Which ASCII characters the token being masked contains (reused). */
  private readonly present = new Uint8Array(128);

  constructor(
    private readonly options: DrainOptions,
    private readonly paramStr: string
  ) {
    const o = options;
    this.masks = o.masking.map((m) => ({
      re: new RegExp(m.pattern, 'g' + (m.flags ?? '').replace(/g/g, '')),
      replacement: `${o.maskPrefix}${m.maskWith}${o.maskSuffix}`.replace(/\$/g, '$$$$'),
      instruction: m,
      requires: m.requires?.map((set) => [...set].map((c) => c.charCodeAt(0)).filter((c) => c < 128)),
    }));
    this.maskTokens = new Set([this.paramStr, ...o.masking.map((m) => `${o.maskPrefix}${m.maskWith}${o.maskSuffix}`)]);
    this.tokenwise = o.extraDelimiters.length === 0 && o.masking.every((m) => m.tokenLocal === true);
    // only when the patterns can be joined as they are: no flags, no (named) back-references.
    const joinable = o.masking.every((m) => !m.flags && !/\\[1-9k]|\(\?<[A-Za-z]/.test(m.pattern));
    this.charGated = this.tokenwise && o.masking.length > 0 && o.masking.every((m) => m.requires);
    // the joined alternation pays off only without the cheaper character gates.
    this.anyMask =
      this.tokenwise && !this.charGated && joinable && o.masking.length > 1
        ? new RegExp(o.masking.map((m) => `(?:${m.pattern})`).join('|'))
        : undefined;
  }

  mask(content: string): string {
    let c = content;
    for (const m of this.masks) {
      c = c.replace(m.re, m.replacement);
    }
    return c;
  }

  /**
   * The message's tokens as the tree sees them: `tokenize(mask(content))` (token by token with a cache when
   * every mask is token-local), then the context rules (calendar words, collapsed variable runs).
   */
  maskedTokens(content: string): string[] {
    const tokens = this.tokenwise ? this.maskTokenwise(content) : this.tokenize(this.mask(content));
    return this.options.calendarWords || this.options.collapseVariableRuns ? this.contextRules(tokens) : tokens;
  }

  private maskTokenwise(content: string): string[] {
    const out: string[] = [];
    for (const raw of splitWhitespace(content)) {
      let masked = this.tokenCache.get(raw);
      if (masked === undefined) {
        masked = this.charGated ? this.maskGated(raw) : this.maskAll(raw);
        if (this.tokenCache.size >= TOKEN_CACHE_LIMIT) {
          this.tokenCache.clear();
        }
        this.tokenCache.set(raw, masked);
      }
      out.push(masked);
    }
    return out;
  }

  private maskAll(raw: string): string {
    let masked = raw;
    if (!this.anyMask || this.anyMask.test(raw)) {
      for (const m of this.masks) {
        m.re.lastIndex = 0;
        if (m.re.test(masked)) {
          masked = masked.replace(m.re, m.replacement);
        } // test first: a miss is cheaper than replace
      }
    }
    return masked;
  }

  /** `maskAll`, skipping the masks whose required characters the token lacks (one scan of the token). */
  private maskGated(raw: string): string {
    const present = this.present;
    present.fill(0);
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c < 128) {
        present[c] = 1;
      }
    }
    // a replacement only adds the mask's own characters (`<`, `*`, `>`, the name), which no gate asks for, so
    // gating every mask on the raw token's characters is exact.
    let masked = raw;
    for (const m of this.masks) {
      let ok = true;
      for (const set of m.requires!) {
        let any = false;
        for (const c of set) {
          if (present[c]) {
            any = true;
            break;
          }
        }
        if (!any) {
          ok = false;
          break;
        }
      }
      if (ok) {
        masked = masked.replace(m.re, m.replacement); // gated tokens usually match: no test first
      }
    }
    return masked;
  }

  private isVariable(token: string): boolean {
    return token === this.paramStr || (this.maskTokens.size > 1 && this.maskTokens.has(token));
  }

  private timeNeighbour(t: string | undefined): boolean {
    return t !== undefined && (this.isVariable(t) || hasNumbers(t) || isCalendarWord(t));
  }

  /** Calendar words next to numbers or other calendar words become variables; runs of variables one token. */
  private contextRules(tokens: string[]): string[] {
    let out = tokens;
    if (this.options.calendarWords) {
      for (let i = 0; i < tokens.length; i++) {
        if (isCalendarWord(tokens[i]!) && (this.timeNeighbour(tokens[i - 1]) || this.timeNeighbour(tokens[i + 1]))) {
          if (out === tokens) {
            out = tokens.slice();
          }
          out[i] = this.paramStr;
        }
      }
    }
    if (this.options.collapseVariableRuns) {
      let w = 0;
      for (let i = 0; i < out.length; i++) {
        if (w > 0 && this.isVariable(out[i]!) && this.isVariable(out[w - 1]!)) {
          continue;
        }
        out[w++] = out[i]!;
      }
      out.length = w;
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
}
