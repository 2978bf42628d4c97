/**
 * Template against message: Drain's similarity (share of equal tokens; with `constantSimilarity`, of
 * constant text only), and the template a joining message leaves (Drain3's `<*>` at differing positions, or a
 * partly variable token with `partialWildcards`).
 */
import type { DrainOptions } from './options.ts';
import { escapeRegex, generaliseTokens } from './templateText.ts';

export class TemplateMatcher {
  constructor(
    private readonly options: DrainOptions,
    private readonly paramStr: string
  ) {}

  /** Wildcard count of the template last scored by `similarity` (a field, to avoid a tuple per candidate). */
  lastParams = 0;

  /** Template vs message: share of equal non-wildcard positions [+ wildcards]; the wildcard count goes to `lastParams`. */
  similarity(template: string[], tokens: string[], includeParams: boolean): number {
    this.lastParams = 0;
    if (template.length === 0) {
      return 1;
    }
    const paramStr = this.paramStr;
    if (this.options.constantSimilarity && !includeParams) {
      // only constant text votes; a template with none takes a message by its share of masked tokens.
      let votes = 0;
      let equal = 0;
      let params = 0;
      let maskedTokens = 0;
      for (let i = 0; i < template.length; i++) {
        const t = template[i]!;
        const m = tokens[i]!;
        if (!this.hasConstantText(m)) {
          maskedTokens++;
        }
        if (!t.includes(paramStr)) {
          votes++;
          if (t === m) {
            equal++;
          }
          continue;
        }
        params++;
        if (this.hasConstantText(t)) {
          votes++;
          if (t === m || this.partialFits(t, m)) {
            equal++;
          }
        }
      }
      this.lastParams = params;
      return votes === 0 ? maskedTokens / template.length : equal / votes;
    }
    let sim = 0;
    let params = 0;
    const partial = this.options.partialWildcards;
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

  /** The merged template; the same array when the message changes nothing (the common case, no allocation). */
  merge(tokens: string[], template: string[]): string[] {
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

  generalise(a: string, b: string): string {
    return generaliseTokens(a, b, this.paramStr, this.options.partialCut, this.options.partialEmpty);
  }

  private readonly partialCache = new Map<string, RegExp>();

  private partialFits(templateToken: string, token: string): boolean {
    let re = this.partialCache.get(templateToken);
    if (!re) {
      const any = this.options.partialEmpty ? '.*?' : '.+?';
      re = new RegExp('^' + templateToken.split(this.paramStr).map(escapeRegex).join(any) + '$');
      if (this.partialCache.size > 10000) {
        this.partialCache.clear();
      }
      this.partialCache.set(templateToken, re);
    }
    return re.test(token);
  }

  /** A letter or digit outside the token's wildcards (`rhost=<*>` has, `<*>]` has not). */
  private hasConstantText(token: string): boolean {
    const p = this.paramStr;
    for (let i = 0; i < token.length; i++) {
      if (token.startsWith(p, i)) {
        i += p.length - 1;
        continue;
      }
      const c = token.charCodeAt(i);
      if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
        return true;
      }
    }
    return false;
  }
}
