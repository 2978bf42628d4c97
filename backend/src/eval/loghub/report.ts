/** Text tables for `aidpe logparse-eval`: the LOSO headline first, then per system, detection and rule effects. */
import type { LoghubReport, MeanScores, ParserName, Scores } from './evaluate.ts';
import { PARSER_NAMES } from './evaluate.ts';

const pct = (x: number | undefined): string => (x === undefined ? '   — ' : (x * 100).toFixed(1).padStart(5));
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`.padStart(6);

export function formatHeadline(report: LoghubReport): string {
  const lines = [
    `LOSO (each system scored with settings chosen on the other ${report.systems.length - 1}) beside in-sample, mean of ${report.systems.length} systems:`,
    'parser        LOSO GA  LOSO PA  LOSO FGA  LOSO FTA |  in GA   in PA  in FGA  in FTA',
  ];
  for (const p of PARSER_NAMES) {
    const m = report.means[p];
    const row = (s: MeanScores | undefined): string[] => [pct(s?.GA), pct(s?.PA), pct(s?.FGA), pct(s?.FTA)];
    const [lg, lp, lf, lt] = row(m.loso);
    const [ig, ip, iff, it] = row(m.inSample);
    lines.push(`${p.padEnd(12)}  ${lg}    ${lp}     ${lf}     ${lt}  |  ${ig}   ${ip}   ${iff}   ${it}`);
  }
  return lines.join('\n') + '\n';
}

export function formatSystems(report: LoghubReport): string {
  const cell = (s: Scores | undefined): string => `${pct(s?.GA)} ${pct(s?.PA)}`;
  const head = PARSER_NAMES.map((p) => `${p} in GA/PA   LOSO GA/PA`.padEnd(27)).join(' ');
  const lines = [`system       ${head}`];
  for (const r of report.systems) {
    const cols = PARSER_NAMES.map((p: ParserName) =>
      `${cell(r.parsers[p].inSample)}  ${cell(r.parsers[p].loso)}`.padEnd(27)
    );
    lines.push(`${r.system.padEnd(12)} ${cols.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

export function formatDetection(report: LoghubReport): string {
  const lines = ['header detection: share of lines whose content equals the ground truth (whitespace runs collapsed)'];
  lines.push('system       detected  benchmark-format  used       header');
  for (const r of report.systems) {
    const d = r.detection;
    lines.push(
      `${r.system.padEnd(12)} ${pct(d.splitAccuracy)}     ${pct(d.benchmarkFormatSplitAccuracy)}             ${r.formatSource.padEnd(10)} ${d.header}`
    );
  }
  return lines.join('\n') + '\n';
}

export function formatRuleEffects(report: LoghubReport): string {
  const lines = [
    "rule effects (LOSO): held-out score with each fold's choice minus the same with the rule off; mean over systems",
    'rule                  off          folds on   ΔGA     ΔPA   max gain  max loss (objective, one system)',
  ];
  for (const e of report.aidpe.ruleEffects) {
    lines.push(
      `${e.rule.padEnd(21)} ${e.off.padEnd(12)} ${String(e.foldsOn).padStart(5)}   ${signed(e.deltaGA)}  ${signed(e.deltaPA)}   ${signed(e.maxGain)}    ${signed(-e.maxLoss)}`
    );
  }
  return lines.join('\n') + '\n';
}

export function formatThroughput(report: LoghubReport): string {
  const t = report.throughputMean;
  if (!t) {
    return '';
  }
  const f = (x: number | undefined): string => `${Math.round((x ?? 0) / 1000)}k`;
  return `throughput (single thread, mean of per-system medians): aidpe ${f(t.aidpe?.linesPerSecond)} lines/s (${f(t.aidpe?.linesPerCpuSecond)} per CPU-s), drain3 ${f(t.drain3?.linesPerSecond)} (${f(t.drain3?.linesPerCpuSecond)})\n`;
}
