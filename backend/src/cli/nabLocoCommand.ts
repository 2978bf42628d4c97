/**
 * `aidpe nab-loco`: leave-one-category-out selection of every detector's settings on a NAB-layout corpus, the
 * headline figure beside the in-sample one (`eval/nab/loco.ts`), with the baselines in the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CANDIDATE_GRIDS } from '../eval/nab/candidates.ts';
import { loadCorpus, NabUsageError } from '../eval/nab/corpus.ts';
import { leaveOneCategoryOut, type LocoReport } from '../eval/nab/loco.ts';
import { NAB_PROFILES } from '../eval/nab/scorer.ts';
import { DEFAULT_DETECTOR } from '../engines/anomaly/registry.ts';
import { loadProfiles } from './anomalyCommands.ts';

export const NAB_LOCO_USAGE = `aidpe nab-loco --data DIR --labels WINDOWS.json --out RESULT.json [--detectors a,b] [--profiles PROFILES.json] [--categories a,b]`;

const DEFAULT_DETECTORS = [DEFAULT_DETECTOR, 'art', 'residual-likelihood', 'windowedGaussian', 'null'];

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(1));

/** `aidpe nab-loco --data DIR --labels WINDOWS.json --out RESULT.json [--detectors a,b] [--profiles P] [--categories a,b]` */
export async function runNabLoco(argv: string[]): Promise<number> {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      labels: { type: 'string' },
      out: { type: 'string' },
      detectors: { type: 'string' },
      profiles: { type: 'string' },
      categories: { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  });
  for (const f of ['data', 'labels', 'out'] as const) {
    if (!flags[f]) {
      throw new NabUsageError(`--${f} is required`);
    }
  }
  const dataDir = resolve(flags.data!);
  const detectors = flags.detectors ? flags.detectors.split(',').map((d) => d.trim()) : DEFAULT_DETECTORS;
  for (const d of detectors) {
    if (!CANDIDATE_GRIDS[d]) {
      throw new NabUsageError(
        `--detectors: unknown ${JSON.stringify(d)}; expected some of ${Object.keys(CANDIDATE_GRIDS).join(',')}`
      );
    }
  }
  const categories = flags.categories ? new Set(flags.categories.split(',')) : undefined;
  const inputs = loadCorpus(dataDir, resolve(flags.labels!), categories);
  const cats = new Set(inputs.map((i) => i.category));
  if (cats.size < 2) {
    throw new NabUsageError('--data: leave-one-category-out needs at least two categories');
  }
  const profiles = flags.profiles ? loadProfiles(resolve(flags.profiles), dataDir) : loadProfiles(undefined, dataDir);
  const files = inputs.map((i) => ({ name: i.key, category: i.category, windows: i.windows }));
  const points = inputs.reduce((a, i) => a + i.series.values.length, 0);
  const results: Record<string, LocoReport & { candidatesRun: number; defaultSettings: string; msPerPoint: number }> =
    {};
  const out = process.stdout;
  out.write(
    `NAB leave-one-category-out over ${inputs.length} files in ${cats.size} categories (${points} points), ` +
      `${[...cats].join(', ')}\n`
  );
  for (const d of detectors) {
    const grid = CANDIDATE_GRIDS[d]!();
    const started = process.cpuUsage();
    const candidates = grid.map((c, k) => {
      if (out.isTTY) {
        out.write(`  ${d}: candidate ${k + 1}/${grid.length} (${c.name})\r`);
      }
      return { name: c.name, scores: inputs.map((i) => c.run(i.series)) };
    });
    const cpu = process.cpuUsage(started);
    if (out.isTTY) {
      out.write(' '.repeat(100) + '\r');
    }
    const report = leaveOneCategoryOut(files, candidates, profiles);
    results[d] = {
      ...report,
      candidatesRun: grid.length,
      defaultSettings: grid.find((c) => c.isDefault)?.name ?? grid[0]!.name,
      msPerPoint: (cpu.user + cpu.system) / 1000 / (points * grid.length),
    };
  }
  const profileNames = Object.keys(profiles);
  const header = [
    'detector'.padEnd(22),
    ...profileNames.map((p) => `LOCO ${short(p)}`.padStart(13)),
    ...profileNames.map((p) => `in-sample ${short(p)}`.padStart(16)),
    'gap (std)'.padStart(10),
    'µs/point'.padStart(10),
  ].join('');
  const lines = [header];
  for (const [d, r] of Object.entries(results)) {
    const std = profileNames[0]!;
    const gap = (r.inSample.profiles[std]?.score ?? NaN) - (r.loco.profiles[std]?.score ?? NaN);
    lines.push(
      [
        d.padEnd(22),
        ...profileNames.map((p) => fmt(r.loco.profiles[p]?.score).padStart(13)),
        ...profileNames.map((p) => fmt(r.inSample.profiles[p]?.score).padStart(16)),
        fmt(gap).padStart(10),
        (1000 * r.msPerPoint).toFixed(2).padStart(10),
      ].join('')
    );
  }
  lines.push('', 'settings chosen (in-sample; per held-out category):');
  for (const [d, r] of Object.entries(results)) {
    lines.push(`  ${d}: ${r.inSample.chosen} (shipped default: ${r.defaultSettings})`);
    for (const f of r.loco.folds) {
      const std = f.profiles[profileNames[0]!]!;
      lines.push(
        `    without ${f.heldOut.padEnd(22)} → ${f.chosen}; threshold ${std.threshold.toFixed(4)}; ${f.heldOut} scores ${fmt(std.heldOut.score)} (tp ${std.heldOut.tp}, fp ${std.heldOut.fp}, fn ${std.heldOut.fn})`
      );
    }
  }
  const outPath = resolve(flags.out!);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(
    outPath,
    JSON.stringify(
      {
        tool: 'aidpe nab-loco',
        files: inputs.length,
        categories: [...cats],
        windows: inputs.reduce((a, i) => a + i.windows.length, 0),
        profiles: Object.keys(profiles),
        detectors: results,
        generatedAt: new Date().toISOString(),
      },
      null,
      2
    ) + '\n'
  );
  out.write(lines.join('\n') + `\n\nwritten ${outPath}\n`);
  return 0;
}

function short(profile: string): string {
  return profile === 'standard' ? 'std' : profile.replace('reward_low_', 'low ').replace('_rate', '');
}

export { NAB_PROFILES };
