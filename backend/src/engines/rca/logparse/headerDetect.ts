/**
 * Automatic header detection: from a sample of raw lines, find the header that precedes the message text
 * (timestamps in common formats, levels, pids, hosts, bracketed fields, `component:` / `proc[pid]:`, `-` and
 * `|` separators, column gaps) and compile it into a `LogFormat` with a `Content` group, so logs can be
 * parsed without a hand-written format.
 *
 * Each sample line is lexed into typed fields. Every prefix of a line's fields that ends on a field that
 * usually ends a header (a `component:`, a level, a bracketed field, a lone `-`, a `|`, a word followed by
 * a column gap) is a candidate, as written and with an inner lone `-` (an empty-value placeholder)
 * generalised to any token; each candidate becomes an anchored regex and is scored by the share of sample lines it matches.
 * The detected header is the longest candidate matching at least `minShareOfBest` of what the best one
 * matches (a longer one reaching into the message text matches fewer lines). Without such a candidate a
 * leading timestamp alone is the header; without that, none is detected.
 */
import type { LogFormat } from './format.ts';

type FieldType =
  | 'MON'
  | 'WDAY'
  | 'DAY'
  | 'YEAR'
  | 'HMS'
  | 'DATE'
  | 'DATETIME'
  | 'EPOCH'
  | 'COMPACT'
  | 'TSBRACKET'
  | 'LEVEL'
  | 'NUM'
  | 'DASH'
  | 'BRACKET'
  | 'COMP'
  | 'WORD';
type Sep = 'space' | 'gap' | 'pipe' | 'end';

interface Field {
  type: FieldType;
  text: string;
  sep: Sep;
}

export interface DetectedHeader {
  format: LogFormat;
  /** The header as field types, e.g. `MON DAY HMS WORD COMP | <Content>`. */
  description: string;
  /** Share of the sample lines the header fits. */
  coverage: number;
}

export interface DetectOptions {
  /** Lines examined (spread evenly over the input). */
  sampleSize: number;
  /** Fields lexed per line. */
  maxFields: number;
  /** A longer header must match at least this share of what the best-matching candidate matches. */
  minShareOfBest: number;
  /** No header fits fewer lines than this (a message that happens to start with `word:` is no header). */
  minShare: number;
}

export const DETECT_DEFAULTS: DetectOptions = { sampleSize: 1000, maxFields: 12, minShareOfBest: 0.9, minShare: 0.5 };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const LEVELS = [
  'INFO',
  'INFORMATION',
  'WARN',
  'WARNING',
  'ERROR',
  'ERR',
  'DEBUG',
  'TRACE',
  'FATAL',
  'CRITICAL',
  'CRIT',
  'NOTICE',
  'SEVERE',
  'FAILURE',
  'EMERG',
  'ALERT',
  'VERBOSE',
  'FINE',
  'FINER',
  'FINEST',
];
const variants = (w: string): string[] => [
  w.toUpperCase(),
  w[0]!.toUpperCase() + w.slice(1).toLowerCase(),
  w.toLowerCase(),
];
const MONTH_RE = `(?:${MONTHS.flatMap(variants).join('|')})[a-z]*\\.?`;
const WEEKDAY_RE = `(?:${WEEKDAYS.flatMap(variants).join('|')})[a-z]*\\.?`;
const LEVEL_WORD_RE = `(?:${LEVELS.flatMap(variants).join('|')}|[VDIWEF])`;

const FIELD_RE: Record<FieldType, string> = {
  MON: MONTH_RE,
  WDAY: WEEKDAY_RE,
  DAY: '\\d{1,2}',
  YEAR: '(?:19|20)\\d{2}',
  HMS: '\\d{1,2}:\\d{2}(?::\\d{2})?(?:[.,:]\\d+)?',
  DATE: '(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}(?:[-/.]\\d{2,4})?)',
  DATETIME:
    '(?:\\d{4}-\\d{1,2}-\\d{1,2}[T_-]\\d{1,2}[:.]\\d{2}[:.]\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?|\\d{8}-\\d{1,2}:\\d{2}:\\d{2}(?:[.,:]\\d+)?)',
  EPOCH: '(?:\\d{10}(?:\\.\\d+)?|\\d{13})',
  COMPACT: '(?:\\d{6}|\\d{8})',
  TSBRACKET: '\\[[^\\[\\]]*\\]',
  LEVEL: `(?:\\[${LEVEL_WORD_RE}\\]|${LEVEL_WORD_RE})`,
  NUM: '\\d+',
  DASH: '-',
  BRACKET: '\\[(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*\\]',
  // a component may hold one space (`Bezel Services 2.1[94]:`); the shortest fit wins.
  COMP: '(?:[^\\s:]+ )??\\S*?[^\\s:](?: \\([^()]*\\))?:(?=\\s|$)',
  WORD: '\\S+',
};

const TIME_TYPES = new Set<FieldType>([
  'MON',
  'WDAY',
  'DAY',
  'YEAR',
  'HMS',
  'DATE',
  'DATETIME',
  'EPOCH',
  'COMPACT',
  'TSBRACKET',
]);
// T-typed tokens may carry a trailing comma (`04:30:30,`).
const fieldSource = (t: FieldType): string =>
  TIME_TYPES.has(t) && t !== 'TSBRACKET' ? `${FIELD_RE[t]},?` : FIELD_RE[t];
const whole = (t: FieldType): RegExp => new RegExp(`^${fieldSource(t)}$`);
const WHOLE: Partial<Record<FieldType, RegExp>> = Object.fromEntries(
  (['MON', 'WDAY', 'HMS', 'DATE', 'DATETIME', 'EPOCH', 'LEVEL'] as FieldType[]).map((t) => [t, whole(t)])
);

function isTimeText(inner: string): boolean {
  const parts = inner.trim().split(/\s+/);
  return parts.length > 0 && parts.every((p) => classifyTime(p, undefined) !== undefined) && /\d/.test(inner);
}

/** A token's timestamp type, given the previous field's type (a day follows a month, a year a time). */
function classifyTime(token: string, prev: FieldType | undefined): FieldType | undefined {
  for (const t of ['DATETIME', 'DATE', 'HMS', 'EPOCH', 'MON', 'WDAY'] as const) {
    if (WHOLE[t]!.test(token)) {
      return t;
    }
  }
  const bare = token.endsWith(',') ? token.slice(0, -1) : token;
  if (/^\d{1,2}$/.test(bare)) {
    return prev === 'MON' ? 'DAY' : undefined;
  }
  if (/^(?:19|20)\d{2}$/.test(bare) && (prev === 'HMS' || prev === 'DAY')) {
    return 'YEAR';
  }
  if (/^(?:\d{6}|\d{8})$/.test(bare) && (prev === undefined || TIME_TYPES.has(prev))) {
    return 'COMPACT';
  }
  return undefined;
}

function classify(token: string, prev: FieldType | undefined, first: boolean): FieldType {
  const time = classifyTime(token, first ? undefined : prev);
  if (time && (time !== 'COMPACT' || first || (prev !== undefined && TIME_TYPES.has(prev)))) {
    return time;
  }
  if (WHOLE.LEVEL!.test(token)) {
    return 'LEVEL';
  }
  if (/^\d+$/.test(token)) {
    return 'NUM';
  }
  if (token === '-') {
    return 'DASH';
  }
  if (token.length > 1 && token.endsWith(':') && /[A-Za-z]/.test(token)) {
    return 'COMP';
  }
  return 'WORD';
}

/** The bracketed field starting at `i` (one level of nesting), or undefined. */
function bracketEnd(line: string, i: number): number | undefined {
  let depth = 0;
  for (let j = i; j < line.length; j++) {
    const c = line[j];
    if (c === '[') {
      depth++;
    } else if (c === ']') {
      depth--;
      if (depth === 0) {
        return j + 1;
      }
    }
  }
  return undefined;
}

function lex(line: string, maxFields: number): Field[] {
  const fields: Field[] = [];
  let i = 0;
  const n = line.length;
  while (i < n && fields.length < maxFields) {
    let end: number;
    let type: FieldType;
    const prev = fields.at(-1)?.type;
    const be = line[i] === '[' ? bracketEnd(line, i) : undefined;
    if (be !== undefined && (be === n || /[\s|]/.test(line[be]!))) {
      end = be;
      const inner = line.slice(i + 1, be - 1);
      type = isTimeText(inner) ? 'TSBRACKET' : WHOLE.LEVEL!.test(inner) ? 'LEVEL' : 'BRACKET';
    } else {
      end = i;
      while (end < n && !/[\s|]/.test(line[end]!)) {
        end++;
      }
      let token = line.slice(i, end);
      // `proc[1] (detail):` is one component.
      const detail = token.endsWith(':') ? undefined : /^ \([^()]*\):(?=\s|$)/.exec(line.slice(end));
      if (detail) {
        end += detail[0].length;
        token = line.slice(i, end);
        type = 'COMP';
      } else {
        type = classify(token, prev, fields.length === 0);
      }
    }
    let j = end;
    while (j < n && (line[j] === ' ' || line[j] === '\t')) {
      j++;
    }
    let sep: Sep = j >= n ? 'end' : j - end >= 2 ? 'gap' : 'space';
    if (line[j] === '|') {
      sep = 'pipe';
      j++;
    }
    fields.push({ type, text: line.slice(i, end), sep });
    i = j;
    while (i < n && (line[i] === ' ' || line[i] === '\t')) {
      i++;
    }
  }
  return fields;
}

interface Candidate {
  types: FieldType[];
  seps: Sep[];
}

const TERMINATORS = new Set<FieldType>(['COMP', 'LEVEL', 'BRACKET', 'DASH']);
const isTerminator = (f: Field): boolean => TERMINATORS.has(f.type) || f.sep === 'pipe' || f.sep === 'gap';

function candidateKey(c: Candidate): string {
  return c.types.map((t, i) => `${t}${c.seps[i]}`).join(' ');
}

/** The anchored regex of a candidate header, with `F1…Fn` groups and `Content`. */
function compile(c: Candidate): LogFormat {
  const headers: string[] = [];
  let source = '^';
  c.types.forEach((t, i) => {
    const name = `F${i + 1}`;
    headers.push(name);
    source += `(?<${name}>${fieldSource(t)})`;
    const sep = c.seps[i]!;
    if (i < c.types.length - 1) {
      source += sep === 'pipe' ? '\\s*\\|\\s*' : '\\s+';
    }
  });
  const last = c.seps.at(-1)!;
  // a header that ends on a column gap needs the gap (one space there is message text).
  source +=
    last === 'pipe'
      ? '\\s*\\|\\s*(?<Content>.*)$'
      : last === 'gap'
        ? '(?:\\s{2,}(?<Content>.*))?$'
        : '(?:\\s+(?<Content>.*))?$';
  headers.push('Content');
  return { headers, regex: new RegExp(source) };
}

function describe(c: Candidate): string {
  return `${c.types.map((t, i) => `${t}${c.seps[i] === 'pipe' ? ' |' : ''}`).join(' ')} <Content>`;
}

/** Evenly spread non-blank lines, trimmed as the benchmark's loader trims them. */
function sample(lines: readonly string[], size: number): string[] {
  const nonBlank = lines.map((l) => l.trim()).filter((l) => l !== '');
  if (nonBlank.length <= size) {
    return nonBlank;
  }
  const step = nonBlank.length / size;
  return Array.from({ length: size }, (_, k) => nonBlank[Math.floor(k * step)]!);
}

/** Detects the header of a log from its lines; undefined when no header is found. */
export function detectHeader(
  lines: readonly string[],
  options: Partial<DetectOptions> = {}
): DetectedHeader | undefined {
  const o = { ...DETECT_DEFAULTS, ...options };
  const lines0 = sample(lines, o.sampleSize);
  if (lines0.length === 0) {
    return undefined;
  }
  const candidates = new Map<string, Candidate>();
  const timeOnly = new Map<string, Candidate>();
  const add = (into: Map<string, Candidate>, c: Candidate): void => {
    const k = candidateKey(c);
    if (!into.has(k)) {
      into.set(k, c);
    }
  };
  for (const line of lines0) {
    const fields = lex(line, o.maxFields);
    let leadingTime = 0;
    while (leadingTime < fields.length && TIME_TYPES.has(fields[leadingTime]!.type)) {
      leadingTime++;
    }
    if (leadingTime > 0 && leadingTime < fields.length) {
      const head = fields.slice(0, leadingTime);
      add(timeOnly, { types: head.map((f) => f.type), seps: head.map((f) => f.sep) });
    }
    // a `name:` field ends the header: nothing after the first one is header.
    const firstComp = fields.findIndex((f) => f.type === 'COMP');
    const maxK = firstComp >= 0 ? firstComp + 1 : fields.length - 1;
    for (let k = 1; k <= Math.min(maxK, fields.length - 1); k++) {
      const last = fields[k - 1]!;
      if (!isTerminator(last)) {
        continue;
      }
      const head = fields.slice(0, k);
      const seps = head.map((f) => f.sep);
      add(candidates, { types: head.map((f) => f.type), seps });
      // a lone `-` before the last field is an empty-value placeholder: other lines may hold a word there.
      if (head.slice(0, -1).some((f) => f.type === 'DASH')) {
        const general = head.map((f, i) => (i < k - 1 && f.type === 'DASH' ? ('WORD' as FieldType) : f.type));
        add(candidates, { types: general, seps });
      }
    }
  }
  const scored = (pool: Map<string, Candidate>): Array<{ c: Candidate; format: LogFormat; share: number }> =>
    [...pool.values()].map((c) => {
      const format = compile(c);
      const share = lines0.filter((l) => format.regex.test(l)).length / lines0.length;
      return { c, format, share };
    });
  const terminated = scored(candidates);
  const best = Math.max(0, ...terminated.map((s) => s.share));
  let chosen = terminated
    .filter((s) => s.share >= o.minShare && s.share >= o.minShareOfBest * best)
    .sort(
      (a, b) =>
        b.c.types.length - a.c.types.length ||
        b.share - a.share ||
        a.c.types.filter((t) => t === 'WORD').length - b.c.types.filter((t) => t === 'WORD').length
    )[0];
  if (!chosen) {
    chosen = scored(timeOnly)
      .filter((s) => s.share >= 0.5)
      .sort((a, b) => b.share - a.share || b.c.types.length - a.c.types.length)[0];
  }
  return chosen ? { format: chosen.format, description: describe(chosen.c), coverage: chosen.share } : undefined;
}
