/**
 * The public log-parser benchmark's per-system Drain settings (logpai/logparser `logparser/Drain/benchmark.py`,
 * the configuration behind the Drain numbers papers report): preprocessing regexes (each match becomes `<*>`),
 * similarity threshold `st` and tree depth. Python regex sources, valid in JavaScript as written. They were
 * tuned on each system's own 2k sample, so scoring a system with its own row is in-sample by construction.
 */

export interface BenchmarkDrainSetting {
  regex: string[];
  st: number;
  depth: number;
}

export const BENCHMARK_DRAIN_SETTINGS: Record<string, BenchmarkDrainSetting> = {
  HDFS: { regex: ['blk_-?\\d+', '(\\d+\\.){3}\\d+(:\\d+)?'], st: 0.5, depth: 4 },
  Hadoop: { regex: ['(\\d+\\.){3}\\d+'], st: 0.5, depth: 4 },
  Spark: { regex: ['(\\d+\\.){3}\\d+', '\\b[KGTM]?B\\b', '([\\w-]+\\.){2,}[\\w-]+'], st: 0.5, depth: 4 },
  Zookeeper: { regex: ['(/|)(\\d+\\.){3}\\d+(:\\d+)?'], st: 0.5, depth: 4 },
  BGL: { regex: ['core\\.\\d+'], st: 0.5, depth: 4 },
  HPC: { regex: ['=\\d+'], st: 0.5, depth: 4 },
  Thunderbird: { regex: ['(\\d+\\.){3}\\d+'], st: 0.5, depth: 4 },
  Windows: { regex: ['0x.*?\\s'], st: 0.7, depth: 5 },
  Linux: { regex: ['(\\d+\\.){3}\\d+', '\\d{2}:\\d{2}:\\d{2}'], st: 0.39, depth: 6 },
  Android: {
    regex: [
      '(/[\\w-]+)+',
      '([\\w-]+\\.){2,}[\\w-]+',
      '\\b(\\-?\\+?\\d+)\\b|\\b0[Xx][a-fA-F\\d]+\\b|\\b[a-fA-F\\d]{4,}\\b',
    ],
    st: 0.2,
    depth: 6,
  },
  HealthApp: { regex: [], st: 0.2, depth: 4 },
  Apache: { regex: ['(\\d+\\.){3}\\d+'], st: 0.5, depth: 4 },
  Proxifier: {
    regex: ['<\\d+\\ssec', '([\\w-]+\\.)+[\\w-]+(:\\d+)?', '\\d{2}:\\d{2}(:\\d{2})*', '[KGTM]B'],
    st: 0.6,
    depth: 3,
  },
  OpenSSH: { regex: ['(\\d+\\.){3}\\d+', '([\\w-]+\\.){2,}[\\w-]+'], st: 0.6, depth: 5 },
  OpenStack: { regex: ['((\\d+\\.){3}\\d+,?)+', '/.+?\\s', '\\d+'], st: 0.5, depth: 5 },
  Mac: { regex: ['([\\w-]+\\.){2,}[\\w-]+'], st: 0.7, depth: 6 },
};

/**
 * Spell's preprocessing in this harness: one general list for every system (IPv4 with an optional port, and
 * numbers delimited by non-alphanumerics, as in the benchmark's own demo), so that only `tau` is selected.
 */
export const SPELL_PREPROCESS: string[] = [
  '(/|)([0-9]+\\.){3}[0-9]+(:[0-9]+|)(:|)',
  '(?<=[^A-Za-z0-9])(\\-?\\+?\\d+)(?=[^A-Za-z0-9])|[0-9]+$',
];

export const SPELL_TAUS = [0.5, 0.6, 0.7, 0.8, 0.9];
