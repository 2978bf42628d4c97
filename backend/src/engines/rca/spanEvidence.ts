/**
 * Code-level evidence from spans, per operation (service + span name), incident window against a fault-free one:
 * - structure: the set of child calls each span makes (its "call signature": the child operations, with their
 *   counts). Deterministic code gives an operation few signatures; a code fault makes new ones — an exception
 *   ends the span before its later calls, a wrong return takes another path. The change of an operation is the
 *   share of its incident spans whose signature the fault-free window never had, less the share the fault-free
 *   window itself shows between its two halves (its own variety), when a Poisson test on the count of novel
 *   spans reaches p < 0.001. The child calls whose rate moved most are named in the line.
 * - latency: the distribution of the operation's own time (span minus its children), both ways (a wrong return
 *   is often faster), as the effect size |2·AUC − 1| of a Mann-Whitney test that must reach |z| ≥ 3. Operations
 *   that mostly wait on a call to another service are left to the wire-time attribution (their own time is the wire).
 * - trace length: spans per trace under each root operation, the same way (a truncated request has fewer).
 * Each comes with the TraceQL that shows the operation's spans (for Explore). Pure: spans in, evidence out.
 */
import { poissonUpperTailLog10 } from './logAnomaly.ts';

export interface OperationSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  service: string;
  operation: string;
  startMs: number;
  durationMs: number;
}

export interface OperationChange {
  service: string;
  operation: string;
  kind: 'structure' | 'latency' | 'trace-length';
  /** 0..1 (structure distance, latency effect size). */
  change: number;
  baselineSpans: number;
  incidentSpans: number;
  line: string;
  /** TraceQL that shows the operation's spans. */
  query: string;
}

export interface SpanEvidence {
  /** Per service: its strongest structure, latency and trace-length change (absent when none is significant). */
  byService: Map<string, { structure?: OperationChange; latency?: OperationChange; traceLength?: OperationChange }>;
  operations: OperationChange[];
}

/** Fewer spans of an operation than this in either window: too few to call a change. */
export const MIN_SPANS_PER_OPERATION = 5;
/** −log10 p a child-call count change must reach (p < 0.001). */
export const STRUCTURE_SURPRISE = 3;
/** |z| of the Mann-Whitney statistic a latency change must reach. */
export const LATENCY_Z = 3;

const opKey = (service: string, operation: string): string => `${service}\u0000${operation}`;
const q = (s: string): string => JSON.stringify(s);

export function traceqlFor(service: string, operation: string): string {
  return `{ resource.service.name = ${q(service)} && name = ${q(operation)} }`;
}

interface OpProfile {
  spans: number;
  /** Call signature of each span (sorted child keys with counts), in time order. */
  signatures: string[];
  /** Child key (service + operation) → number of such children over all spans. */
  children: Map<string, number>;
  /** Own time per span (duration minus the summed children, at least 0). */
  ownMs: number[];
  /** Spans whose time is mostly a call to another service (client spans). */
  remoteWaiting: number;
  /** For root spans: spans per trace. */
  traceSizes: number[];
}

/** A multiset of keys as one string (sorted, with counts). */
export function signatureOf(keys: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const k of keys) {
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, n]) => `${k}×${n}`)
    .join('|');
}

/**
 * Novelty of incident signatures against fault-free ones: the share of incident items whose signature the
 * baseline never had, the baseline's own novelty between its halves (its variety), and the Poisson surprise of
 * the incident's novel count under that rate.
 */
export function signatureNovelty(
  baseline: readonly string[],
  incident: readonly string[]
): { share: number; expected: number; surprise: number; novel: number } {
  const seen = new Set(baseline);
  const novel = incident.filter((x) => !seen.has(x)).length;
  const half = baseline.length >> 1;
  const [a, b] = [baseline.slice(0, half), baseline.slice(half)];
  const rate = (from: readonly string[], to: readonly string[]) => {
    const s = new Set(from);
    return to.length ? to.filter((x) => !s.has(x)).length / to.length : 0;
  };
  // The baseline's variety (halves against each other), at least half a novel item per baseline.
  const expected = Math.max((rate(a, b) + rate(b, a)) / 2, 0.5 / Math.max(1, baseline.length));
  const surprise = novel > expected * incident.length ? -poissonUpperTailLog10(novel, expected * incident.length) : 0;
  return { share: incident.length ? novel / incident.length : 0, expected, surprise, novel };
}

function profiles(spans: readonly OperationSpan[]): Map<string, OpProfile> {
  const byId = new Map<string, OperationSpan>();
  for (const s of spans) {
    byId.set(`${s.traceId}/${s.spanId}`, s);
  }
  const kids = new Map<string, OperationSpan[]>();
  const traceSize = new Map<string, number>();
  for (const s of spans) {
    traceSize.set(s.traceId, (traceSize.get(s.traceId) ?? 0) + 1);
    if (s.parentSpanId && byId.has(`${s.traceId}/${s.parentSpanId}`)) {
      const k = `${s.traceId}/${s.parentSpanId}`;
      const xs = kids.get(k) ?? [];
      xs.push(s);
      kids.set(k, xs);
    }
  }
  const out = new Map<string, OpProfile>();
  for (const s of spans) {
    const key = opKey(s.service, s.operation);
    const p: OpProfile = out.get(key) ?? {
      spans: 0,
      signatures: [],
      children: new Map(),
      ownMs: [],
      remoteWaiting: 0,
      traceSizes: [],
    };
    p.spans++;
    const children = kids.get(`${s.traceId}/${s.spanId}`) ?? [];
    p.signatures.push(signatureOf(children.map((c) => opKey(c.service, c.operation))));
    let childMs = 0;
    let remoteMs = 0;
    for (const c of children) {
      const ck = opKey(c.service, c.operation);
      p.children.set(ck, (p.children.get(ck) ?? 0) + 1);
      childMs += c.durationMs;
      if (c.service !== s.service) {
        remoteMs += c.durationMs;
      }
    }
    if (remoteMs > 0.5 * s.durationMs) {
      p.remoteWaiting++;
    }
    p.ownMs.push(Math.max(0, s.durationMs - Math.min(childMs, s.durationMs)));
    if (!s.parentSpanId) {
      p.traceSizes.push(traceSize.get(s.traceId) ?? 1);
    }
    out.set(key, p);
  }
  return out;
}

/** Mann-Whitney: AUC = P(incident > baseline) (+½ ties) and the normal-approximation z (tie-corrected). */
export function mannWhitney(baseline: readonly number[], incident: readonly number[]): { auc: number; z: number } {
  const all = [...baseline.map((v) => ({ v, inc: false })), ...incident.map((v) => ({ v, inc: true }))].sort(
    (a, b) => a.v - b.v
  );
  let rankSumInc = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) {
      j++;
    }
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k++) {
      if (all[k]!.inc) {
        rankSumInc += rank;
      }
    }
    i = j + 1;
  }
  const n1 = incident.length;
  const n2 = baseline.length;
  const u = rankSumInc - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  return { auc: u / (n1 * n2), z: variance > 0 ? (u - (n1 * n2) / 2) / Math.sqrt(variance) : 0 };
}

const label = (key: string): string => key.replace('\u0000', ' ');

export function spanEvidence(baseline: readonly OperationSpan[], incident: readonly OperationSpan[]): SpanEvidence {
  const before = profiles(baseline);
  const after = profiles(incident);
  const operations: OperationChange[] = [];
  for (const [key, a] of after) {
    const b = before.get(key);
    if (!b || a.spans < MIN_SPANS_PER_OPERATION || b.spans < MIN_SPANS_PER_OPERATION) {
      continue;
    }
    const [service, operation] = key.split('\u0000') as [string, string];
    const base = {
      service,
      operation,
      baselineSpans: b.spans,
      incidentSpans: a.spans,
      query: traceqlFor(service, operation),
    };
    // Structure: novel call signatures, and which child calls moved most (for the line).
    const novelty = signatureNovelty(b.signatures, a.signatures);
    if (novelty.surprise >= STRUCTURE_SURPRISE && novelty.share > novelty.expected) {
      const moved = [...new Set([...a.children.keys(), ...b.children.keys()])]
        .map((ck) => ({ ck, rb: (b.children.get(ck) ?? 0) / b.spans, ra: (a.children.get(ck) ?? 0) / a.spans }))
        .sort((x, y) => Math.abs(y.ra - y.rb) - Math.abs(x.ra - x.rb))
        .slice(0, 3)
        .filter((m) => m.ra !== m.rb)
        .map(
          (m) =>
            `${label(m.ck)} ${m.rb.toFixed(2)} → ${m.ra.toFixed(2)} per span${m.rb === 0 ? ' (new call path)' : m.ra === 0 ? ' (call path vanished)' : ''}`
        );
      operations.push({
        ...base,
        kind: 'structure',
        change: Math.min(1, novelty.share - novelty.expected),
        line: `${novelty.novel} of ${a.spans} ${operation} spans make calls the fault-free window never saw (${(100 * novelty.expected).toFixed(0)}% expected)${moved.length ? `: ${moved.join('; ')}` : ''}`,
      });
    }
    // Own-time distribution, unless the operation mostly waits on another service (then it is wire time).
    if (a.remoteWaiting < 0.5 * a.spans && b.remoteWaiting < 0.5 * b.spans) {
      const mw = mannWhitney(b.ownMs, a.ownMs);
      if (Math.abs(mw.z) >= LATENCY_Z) {
        const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
        operations.push({
          ...base,
          kind: 'latency',
          change: Math.abs(2 * mw.auc - 1),
          line: `own time of ${operation} ${mw.auc > 0.5 ? 'rose' : 'fell'}: median ${med(b.ownMs).toFixed(1)} → ${med(a.ownMs).toFixed(1)} ms (${(100 * mw.auc).toFixed(0)}% of incident spans slower than a fault-free one)`,
        });
      }
    }
    if (a.traceSizes.length >= MIN_SPANS_PER_OPERATION && b.traceSizes.length >= MIN_SPANS_PER_OPERATION) {
      const mw = mannWhitney(b.traceSizes, a.traceSizes);
      if (Math.abs(mw.z) >= LATENCY_Z) {
        const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
        operations.push({
          ...base,
          kind: 'trace-length',
          change: Math.abs(2 * mw.auc - 1),
          line: `traces under ${operation} ${mw.auc > 0.5 ? 'grew' : 'shrank'}: ${mean(b.traceSizes).toFixed(1)} → ${mean(a.traceSizes).toFixed(1)} spans per trace`,
        });
      }
    }
  }
  const byService: SpanEvidence['byService'] = new Map();
  for (const o of operations) {
    const entry = byService.get(o.service) ?? {};
    const slot = o.kind === 'structure' ? 'structure' : o.kind === 'latency' ? 'latency' : 'traceLength';
    if (!entry[slot] || o.change > entry[slot]!.change) {
      entry[slot] = o;
    }
    byService.set(o.service, entry);
  }
  return { byService, operations };
}
