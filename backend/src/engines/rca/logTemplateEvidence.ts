/**
 * Code-level evidence from log templates, per service, incident window against a fault-free one:
 * - error templates that are new to the service or rise beyond a Poisson test against its baseline rate (scaled
 *   by its traffic), split into those that name another service of the graph (a caller reporting its callee's
 *   failure: evidence for the named service, "blame") and those that do not (errors it originates: an exception
 *   and its stack trace);
 * - templates that vanished: frequent before, improbably rare now given the service's traffic (Poisson lower
 *   tail) — the mark of a wrong return or an early exception that skips the code that logged them.
 * Shares are taken over the whole case (a service's share of the case's new error lines), so they compare across
 * systems whatever their log volume. Each finding comes with the LogQL that shows it. Pure: lines in, evidence out.
 */
import { Drain } from './logparse/drain.ts';
import { isErrorLine, poissonLowerTailLog10, poissonUpperTailLog10 } from './logAnomaly.ts';
import { signatureNovelty } from './spanEvidence.ts';

export interface LogRecord {
  service: string;
  timeMs: number;
  message: string;
  level?: string | undefined;
  /** The span the line was written in, when the logs carry trace context. */
  traceId?: string;
  spanId?: string;
}

/** A span the log lines may be attached to (for per-operation log paths). */
export interface LoggedSpan {
  traceId: string;
  spanId: string;
  service: string;
  operation: string;
}

export interface LogPathChange {
  service: string;
  operation: string;
  /** Share of the operation's incident spans whose set of log templates is new, less the baseline's own variety. */
  change: number;
  spans: number;
  line: string;
  query: string;
}

export interface TemplateFinding {
  service: string;
  template: string;
  kind: 'new-error' | 'rising-error' | 'vanished';
  baselineCount: number;
  /** Baseline count scaled by the service's traffic change. */
  expected: number;
  count: number;
  /** Other services the template's lines name (for errors). */
  names: string[];
  query: string;
}

export interface ServiceLogEvidence {
  /** Share (0..1) of the case's new or rising error lines that are this service's own (naming no other service). */
  ownErrorShare: number;
  /** Share of the case's new or rising error lines, written by others, that name this service. */
  namedShare: number;
  /** The strongest vanished template: log2((expected + 1) / (count + 1)), 0 when none. */
  vanishedDoublings: number;
  /** The operation whose spans' log paths changed most (needs trace context on the lines and the spans). */
  path?: LogPathChange;
  findings: TemplateFinding[];
}

export interface LogTemplateEvidence {
  byService: Map<string, ServiceLogEvidence>;
  findings: TemplateFinding[];
  notes: string[];
}

/** −log10 p a count change must reach (p < 0.001), and the fewest incident lines of a new error template. */
export const TEMPLATE_SURPRISE = 3;
export const MIN_NEW_ERROR_LINES = 3;

/**
 * How a line may name a service: its name's letters and digits, and the same without the leading or trailing
 * words most services share (`ts-basic-service` → `tsbasicservice`, `basicservice`, `tsbasic`), so an entity
 * word that happens to be a service's core name (an `order` in `getOrderById`) is not read as naming it. A
 * service whose name has no shared words is named by its whole name (at least 4 characters).
 */
export function serviceKeys(services: readonly string[]): Map<string, string[]> {
  const tokens = services.map((s) =>
    s
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean)
  );
  const count = new Map<string, number>();
  for (const ts of tokens) {
    for (const t of new Set(ts)) {
      count.set(t, (count.get(t) ?? 0) + 1);
    }
  }
  const common = (t: string) => services.length > 2 && (count.get(t) ?? 0) > services.length / 2;
  const out = new Map<string, string[]>();
  services.forEach((s, i) => {
    const ts = tokens[i]!;
    const first = ts.findIndex((t) => !common(t));
    const last = ts.length - 1 - [...ts].reverse().findIndex((t) => !common(t));
    if (first < 0) {
      return;
    }
    const variants = new Set([ts.join(''), ts.slice(first).join(''), ts.slice(0, last + 1).join('')]);
    if (first > 0 && last < ts.length - 1) {
      // Shared words on both sides: the bare core word is too likely an entity name (`order`); not a variant.
      variants.delete(ts.slice(first, last + 1).join(''));
    }
    const kept = [...variants].filter((v) => v.length >= 4);
    if (kept.length > 0) {
      out.set(s, kept);
    }
  });
  return out;
}

/** Services a line names other than its writer: the longest match among the other services' name variants. */
export function namedServices(message: string, keys: ReadonlyMap<string, readonly string[]>, self: string): string[] {
  let text = message.toLowerCase().replace(/[^a-z0-9]+/g, '');
  for (const v of [...(keys.get(self) ?? [])].sort((a, b) => b.length - a.length)) {
    text = text.split(v).join(' ');
  }
  let best: string | undefined;
  let bestLen = 0;
  for (const [service, variants] of keys) {
    if (service === self) {
      continue;
    }
    for (const v of variants) {
      if (v.length > bestLen && text.includes(v)) {
        best = service;
        bestLen = v.length;
      }
    }
  }
  return best ? [best] : [];
}

/** LogQL for a template: the service's stream, filtered by the template's longest literal run. */
export function logqlFor(service: string, template: string): string {
  const literal = template
    .split(/<\*>|<[A-Z_]+>/)
    .map((s) => s.trim())
    .sort((a, b) => b.length - a.length)[0];
  const sel = `{service=${JSON.stringify(service)}}`;
  return literal ? `${sel} |= ${JSON.stringify(literal.slice(0, 120))}` : sel;
}

export function logTemplateEvidence(
  baseline: readonly LogRecord[],
  incident: readonly LogRecord[],
  services: readonly string[],
  spans?: { baseline: readonly LoggedSpan[]; incident: readonly LoggedSpan[] },
  parser: Drain = Drain.aidpe()
): LogTemplateEvidence {
  const notes: string[] = [];
  const mine = (lines: readonly LogRecord[]) =>
    [...lines]
      .filter((l) => l.service && typeof l.message === 'string' && l.message.trim() !== '')
      .sort((a, b) => a.timeMs - b.timeMs)
      .map((l) => ({
        line: l,
        cluster: parser.addLogMessage(l.message).cluster,
        error: isErrorLine(l.message, l.level),
      }));
  const base = mine(baseline);
  const inc = mine(incident);
  const keys = serviceKeys(services);
  // Per service and template text: counts, error flag and (incident) the services its lines name.
  type Cell = { b: number; i: number; error: boolean; names: Map<string, number> };
  const per = new Map<string, Map<string, Cell>>();
  const cell = (service: string, template: string): Cell => {
    const m = per.get(service) ?? new Map<string, Cell>();
    per.set(service, m);
    const c = m.get(template) ?? { b: 0, i: 0, error: false, names: new Map() };
    m.set(template, c);
    return c;
  };
  for (const x of base) {
    const c = cell(x.line.service, parser.template(x.cluster));
    c.b++;
    c.error ||= x.error;
  }
  for (const x of inc) {
    const c = cell(x.line.service, parser.template(x.cluster));
    c.i++;
    c.error ||= x.error;
    if (x.error) {
      for (const n of namedServices(x.line.message, keys, x.line.service)) {
        c.names.set(n, (c.names.get(n) ?? 0) + 1);
      }
    }
  }
  const findings: TemplateFinding[] = [];
  for (const [service, templates] of per) {
    // Traffic: the service's non-error lines now against before (at least one line each way).
    let nb = 0;
    let ni = 0;
    for (const c of templates.values()) {
      if (!c.error) {
        nb += c.b;
        ni += c.i;
      }
    }
    if (nb === 0) {
      notes.push(`${service}: no fault-free lines to compare with`);
    }
    const traffic = Math.max(ni, 1) / Math.max(nb, 1);
    for (const [template, c] of templates) {
      const expected = c.b * traffic;
      const names = [...c.names].sort((a, b) => b[1] - a[1]).map(([n]) => n);
      const base = {
        service,
        template,
        baselineCount: c.b,
        expected,
        count: c.i,
        names,
        query: logqlFor(service, template),
      };
      if (c.error && c.b === 0 && nb > 0 && c.i >= MIN_NEW_ERROR_LINES) {
        findings.push({ ...base, kind: 'new-error' });
      } else if (
        c.error &&
        c.b > 0 &&
        c.i > expected &&
        -poissonUpperTailLog10(c.i, Math.max(expected, 0.5)) >= TEMPLATE_SURPRISE
      ) {
        findings.push({ ...base, kind: 'rising-error' });
      } else if (!c.error && c.i < expected && ni > 0 && -poissonLowerTailLog10(c.i, expected) >= TEMPLATE_SURPRISE) {
        findings.push({ ...base, kind: 'vanished' });
      }
    }
  }
  // Shares of the case's excess error lines (over the expected count): own (naming nobody) and blame.
  const excess = (f: TemplateFinding) => Math.max(0, f.count - f.expected);
  const errors = findings.filter((f) => f.kind !== 'vanished');
  const total = errors.reduce((s, f) => s + excess(f), 0);
  const byService = new Map<string, ServiceLogEvidence>();
  const entry = (s: string): ServiceLogEvidence => {
    const e = byService.get(s) ?? { ownErrorShare: 0, namedShare: 0, vanishedDoublings: 0, findings: [] };
    byService.set(s, e);
    return e;
  };
  for (const f of findings) {
    const e = entry(f.service);
    e.findings.push(f);
    if (f.kind === 'vanished') {
      e.vanishedDoublings = Math.max(e.vanishedDoublings, Math.log2((f.expected + 1) / (f.count + 1)));
    } else if (total > 0) {
      if (f.names.length === 0) {
        e.ownErrorShare += excess(f) / total;
      } else {
        entry(f.names[0]!).namedShare += excess(f) / total;
      }
    }
  }
  if (spans) {
    for (const change of logPaths(base, inc, spans, parser)) {
      const e = entry(change.service);
      if (!e.path || change.change > e.path.change) {
        e.path = change;
      }
    }
  }
  return { byService, findings, notes };
}

/** Spans whose operation logs (at least this share of its fault-free spans has lines) are compared by log path. */
const LOGGING_OPERATION_SHARE = 0.5;

/**
 * Per operation: the set of templates each span wrote (its log path). A wrong return or an early exception skips
 * the code that logs, so spans show sets the fault-free window never had (see `signatureNovelty`).
 */
function logPaths(
  base: ReadonlyArray<{ line: LogRecord; cluster: Parameters<Drain['template']>[0] }>,
  inc: ReadonlyArray<{ line: LogRecord; cluster: Parameters<Drain['template']>[0] }>,
  spans: { baseline: readonly LoggedSpan[]; incident: readonly LoggedSpan[] },
  parser: Drain
): LogPathChange[] {
  const templatesBySpan = (mined: typeof base) => {
    const m = new Map<string, Set<string>>();
    for (const x of mined) {
      if (x.line.traceId && x.line.spanId) {
        const k = `${x.line.traceId}/${x.line.spanId}`;
        const set = m.get(k) ?? new Set<string>();
        set.add(parser.template(x.cluster));
        m.set(k, set);
      }
    }
    return m;
  };
  const byOp = (list: readonly LoggedSpan[], logged: Map<string, Set<string>>) => {
    const out = new Map<string, { signatures: string[]; withLines: number }>();
    for (const s of list) {
      const k = `${s.service}\u0000${s.operation}`;
      const o = out.get(k) ?? { signatures: [], withLines: 0 };
      const t = logged.get(`${s.traceId}/${s.spanId}`);
      o.signatures.push(t ? [...t].sort().join('\u0001') : '');
      o.withLines += t ? 1 : 0;
      out.set(k, o);
    }
    return out;
  };
  const before = byOp(spans.baseline, templatesBySpan(base));
  const after = byOp(spans.incident, templatesBySpan(inc));
  const out: LogPathChange[] = [];
  for (const [k, a] of after) {
    const b = before.get(k);
    if (
      !b ||
      b.signatures.length < 5 ||
      a.signatures.length < 5 ||
      b.withLines < LOGGING_OPERATION_SHARE * b.signatures.length
    ) {
      continue;
    }
    const n = signatureNovelty(b.signatures, a.signatures);
    if (n.surprise >= TEMPLATE_SURPRISE && n.share > n.expected) {
      const [service, operation] = k.split('\u0000') as [string, string];
      out.push({
        service,
        operation,
        change: Math.min(1, n.share - n.expected),
        spans: a.signatures.length,
        line: `${n.novel} of ${a.signatures.length} ${operation} spans logged a set of templates the fault-free window never had (${(100 * n.expected).toFixed(0)}% expected)`,
        query: `{service=${JSON.stringify(service)}}`,
      });
    }
  }
  return out;
}
