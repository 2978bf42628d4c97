/**
 * Property tests of the token classes and context rules on generated lines (a seeded generator; no corpus
 * text): for each class, random values of the class between constant words mask to the class's variable
 * form, the lines form one cluster with the constants intact, and plain words are never masked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Drain } from '../../src/engines/rca/logparse/drain.ts';
import { mineTemplates } from '../../src/engines/rca/logparse/mine.ts';
import { AIDPE_RULES, aidpeOptions } from '../../src/engines/rca/logparse/rules.ts';
import {
  isCalendarWord,
  masksFor,
  TOKEN_CLASS_NAMES,
  type TokenClassName,
} from '../../src/engines/rca/logparse/tokenClasses.ts';

/** mulberry32: a small seeded generator, so every run sees the same lines. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = { int: (lo: number, hi: number) => number; pick: <T>(xs: readonly T[]) => T; hex: (n: number) => string };

function gen(seed: number): Gen {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
  return { int, pick, hex };
}

const WORDS = ['request', 'handler', 'opened', 'store', 'worker', 'queue', 'accepted', 'client', 'closing', 'index'];
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'zeta'];

const word = (g: Gen): string => g.pick(NAMES) + g.pick(['', 'x', 'y']);

/** Per class: a random value and the text it must mask to. */
const VALUES: Record<TokenClassName, (g: Gen) => [string, string]> = {
  url: (g) => {
    // one scheme per run: a scheme that varies is a variable too (`<*>://<*>`).
    const scheme = ['http', 'https', 'hdfs', 'spark', 'akka.tcp'][g.int(0, 0)]!;
    return [`${scheme}://${word(g)}.example:${g.int(1000, 9999)}/${word(g)}?q=${g.int(1, 99)}`, `${scheme}://<*>`];
  },
  path: (g) =>
    g.pick([true, false])
      ? [`/${word(g)}/${word(g)}/${word(g)}-${g.int(1, 9)}.log`, '<*>']
      : [`C:\\${word(g)}\\${word(g)}\\f${g.int(1, 99)}.dll`, '<*>'],
  uuid: (g) => [`${g.hex(8)}-${g.hex(4)}-${g.hex(4)}-${g.hex(4)}-${g.hex(12)}`, '<*>'],
  ipAddress: (g) =>
    g.pick([true, false])
      ? [
          `${g.int(1, 254)}.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(1, 254)}${g.pick(['', `:${g.int(1, 65535)}`])}`,
          '<*>',
        ]
      : [Array.from({ length: 8 }, () => g.hex(4)).join(':'), '<*>'],
  hostName: (g) =>
    g.pick([true, false])
      ? [`${word(g)}-${word(g)}-${g.int(1, 99)}`, '<*>']
      : [`${word(g)}-${g.int(1, 9)}.${word(g)}.${g.pick(['com', 'org', 'net', 'us'])}`, '<*>'],
  hostPort: (g) => [`${word(g)}.${word(g)}.${g.pick(['com', 'hk', 'io'])}:${g.int(10, 65535)}`, '<*>'],
  hex: (g) => (g.pick([true, false]) ? [`0x${g.hex(g.int(2, 12))}`, '<*>'] : [`${g.hex(6)}a${g.int(10, 99)}`, '<*>']),
  numberedId: (g) =>
    g.pick([true, false])
      ? [`blk_${g.pick(['', '-'])}${g.int(1, 1e9)}`, '<*>']
      : [`attempt_${g.int(1e5, 1e6)}_${g.int(1, 99)}_m_${g.int(0, 999)}_${g.int(0, 9)}`, '<*>'],
  version: (g) =>
    g.pick([true, false])
      ? [`v${g.int(1, 9)}.${g.int(0, 9)}.${g.int(0, 999)}`, '<*>']
      : [`${g.pick(['HTTP', 'Mozilla', 'TLS'])}/${g.int(1, 3)}.${g.int(0, 9)}`, '<*>'],
  dateTime: (g) =>
    g.pick([true, false])
      ? [`20${g.int(10, 29)}-${g.int(1, 12)}-${g.int(1, 28)}`, '<*>']
      : [`${g.int(0, 23)}:${g.int(10, 59)}:${g.int(10, 59)},${g.int(100, 999)}`, '<*>'],
  list: (g) => [Array.from({ length: g.int(2, 5) }, () => word(g)).join(','), '<*>'],
  quotedValue: (g) => [`'${word(g)}-${g.int(1, 99)}/${word(g)}'`, "'<*>'"],
  keyValue: (g) => [`id=${word(g)}${g.int(1, 99)}-${g.hex(3)}`, 'id=<*>'],
  boolNull: (g) => [g.pick(['true', 'false', 'null', 'NULL', 'True', 'FALSE', 'nil']), '<*>'],
  numberUnit: (g) => [`${g.int(1, 999)}${g.pick(['ms', 's', 'MB', 'KiB', '%', 'h'])}`, '<*>'],
  signedNumber: (g) => [
    `${g.pick(['', '-', '+'])}${g.int(0, 99999)}${g.pick(['', `.${g.int(0, 99)}`, `e-${g.int(1, 9)}`])}`,
    '<*>',
  ],
};

/** A parser with the shipped rules but this one class (and the number classes it builds on) on. */
function parserWith(cls: TokenClassName, extra: Partial<typeof AIDPE_RULES> = {}): Drain {
  const classes = Object.fromEntries(TOKEN_CLASS_NAMES.map((c) => [c, c === cls]));
  return new Drain(aidpeOptions({ ...AIDPE_RULES, ...classes, ...extra }));
}

for (const cls of TOKEN_CLASS_NAMES) {
  test(`token class ${cls}: generated values mask to ${JSON.stringify(VALUES[cls](gen(1))[1])}; one cluster; constants intact`, () => {
    for (let seed = 1; seed <= 5; seed++) {
      const g = gen(seed * 7919 + cls.length);
      const before = Array.from({ length: g.int(1, 3) }, () => g.pick(WORDS));
      const after = Array.from({ length: g.int(1, 3) }, () => g.pick(WORDS));
      const d = parserWith(cls);
      const lines: string[] = [];
      for (let i = 0; i < 30; i++) {
        const [value, masked] = VALUES[cls](g);
        assert.equal(d.mask(value), masked, `${cls} value ${value}`);
        lines.push([...before, value, ...after].join(' '));
      }
      const mined = mineTemplates(lines, d);
      assert.equal(new Set(mined.eventIds).size, 1, `${cls}: one cluster for ${lines[0]}`);
      const expected = [...before, VALUES[cls](g)[1], ...after].join(' ');
      assert.ok(
        mined.templates.every((t) => t === expected),
        `${cls}: ${mined.templates[0]} vs ${expected}`
      );
    }
  });
}

test('no token class masks a word made of letters only', () => {
  const all = new Drain({ masking: masksFor(TOKEN_CLASS_NAMES) });
  const g = gen(42);
  for (let i = 0; i < 500; i++) {
    const w = Array.from(
      { length: g.int(1, 12) },
      () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'[g.int(0, 51)]
    ).join('');
    assert.equal(all.mask(w), w);
  }
});

test('a class that is off leaves its values alone (the classes are independent switches)', () => {
  const g = gen(3);
  for (const cls of ['uuid', 'url', 'path', 'list', 'quotedValue'] as const) {
    const others = TOKEN_CLASS_NAMES.filter(
      (c) => c !== cls && c !== 'signedNumber' && c !== 'hex' && c !== 'numberUnit'
    );
    const d = new Drain({ masking: masksFor(others) });
    const [value] = VALUES[cls](g);
    assert.notEqual(d.mask(value), VALUES[cls](g)[1], `${cls} masked without its class: ${value}`);
  }
});

test('sizes with units: a number with a varying unit after it is one variable; a fixed unit stays a constant', () => {
  const g = gen(11);
  const d = Drain.aidpe({ enumSkipsUnits: true });
  const varying = Array.from(
    { length: 40 },
    () => `free ${g.int(1, 999)}.${g.int(0, 9)} ${g.pick(['B', 'KB', 'MB'])} left`
  );
  const m1 = mineTemplates(varying, d);
  assert.deepEqual([...new Set(m1.templates)], ['free <*> left']);
  const fixed = Array.from({ length: 40 }, () => `used ${g.int(1, 999)} MB of memory`);
  assert.deepEqual(
    [...new Set(mineTemplates(fixed, Drain.aidpe({ enumSkipsUnits: true })).templates)],
    ['used <*> MB of memory']
  );
  // without the rule the two units are enumerated constants and split the text
  const off = mineTemplates(varying, Drain.aidpe({ enumSkipsUnits: false, enumMaxWords: 3 }));
  assert.ok(new Set(off.templates).size > 1);
});

test('durations: glued and spaced units', () => {
  const g = gen(5);
  const d = Drain.aidpe();
  const lines = Array.from({ length: 30 }, () => `took ${g.int(1, 900)}${g.pick(['ms', 's', 'us', 'h'])} to finish`);
  assert.deepEqual([...new Set(mineTemplates(lines, d).templates)], ['took <*> to finish']);
});

test('calendar words: a timestamp in words is one variable, whatever its month; the word alone is no variable', () => {
  const g = gen(17);
  const months = ['Jan', 'Feb', 'Jun', 'Jul', 'Dec'];
  const days = ['Mon', 'Sun', 'Fri'];
  const lines = Array.from(
    { length: 60 },
    () =>
      `connection from ${g.int(1, 254)}.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(1, 254)} at ${g.pick(days)} ${g.pick(months)} ${g.int(1, 28)} ${g.int(10, 23)}:${g.int(10, 59)}:${g.int(10, 59)} 2005`
  );
  const on = mineTemplates(lines, Drain.aidpe({ calendarWords: true }));
  assert.deepEqual([...new Set(on.templates)], ['connection from <*> at <*>']);
  const off = mineTemplates(lines, Drain.aidpe({ calendarWords: false, enumMaxWords: 8 }));
  assert.ok(new Set(off.templates).size > 1, 'without the rule, month names split the template');
  assert.deepEqual(Drain.aidpe({ calendarWords: true }).maskedTokens('Sun Microsystems ships'), [
    'Sun',
    'Microsystems',
    'ships',
  ]);
});

test('variable-length lists: runs of masked values collapse to one token, so any length is one cluster', () => {
  const g = gen(23);
  const lines = Array.from(
    { length: 40 },
    () => `Fan speeds ( ${Array.from({ length: g.int(1, 8) }, () => g.int(1000, 5000)).join(' ')} ) checked`
  );
  const on = mineTemplates(lines, Drain.aidpe({ collapseVariableRuns: true }));
  assert.equal(new Set(on.eventIds).size, 1);
  assert.deepEqual([...new Set(on.templates)], ['Fan speeds ( <*> ) checked']);
  const off = mineTemplates(lines, Drain.aidpe({ collapseVariableRuns: false }));
  assert.ok(new Set(off.eventIds).size > 1, 'without the rule, each list length is its own cluster');
});

test('HTTP verbs and states inside quotes or punctuation stay constants (enumerated constants in partial tokens)', () => {
  const g = gen(29);
  const lines = Array.from(
    { length: 60 },
    () =>
      `${g.int(1, 254)}.0.0.${g.int(1, 254)} "${g.pick(['GET', 'POST', 'DELETE'])} /v2/${g.hex(12)}/servers HTTP/1.1" status: ${g.pick([200, 204, 404])}`
  );
  // depth 4: the tree keys on the first token only, so the three verbs share one cluster.
  const on = mineTemplates(lines, Drain.aidpe({ enumPartial: true, depth: 4 }));
  assert.equal(new Set(on.eventIds).size, 1, 'one cluster');
  assert.deepEqual([...new Set(on.templates)].sort(), [
    '<*> "DELETE <*>" status: <*>',
    '<*> "GET <*>" status: <*>',
    '<*> "POST <*>" status: <*>',
  ]);
  const off = mineTemplates(lines, Drain.aidpe({ enumPartial: false, depth: 4 }));
  assert.deepEqual([...new Set(off.templates)], ['<*> "<*>" status: <*>']);
});

test('host:port is one variable; a source location file.ext:line is not', () => {
  const g = gen(31);
  const lines = Array.from(
    { length: 40 },
    () =>
      `${word(g)}.${word(g)}.edu.hk:${g.int(1000, 9999)} close, ${g.int(1, 9999)} bytes sent, lifetime ${g.int(0, 59)}:${g.int(10, 59)}`
  );
  const mined = mineTemplates(lines, Drain.aidpe({ masking: masksFor(['hostPort', 'dateTime', 'signedNumber']) }));
  assert.deepEqual([...new Set(mined.templates)], ['<*> close, <*> bytes sent, lifetime <*>']);
  const d = new Drain({ masking: masksFor(['hostPort']) });
  assert.equal(
    d.mask('DAVEngineImpl.cpp:1400 a.b.java:99 (Store.Normal:23)'),
    'DAVEngineImpl.cpp:1400 a.b.java:99 (Store.Normal:23)'
  );
});

test('streaming with the shipped rules: a snapshot mid-stream restores a parser that continues identically', () => {
  const g = gen(37);
  const shapes = [
    () => `com.example.${g.pick(NAMES)}${g.int(0, 6)}: scheduler told me to run this job later`,
    () => `user ${g.pick(['root', 'news', 'test'])} logged in from ${g.int(1, 254)}.0.0.${g.int(1, 254)}`,
    () => `VM ${g.pick(['Started', 'Paused', 'Resumed'])} (Lifecycle Event) after ${g.int(1, 900)} ms`,
    () => `"${g.pick(['GET', 'POST'])} /v2/${g.hex(8)}/servers HTTP/1.1" status: ${g.pick([200, 404])}`,
    () => `Fan speeds ( ${Array.from({ length: g.int(1, 6) }, () => g.int(1000, 5000)).join(' ')} )`,
  ];
  const lines = Array.from({ length: 600 }, () => g.pick(shapes)());
  const a = Drain.aidpe();
  lines.slice(0, 300).forEach((l) => a.addLogMessage(l));
  const b = Drain.fromSnapshot(JSON.parse(JSON.stringify(a.toSnapshot())));
  for (const l of lines.slice(300)) {
    const ra = a.addLogMessage(l);
    const rb = b.addLogMessage(l);
    assert.equal(rb.cluster.id, ra.cluster.id, l);
    assert.equal(b.lineTemplate(rb.cluster, rb.tokens), a.lineTemplate(ra.cluster, ra.tokens), l);
  }
  assert.equal(JSON.stringify(b.toSnapshot()), JSON.stringify(a.toSnapshot()));
});

test('calendar words: every month and weekday name, full or short, in lower, Title and UPPER case', () => {
  const names =
    'jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august september october november december mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday'.split(
      ' '
    );
  for (const n of names) {
    for (const w of [n, n[0]!.toUpperCase() + n.slice(1), n.toUpperCase(), `${n},`]) {
      assert.ok(isCalendarWord(w), w);
    }
  }
  for (const w of ['mayor', 'Sunday2', 'sundry', 'Jane', 'octet', 'a', 'Decimal']) {
    assert.ok(!isCalendarWord(w), w);
  }
});
