/**
 * Token classes: what a variable looks like, independent of any system. Each class is a list of
 * token-local masks (see `MaskingInstruction.tokenLocal`) that all mask to `<*>`, since loghub's templates
 * have one wildcard kind. `masksFor` composes classes in one fixed order, most specific first (each later
 * mask sees the earlier masks' output), so turning a class off never changes what the others see first.
 * Context rules that need a token's neighbours (calendar words, variable runs) are Drain options.
 */
import type { MaskingInstruction } from './options.ts';

// Boundaries: not preceded/followed by a letter or digit.
const B = '(?<![A-Za-z0-9])';
const E = '(?![A-Za-z0-9])';

const D = '0123456789';
const mask = (pattern: string, requires?: string[]): MaskingInstruction => ({
  pattern,
  maskWith: '*',
  tokenLocal: true,
  ...(requires ? { requires } : {}),
});

export const TOKEN_CLASS_NAMES = [
  'url',
  'path',
  'uuid',
  'ipAddress',
  'hostName',
  'hostPort',
  'hex',
  'numberedId',
  'version',
  'dateTime',
  'list',
  'quotedValue',
  'keyValue',
  'boolNull',
  'numberUnit',
  'signedNumber',
] as const;
export type TokenClassName = (typeof TOKEN_CLASS_NAMES)[number];

// Extensions of source files: `name.ext:line` is a source location, not a host and port.
const SOURCE_EXTENSIONS = 'c|cc|cpp|cxx|h|hh|hpp|m|mm|java|kt|scala|py|go|rs|js|ts|rb|php|cs|swift';

export const TOKEN_CLASSES: Record<TokenClassName, { doc: string; masks: MaskingInstruction[] }> = {
  url: {
    doc: 'what follows a scheme (`https://<*>`) is one variable; the scheme stays',
    // trailing `. : ! ?` is the sentence's, not the address's.
    masks: [mask(`(?<=${B}[a-z][a-z0-9+.-]*://)[^\\s,;()[\\]{}<>"']*[^\\s,;()[\\]{}<>"'.:!?]`, [':'])],
  },
  uuid: {
    doc: '8-4-4-4-12 hex UUIDs',
    masks: [mask(`${B}[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}${E}`, ['-', D])],
  },
  path: {
    doc: 'absolute file paths, POSIX (`/var/log/x`; one segment only as a whole token: `/default-rack`) or Windows (`C:\\dir\\f`)',
    masks: [
      mask(`(?<![\\w.])(?:/[\\w.$@+-]+){2,}/?`, ['/']),
      mask(`(?<!\\S)/[A-Za-z][\\w.$@+-]*(?!\\S)`, ['/']),
      mask(`(?<![\\w.])(?:[A-Za-z]:|\\\\\\\\[?.]?)(?:\\\\[\\w.$@+{}-]+){2,}\\\\?`, ['\\']),
    ],
  },
  ipAddress: {
    doc: 'IPv4 with an optional port (a leading `/` only at the start of a token), IPv6 with 3+ groups, MACs',
    masks: [
      mask(`${B}(?:(?<!\\S)/)?\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?${E}`, [D, '.']),
      mask(`${B}(?=[0-9a-fA-F:]*\\d)(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}${E}`, [D, ':']),
    ],
  },
  hostName: {
    doc: 'host names: a name ending in `-<number>` (`node-41`), or 3+ dotted labels ending in a 2–6 letter lower-case top label with a digit or hyphen somewhere (`cp-1.site.example.us`), optional port',
    masks: [
      mask(
        `(?<![\\w.-])(?=[\\w.-]*[\\d-])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9-]+){1,}\\.[a-z]{2,6}(?::\\d+)?(?!\\.?[\\w-])`,
        ['.', `${D}-`]
      ),
      mask(`${B}[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*-\\d+(?::\\d+)?${E}`, [D, '-']),
    ],
  },
  hostPort: {
    doc: 'dotted `name.tld:port` (lower-case top label, 2–5 digit port: `proxy.example.edu.hk:5070`) is one variable; a source location (`file.cpp:1400`) is not',
    masks: [
      mask(
        `${B}(?![\\w.-]*\\.(?:${SOURCE_EXTENSIONS}):)[A-Za-z][A-Za-z0-9-]*(?:\\.[A-Za-z0-9-]+)*\\.[a-z]{2,}:\\d{2,5}${E}`,
        [D, ':']
      ),
    ],
  },
  hex: {
    doc: '`0x` numbers and long hex ids (8+ digits with at least one digit and one a-f letter)',
    masks: [
      mask(`${B}0[xX][0-9a-fA-F]+${E}`, ['xX']),
      mask(`${B}(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}${E}`, [D, 'abcdefABCDEF']),
    ],
  },
  numberedId: {
    doc: 'identifiers that end in numbers after `_` (`blk_-42`, `attempt_14_0020_m_000000_0`, `rdd_2_3`)',
    masks: [
      mask(`${B}[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z][A-Za-z0-9]*)*(?:_-?\\d+)+(?:_[A-Za-z0-9]+)*(?![\\w])`, [D, '_']),
    ],
  },
  version: {
    doc: 'versions: `name/1.1` (`HTTP/1.1`) and dotted numbers with an optional `v` and suffix (`v6.1.7601`, `2.6.5-1.358`)',
    masks: [mask(`(?<![\\w./-])(?:[A-Za-z][A-Za-z0-9_-]*/)?v?\\d+(?:\\.\\d+)+(?:-[A-Za-z0-9.]+)?(?![\\w.])`, [D, '.'])],
  },
  dateTime: {
    doc: 'dates (`2024-01-02`, `1/2/24`) and clock times (`12:30`, `12:30:01,123`)',
    masks: [
      mask(`${B}\\d{1,4}[-/]\\d{1,2}[-/]\\d{1,4}${E}`, [D, '-/']),
      mask(`${B}\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,:]\\d+)?)?${E}`, [D, ':']),
    ],
  },
  list: {
    doc: 'a token that is a comma-joined list without spaces (`yarn,curi`, `a.b,c.d`) is one variable',
    masks: [mask(`(?<!\\S)[\\w.-]+(?:,[\\w.-]+)+,?(?!\\S)`, [','])],
  },
  quotedValue: {
    doc: "a quoted token whose text has a digit, `/`, `\\`, `:` or `@` is a value: `'<*>'` (a quoted plain word stays)",
    masks: [`'`, '"'].map((q) =>
      mask(`(?<=(?<!\\S)[^\\sA-Za-z0-9]?${q})(?=[^\\s${q}]*[\\d/\\\\:@])[^\\s${q}]+(?=${q})`, [q])
    ),
  },
  keyValue: {
    doc: 'the value of `key=value` when it has a digit and no inner `:`/`=`/`<` structure (`id=a1-b2` → `id=<*>`; `user=root` stays)',
    masks: [mask(`(?<=[A-Za-z_]=)(?=[^\\s,;)\\]:=<>]*\\d)[^\\s,;)\\]:=<>]+(?![^\\s,;)\\]])`, [D, '='])],
  },
  boolNull: {
    doc: 'booleans and nulls (`true`, `False`, `NULL`, `nil`) are values, not words of the template',
    masks: [mask(`(?<![\\w-])(?:true|false|null|True|False|Null|TRUE|FALSE|NULL|nil)(?![\\w-])`, ['tfnTFN', 'eElL'])],
  },
  numberUnit: {
    doc: 'numbers glued to a unit (`12ms`, `64MB`, `3.5GiB`, `90%`, `2h`): the unit separated by a space stays',
    masks: [
      mask(
        `${B}[-+]?\\d+(?:\\.\\d+)?(?:ns|us|ms|s|sec|secs|m|min|mins|h|hr|hrs|d|[kKmMgGtTpP]i?[bB]|[bB]|bytes|%|[kKmMgG]?Hz)${E}`,
        [D]
      ),
    ],
  },
  signedNumber: {
    doc: 'integers and decimals with an optional sign or exponent, delimited by non-alphanumerics',
    masks: [mask(`${B}[-+]?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?${E}`, [D])],
  },
};

/** The masks of the given classes in the canonical order. */
export function masksFor(classes: Iterable<TokenClassName>): MaskingInstruction[] {
  const on = new Set(classes);
  return TOKEN_CLASS_NAMES.filter((c) => on.has(c)).flatMap((c) => TOKEN_CLASSES[c].masks.map((m) => ({ ...m })));
}

/**
 * The first version's masks (kept as they were: snapshots and the Nezha evaluation use them), most
 * specific first.
 */
export const AIDPE_MASKS: MaskingInstruction[] = [
  // URLs with a scheme: the whole address is one variable.
  mask(`${B}[a-z][a-z0-9+.-]*://[^\\s,;()\\]]+`),
  // UUIDs.
  mask(`${B}[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}${E}`),
  // HDFS block ids.
  mask(`blk_-?\\d+`),
  // Absolute paths with at least two segments.
  mask(`(?<![\\w.])(?:/[\\w.$@+-]+){2,}/?`),
  // Framework ids: `attempt_1445_0020_m_000000_0`, `container_…`, `rdd_2_3`, `DFSClient_NONMAPREDUCE_15_1`.
  mask(`${B}[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z][A-Za-z0-9]*)*(?:_\\d+)+(?:_[A-Za-z0-9]+)*${E}`),
  // Host names ending in a number, with an optional port (`msra-sa-41:9000`).
  mask(`${B}[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*-\\d+(?::\\d+)?${E}`),
  // IPv4 with optional port; a leading `/` belongs to the address only at the start of a token.
  mask(`${B}(?:(?<!\\S)/)?\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?${E}`),
  // MAC / colon-separated hex ids.
  mask(`${B}(?:[0-9a-fA-F]{2}:){3,}[0-9a-fA-F]{2}${E}`),
  // 0x hex numbers, and long hex ids containing at least one digit and one a-f letter.
  mask(`${B}0x[0-9a-fA-F]+${E}`),
  mask(`${B}(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}${E}`),
  // Times / dates.
  mask(`${B}\\d{1,4}[-/]\\d{1,2}[-/]\\d{1,4}${E}`),
  mask(`${B}\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?${E}`),
  // Numbers with units (`12ms`, `64MB`).
  mask(`${B}[-+]?\\d+(?:\\.\\d+)?(?:ms|s|us|ns|[kKmMgGtT]i?[bB]|[bB]|%)${E}`),
  // Plain numbers (integers, decimals, signed), delimited by non-alphanumerics.
  mask(`${B}[-+]?\\d+(?:\\.\\d+)?${E}`),
];

const CALENDAR = new Set(
  [
    'jan',
    'feb',
    'mar',
    'apr',
    'may',
    'jun',
    'jul',
    'aug',
    'sep',
    'sept',
    'oct',
    'nov',
    'dec',
    'january',
    'february',
    'march',
    'april',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
    'mon',
    'tue',
    'tues',
    'wed',
    'thu',
    'thur',
    'thurs',
    'fri',
    'sat',
    'sun',
    'monday',
    'tuesday',
    'wednesday',
    'thursday',
    'friday',
    'saturday',
    'sunday',
  ].flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()])
);

const FIRST_LETTERS = new Set([...'adfjmnostw'].map((c) => c.charCodeAt(0)));
const SECOND_LETTERS = new Set([...'acehopru'].map((c) => c.charCodeAt(0)));

/** A month or weekday name, full or abbreviated, in lower, Title or UPPER case, with an optional `,` or `.`. */
export function isCalendarWord(token: string): boolean {
  const n = token.length;
  if (n < 3 || n > 10) {
    return false;
  }
  // cheap filters first: month and weekday names start with one of `adfjmnostw` and their second letter is
  // one of `acehopru` (lower-cased).
  const first = token.charCodeAt(0) | 32;
  const second = token.charCodeAt(1) | 32;
  if (!FIRST_LETTERS.has(first) || !SECOND_LETTERS.has(second)) {
    return false;
  }
  const last = token.charCodeAt(n - 1);
  return CALENDAR.has(last === 44 || last === 46 ? token.slice(0, -1) : token);
}
