/**
 * Spell (Du & Li, "Spell: Streaming Parsing of System Event Logs", ICDM 2016), reimplemented from the paper
 * as an anchor for the loghub benchmark; the details follow the public benchmark's implementation (logpai
 * logparser `Spell.py`): messages split on whitespace and `= : ,`, preprocessing regexes replaced by `<*>`;
 * a message first looks for a template whose constants form a prefix-tree path of its own constants, then
 * (simple loop) a template whose every constant occurs in the message, then the template with the longest
 * common subsequence (ties: the shorter template) if that LCS covers at least `tau` of the message; the
 * template becomes the LCS with `<*>` in the gaps. Online, one pass; each line gets its object's final
 * template. Template text is Spell's own token text (the `= : ,` splitters are gone), as the benchmark
 * reports it.
 */

interface LcsObject {
  template: string[];
  lines: number[];
}

interface PrefixNode {
  children: Map<string, PrefixNode>;
  object: LcsObject | undefined;
  templateCount: number;
}

const WILD = '<*>';

export interface SpellOptions {
  /** Share of the message an LCS must cover (the paper's t = |s|/2 is 0.5). */
  tau: number;
  /** Regex sources replaced by `<*>` before splitting. */
  preprocess: string[];
}

export class Spell {
  private readonly objects: LcsObject[] = [];
  private readonly root: PrefixNode = { children: new Map(), object: undefined, templateCount: 0 };
  private readonly regexes: RegExp[];
  private lineCount = 0;

  constructor(private readonly options: SpellOptions) {
    if (!(options.tau > 0 && options.tau <= 1)) {
      throw new RangeError('tau must be in (0, 1]');
    }
    this.regexes = options.preprocess.map((p) => new RegExp(p, 'g'));
  }

  private tokens(content: string): string[] {
    let c = content;
    for (const re of this.regexes) {
      c = c.replace(re, WILD);
    }
    return c.split(/[\s=:,]/).filter((t) => t !== '');
  }

  add(content: string): void {
    const seq = this.tokens(content);
    const constants = seq.filter((t) => t !== WILD);
    let match = this.prefixTreeMatch(this.root, constants, 0) ?? this.simpleLoopMatch(constants);
    if (!match) {
      match = this.lcsMatch(seq);
      if (!match) {
        match = { template: seq, lines: [] };
        this.objects.push(match);
        this.addToTree(match);
      } else {
        const next = getTemplate(lcs(seq, match.template), match.template);
        if (next.join(' ') !== match.template.join(' ')) {
          this.removeFromTree(match);
          match.template = next;
          this.addToTree(match);
        }
      }
    }
    match.lines.push(this.lineCount++);
  }

  /** Each line's final template text, in input order. */
  templates(): string[] {
    const out = new Array<string>(this.lineCount).fill('');
    for (const o of this.objects) {
      const text = o.template.join(' ');
      for (const i of o.lines) {
        out[i] = text;
      }
    }
    return out;
  }

  private prefixTreeMatch(node: PrefixNode, seq: string[], from: number): LcsObject | undefined {
    for (let i = from; i < seq.length; i++) {
      const child = node.children.get(seq[i]!);
      if (!child) {
        continue;
      }
      if (child.object) {
        const constants = child.object.template.filter((t) => t !== WILD).length;
        if (constants >= this.options.tau * seq.length) {
          return child.object;
        }
      } else {
        return this.prefixTreeMatch(child, seq, i + 1);
      }
    }
    return undefined;
  }

  private simpleLoopMatch(constants: string[]): LcsObject | undefined {
    const present = new Set(constants);
    for (const o of this.objects) {
      if (o.template.length < 0.5 * constants.length) {
        continue;
      }
      if (o.template.every((t) => t === WILD || present.has(t))) {
        return o;
      }
    }
    return undefined;
  }

  private lcsMatch(seq: string[]): LcsObject | undefined {
    const present = new Set(seq);
    let best: LcsObject | undefined;
    let bestLen = -1;
    for (const o of this.objects) {
      let shared = 0;
      for (const t of new Set(o.template)) {
        if (present.has(t)) {
          shared++;
        }
      }
      if (shared < 0.5 * seq.length) {
        continue;
      }
      const n = lcs(seq, o.template).length;
      if (n > bestLen || (n === bestLen && best && o.template.length < best.template.length)) {
        bestLen = n;
        best = o;
      }
    }
    return best && bestLen >= this.options.tau * seq.length ? best : undefined;
  }

  private addToTree(o: LcsObject): void {
    let node = this.root;
    for (const t of o.template.filter((x) => x !== WILD)) {
      let child = node.children.get(t);
      if (child) {
        child.templateCount++;
      } else {
        child = { children: new Map(), object: undefined, templateCount: 1 };
        node.children.set(t, child);
      }
      node = child;
    }
    node.object ??= o;
  }

  private removeFromTree(o: LcsObject): void {
    let node = this.root;
    for (const t of o.template.filter((x) => x !== WILD)) {
      const child = node.children.get(t);
      if (!child) {
        return;
      }
      if (child.templateCount === 1) {
        node.children.delete(t);
        return;
      }
      child.templateCount--;
      node = child;
    }
  }
}

/** The longest common subsequence of two token lists (dynamic programming, backtracked from the end). */
export function lcs(a: readonly string[], b: readonly string[]): string[] {
  const w = b.length + 1;
  const len = new Uint16Array((a.length + 1) * w);
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      len[(i + 1) * w + j + 1] =
        a[i] === b[j] ? len[i * w + j]! + 1 : Math.max(len[(i + 1) * w + j]!, len[i * w + j + 1]!);
    }
  }
  const out: string[] = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    const here = len[i * w + j]!;
    if (here === len[(i - 1) * w + j]) {
      i--;
    } else if (here === len[i * w + j - 1]) {
      j--;
    } else {
      out.push(a[i - 1]!);
      i--;
      j--;
    }
  }
  return out.reverse();
}

/** The template: `seq` with every token not on the LCS (in order) replaced by `<*>`; a cut-off tail is one `<*>`. */
function getTemplate(common: string[], seq: string[]): string[] {
  if (common.length === 0) {
    return [];
  }
  const out: string[] = [];
  let k = 0;
  let i = 0;
  for (const token of seq) {
    i++;
    if (token === common[k]) {
      out.push(token);
      k++;
    } else {
      out.push(WILD);
    }
    if (k === common.length) {
      break;
    }
  }
  if (i < seq.length) {
    out.push(WILD);
  }
  return out;
}

/** Spell over all lines; each line's template. */
export function spellTemplates(contents: readonly string[], options: SpellOptions): string[] {
  const s = new Spell(options);
  for (const c of contents) {
    s.add(c);
  }
  return s.templates();
}
