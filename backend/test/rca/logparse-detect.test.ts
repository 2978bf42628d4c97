/**
 * Header detection on generated logs in common header layouts (seeded; no corpus text): the content split
 * off every line must be exactly the generated message, and a log without a header must keep its lines whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectHeader } from '../../src/engines/rca/logparse/headerDetect.ts';
import { splitLog } from '../../src/engines/rca/logparse/format.ts';

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

const r = rng(7);
const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Jun', 'Jul', 'Oct', 'Dec'];
const MESSAGES = [
  () => `Connection from ${int(1, 254)}.${int(0, 255)}.0.${int(1, 254)} accepted`,
  () => `worker ${int(1, 40)} finished job ${int(1000, 9999)} in ${int(1, 900)} ms`,
  () => `Failed password for user${int(1, 9)}: invalid credentials`,
  () => `cache [${pick(['hot', 'cold'])}] evicted ${int(1, 99)} entries`,
  () => `status: OK - ${pick(['ready', 'draining'])}`,
  () => `Sending heartbeat to master`,
];
const message = (): string => pick(MESSAGES)();
const iso = (): string => `20${int(10, 29)}-${pad(int(1, 12))}-${pad(int(1, 28))}`;
const hms = (): string => `${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}`;
const level = (): string => pick(['INFO', 'WARN', 'ERROR', 'DEBUG']);

/** Header layouts: each returns [raw line, message]. */
const LAYOUTS: Record<string, () => [string, string]> = {
  'ISO date, time with millis, level, dotted component with colon': () => {
    const m = message();
    return [`${iso()} ${hms()},${int(100, 999)} ${level()} org.example.${pick(['Server', 'Pool'])}: ${m}`, m];
  },
  'syslog: month day time host proc[pid]:': () => {
    const m = message();
    return [
      `${pick(MONTHS)} ${String(int(1, 28)).padStart(2)} ${hms()} host${int(1, 3)} ${pick(['sshd', 'cron'])}[${int(100, 99999)}]: ${m}`,
      m,
    ];
  },
  'bracketed timestamp and level': () => {
    const m = message();
    return [
      `[${pick(['Sun', 'Mon'])} ${pick(MONTHS)} ${pad(int(1, 28))} ${hms()} 2005] [${pick(['notice', 'error'])}] ${m}`,
      m,
    ];
  },
  'compact date and time, pid, level, component:': () => {
    const m = message();
    return [
      `${pad(int(0, 99))}${pad(int(1, 12))}${pad(int(1, 28))} ${pad(int(0, 23))}${pad(int(0, 59))}${pad(int(0, 59))} ${int(10, 999)} ${level()} dfs.Node$Worker: ${m}`,
      m,
    ];
  },
  'pipe-separated time, component, pid': () => {
    const m = message();
    return [
      `2017${pad(int(1, 12))}${pad(int(1, 28))}-${hms()}:${int(100, 999)}|Step_${pick(['A', 'B'])}|${int(1000, 99999)}|${m}`,
      m,
    ];
  },
  'time, dash, level, bracketed thread, dash': () => {
    const m = message();
    return [`${iso()} ${hms()},${int(100, 999)} - ${level()}  [main-${int(1, 9)}:Worker@${int(10, 99)}] - ${m}`, m];
  },
  'epoch, host, level (no colon)': () => {
    const m = message();
    return [
      `- ${int(1100000000, 1200000000)} 2005.06.${pad(int(1, 28))} R${int(10, 99)}-M1 ${pick(['KERNEL', 'APP'])} ${pick(['INFO', 'FATAL'])} ${m}`,
      m,
    ];
  },
  'date time, level, aligned component column': () => {
    const m = message();
    return [`${iso()} ${hms()}, ${pick(['Info', 'Warning'])}                  ${pick(['CBS', 'CSI'])}    ${m}`, m];
  },
};

for (const [name, make] of Object.entries(LAYOUTS)) {
  test(`header detection: ${name}`, () => {
    const pairs = Array.from({ length: 400 }, make);
    const header = detectHeader(pairs.map((p) => p[0]));
    assert.ok(header, 'a header is detected');
    const { contents } = splitLog(pairs.map((p) => p[0]).join('\n'), header.format, true);
    const exact = contents.filter((c, i) => c === pairs[i]![1]).length;
    assert.equal(exact, pairs.length, `${header.description}: e.g. ${JSON.stringify(contents[0])}`);
  });
}

test('header detection: a log without a header keeps its lines whole', () => {
  const lines = Array.from({ length: 300 }, message);
  const header = detectHeader(lines);
  const contents = header ? splitLog(lines.join('\n'), header.format, true).contents : lines;
  assert.ok(
    contents.filter((c, i) => c === lines[i]).length >= 0.95 * lines.length,
    `at most a few lines cut: ${header?.description}`
  );
});

test('header detection: nothing to detect in an empty input', () => {
  assert.equal(detectHeader([]), undefined);
  assert.equal(detectHeader(['', '   ']), undefined);
});
