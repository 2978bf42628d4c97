/**
 * Drain3's `extract_parameters()` compiled to one anchored regex per template: `<*>` accepts anything, a
 * named mask (with exact matching) only what its masking regexes accept.
 */
import type { DrainOptions } from './options.ts';
import { escapeRegex } from './templateText.ts';

export interface ExtractedParameter {
  value: string;
  maskName: string;
}

export interface CompiledExtraction {
  re: RegExp;
  groups: Array<{ name: string; mask: string }>;
}

export function compileExtraction(
  options: Pick<DrainOptions, 'maskPrefix' | 'maskSuffix' | 'masking'>,
  template: string,
  exactMatching: boolean
): CompiledExtraction {
  const { maskPrefix, maskSuffix } = options;
  const names = new Set<string>(['*', ...options.masking.map((m) => m.maskWith)]);
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
      for (const mi of options.masking.filter((m) => m.maskWith === maskName)) {
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
