/**
 * Loader for the PetShop root-cause dataset (Amazon, CC-BY-4.0; see `shared/data/README.md`): per scenario the
 * call graph (`graph.csv`), the fault-free export (`noissue/metrics.csv`, when there is one) and the labelled
 * cases (`<split>/issue_N/{metrics.csv,target.json}`). All file I/O of the PetShop evaluation lives here; what
 * it returns is plain data (metric series, edges, windows) for the engines.
 *
 * Format facts this handles:
 * - `metrics.csv` has three header rows (component, metric, statistic), then rows whose first cell is a unix
 *   time in seconds (a `unix_timestamp` label row is skipped); CloudWatch buckets of 5 minutes, labelled by their
 *   start;
 * - `graph.csv` is an adjacency matrix whose direction upstream does not document: it is checked against the
 *   front end (the target of the cases, which nothing may call); a matrix in which the front end only receives
 *   edges is transposed, and the case says which reading was used;
 * - the fault-free export comes from another period (months away from the cases): it is re-timed to end one
 *   bucket before the case's first row, so "before the incident" holds in time;
 * - the temporal scenarios have no fault-free export: their baseline is the case's own rows before the fault.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from './nezhaData.ts';
import type { IncidentWindow, MetricKind, MetricSeries } from '../../engines/rca/metricChange.ts';

export class PetshopDataError extends Error {}

/** The incident window: from the fault's time, this long (three 5-minute buckets). */
export const PETSHOP_INCIDENT_MS = 15 * 60_000;

export interface PetshopTable {
  /** Unix ms per row, ascending. */
  times: number[];
  columns: Array<{ component: string; metric: string; statistic: string; values: number[] }>;
}

export interface PetshopCase {
  id: string;
  scenario: string;
  split: string;
  issue: string;
  symptom: string;
  symptomMetric: string;
  injectMs: number;
  truth: string;
  /** `delay`, `error` (an error mode switched on), `code-change` (a Lambda's code replaced) or `other`. */
  faultKind: string;
  command: string;
  edges: Array<{ source: string; target: string }>;
  graphReading: 'row calls column' | 'column calls row';
  metrics: MetricSeries[];
  window: IncidentWindow;
  /** Whether the scenario's fault-free export was used (else only the case's own rows before the fault). */
  noissueBaseline: boolean;
}

export function readPetshopTable(path: string): PetshopTable {
  const rows = parseCsv(readFileSync(path, 'utf8'));
  if (rows.length < 4) {
    throw new PetshopDataError(`${path}: expected three header rows (component, metric, statistic) and data rows`);
  }
  const [components, metrics, statistics] = rows as [string[], string[], string[]];
  const data = rows.slice(3).filter((r) => r[0] !== undefined && r[0] !== '' && Number.isFinite(Number(r[0])));
  if (data.length === 0) {
    throw new PetshopDataError(`${path}: no data rows (first cell a unix time in seconds)`);
  }
  data.sort((a, b) => Number(a[0]) - Number(b[0]));
  const columns = components.slice(1).map((component, k) => ({
    component,
    metric: metrics[k + 1] ?? '',
    statistic: statistics[k + 1] ?? '',
    values: data.map((r) => {
      const cell = r[k + 1];
      return cell === undefined || cell === '' ? Number.NaN : Number(cell);
    }),
  }));
  return { times: data.map((r) => Number(r[0]) * 1000), columns };
}

/** Edges caller → callee from `graph.csv`, read so that `front` calls and is not called (see the header). */
export function readPetshopGraph(
  path: string,
  front: string
): { edges: Array<{ source: string; target: string }>; reading: PetshopCase['graphReading'] } {
  const rows = parseCsv(readFileSync(path, 'utf8'));
  const header = rows[0]?.slice(1) ?? [];
  const rowEdges: Array<{ source: string; target: string }> = [];
  for (const r of rows.slice(1)) {
    const from = r[0] ?? '';
    r.slice(1).forEach((cell, k) => {
      const v = Number(cell);
      if (from && header[k] && Number.isFinite(v) && v !== 0 && from !== header[k]) {
        rowEdges.push({ source: from, target: header[k]! });
      }
    });
  }
  if (rowEdges.length === 0) {
    throw new PetshopDataError(`${path}: no edges`);
  }
  const out = rowEdges.filter((e) => e.source === front).length;
  const into = rowEdges.filter((e) => e.target === front).length;
  if (out === 0 && into > 0) {
    return { edges: rowEdges.map((e) => ({ source: e.target, target: e.source })), reading: 'column calls row' };
  }
  return { edges: rowEdges, reading: 'row calls column' };
}

function kindOf(metric: string): MetricKind {
  if (/latency/i.test(metric)) {
    return 'latency';
  }
  if (/availability/i.test(metric)) {
    return 'availability';
  }
  if (/request/i.test(metric)) {
    return 'traffic';
  }
  if (/error|fault/i.test(metric)) {
    return 'errors';
  }
  return 'other';
}

export function faultKindOf(command: string): string {
  if (/update-function-code|lambda.*code|code/i.test(command)) {
    return 'code-change';
  }
  if (/delay|latency|sleep/i.test(command)) {
    return 'delay';
  }
  if (/error|fault|fail/i.test(command)) {
    return 'error';
  }
  return 'other';
}

interface RawTarget {
  target?: { node?: unknown; metric?: unknown; timestamp?: unknown };
  root_cause?: { node?: unknown };
  metadata?: { reproducibility?: { command?: unknown } };
}

/** The case folders of `<dir>`: DIR holds scenario folders (`<scenario>/<split>/issue_N`), or is one scenario. */
export function listPetshopCases(dir: string, split?: string): Array<{ scenarioDir: string; caseDir: string }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new PetshopDataError(`${dir}: not a folder`);
  }
  const scenarioDirs = existsSync(join(dir, 'graph.csv'))
    ? [dir]
    : readdirSync(dir)
        .sort()
        .map((s) => join(dir, s))
        .filter((s) => existsSync(join(s, 'graph.csv')));
  if (scenarioDirs.length === 0) {
    const nested = join(dir, 'dataset');
    if (existsSync(nested)) {
      return listPetshopCases(nested, split);
    }
    throw new PetshopDataError(`${dir}: no scenario folder with a graph.csv`);
  }
  const out: Array<{ scenarioDir: string; caseDir: string }> = [];
  for (const scenarioDir of scenarioDirs) {
    const splits = readdirSync(scenarioDir)
      .filter((s) => s !== 'noissue' && statSync(join(scenarioDir, s)).isDirectory())
      .filter((s) => split === undefined || s === split)
      .sort();
    for (const sp of splits) {
      const issues = readdirSync(join(scenarioDir, sp))
        .filter((i) => existsSync(join(scenarioDir, sp, i, 'target.json')))
        .sort((a, b) => Number(a.replace(/\D+/g, '')) - Number(b.replace(/\D+/g, '')) || a.localeCompare(b));
      for (const issue of issues) {
        out.push({ scenarioDir, caseDir: join(scenarioDir, sp, issue) });
      }
    }
  }
  return out;
}

function seriesOf(table: PetshopTable, times: number[]): MetricSeries[] {
  return table.columns.map((c) => ({
    service: c.component,
    name: `${c.metric} ${c.statistic}`,
    kind: kindOf(c.metric),
    times,
    values: c.values,
  }));
}

const noissueCache = new Map<string, PetshopTable | undefined>();

export function loadPetshopCase(scenarioDir: string, caseDir: string): PetshopCase {
  const targetPath = join(caseDir, 'target.json');
  let raw: RawTarget;
  try {
    raw = JSON.parse(readFileSync(targetPath, 'utf8')) as RawTarget;
  } catch (err) {
    throw new PetshopDataError(`${targetPath}: not valid JSON (${(err as Error).message})`);
  }
  const symptom = raw.target?.node;
  const truth = raw.root_cause?.node;
  const ts = Number(raw.target?.timestamp);
  if (typeof symptom !== 'string' || !symptom) {
    throw new PetshopDataError(`${targetPath}: target.node missing`);
  }
  if (typeof truth !== 'string' || !truth) {
    throw new PetshopDataError(`${targetPath}: root_cause.node missing`);
  }
  if (!Number.isFinite(ts)) {
    throw new PetshopDataError(`${targetPath}: target.timestamp missing`);
  }
  const command =
    typeof raw.metadata?.reproducibility?.command === 'string' ? raw.metadata.reproducibility.command : '';
  const graph = readPetshopGraph(join(scenarioDir, 'graph.csv'), symptom);
  const table = readPetshopTable(join(caseDir, 'metrics.csv'));
  const injectMs = ts * 1000;
  const steps = table.times.slice(1).map((t, i) => t - table.times[i]!);
  const stepMs = steps.length ? [...steps].sort((a, b) => a - b)[steps.length >> 1]! : 300_000;
  const noissuePath = join(scenarioDir, 'noissue', 'metrics.csv');
  if (!noissueCache.has(noissuePath)) {
    noissueCache.set(noissuePath, existsSync(noissuePath) ? readPetshopTable(noissuePath) : undefined);
  }
  const noissue = noissueCache.get(noissuePath);
  let metrics = seriesOf(table, table.times);
  let baselineStartMs = table.times[0]!;
  if (noissue) {
    // Re-timed to end one bucket before the case's first row (see the header), joined column by column.
    const shift = table.times[0]! - stepMs - noissue.times[noissue.times.length - 1]!;
    const before = new Map(
      noissue.columns.map((c) => [`${c.component}\u0000${c.metric}\u0000${c.statistic}`, c.values] as const)
    );
    const times = [...noissue.times.map((t) => t + shift), ...table.times];
    metrics = table.columns.map((c) => {
      const prior = before.get(`${c.component}\u0000${c.metric}\u0000${c.statistic}`);
      return {
        service: c.component,
        name: `${c.metric} ${c.statistic}`,
        kind: kindOf(c.metric),
        times,
        values: [...(prior ?? noissue.times.map(() => Number.NaN)), ...c.values],
      };
    });
    baselineStartMs = times[0]!;
  }
  // A bucket is labelled by its start: the first one that holds the fault starts less than a step before it.
  const incidentStartMs = table.times.find((t) => t + stepMs > injectMs) ?? injectMs;
  const scenario = scenarioDir.split('/').filter(Boolean).pop()!;
  const [split, issue] = caseDir.split('/').filter(Boolean).slice(-2) as [string, string];
  return {
    id: `${scenario}/${split}/${issue}`,
    scenario,
    split,
    issue,
    symptom,
    symptomMetric: typeof raw.target?.metric === 'string' ? raw.target.metric : 'latency',
    injectMs,
    truth,
    faultKind: faultKindOf(command),
    command,
    edges: graph.edges,
    graphReading: graph.reading,
    metrics,
    // With the fault-free export (another period), the level comes from the case's own rows before the fault.
    window: {
      baselineStartMs,
      incidentStartMs,
      incidentEndMs: injectMs + PETSHOP_INCIDENT_MS,
      ...(noissue ? { levelStartMs: table.times[0]! } : {}),
    },
    noissueBaseline: noissue !== undefined,
  };
}
