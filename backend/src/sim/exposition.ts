/** Prometheus text format 0.0.4 and OpenMetrics 1.0 rendering of simulator metrics. */

export interface MetricSample {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  labels: Record<string, string>;
  value: number;
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) {
    return 'NaN';
  }
  if (v === Infinity) {
    return '+Inf';
  }
  if (v === -Infinity) {
    return '-Inf';
  }
  return String(v);
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) {
    return '';
  }
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k] as string)}"`).join(',')}}`;
}

function groupByName<T extends { name: string }>(samples: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const s of samples) {
    let g = groups.get(s.name);
    if (!g) {
      groups.set(s.name, (g = []));
    }
    g.push(s);
  }
  return groups;
}

/** Prometheus text exposition format 0.0.4 (families grouped, HELP and TYPE first). */
export function renderExposition(samples: readonly MetricSample[]): string {
  const lines: string[] = [];
  for (const [name, group] of groupByName(samples)) {
    const first = group[0] as MetricSample;
    lines.push(`# HELP ${name} ${escapeHelp(first.help)}`);
    lines.push(`# TYPE ${name} ${first.type}`);
    for (const s of group) {
      lines.push(`${name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

export interface HistoricalSeries {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  labels: Record<string, string>;
  /** [unix ms, value], sorted by time. */
  points: Array<[number, number]>;
}

/**
 * OpenMetrics 1.0 text with timestamps (seconds), ending in `# EOF`, suitable for
 * `promtool tsdb create-blocks-from openmetrics`. Counter families drop the `_total` suffix in their
 * metadata as OpenMetrics requires; each series' points are contiguous and time-ordered.
 */
export function renderOpenMetrics(series: readonly HistoricalSeries[]): string {
  const lines: string[] = [];
  for (const [name, group] of groupByName(series)) {
    const first = group[0] as HistoricalSeries;
    const family = first.type === 'counter' ? name.replace(/_total$/, '') : name;
    lines.push(`# TYPE ${family} ${first.type}`);
    lines.push(`# HELP ${family} ${escapeHelp(first.help).replace(/"/g, '\\"')}`);
    const sampleName = first.type === 'counter' ? `${family}_total` : name;
    for (const s of group) {
      const labels = formatLabels(s.labels);
      for (const [t, v] of s.points) {
        if (Number.isNaN(v) && first.type === 'counter') {
          continue;
        }
        lines.push(`${sampleName}${labels} ${formatValue(v)} ${(t / 1000).toFixed(3)}`);
      }
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}
