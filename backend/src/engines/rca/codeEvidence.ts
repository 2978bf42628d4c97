/**
 * Code-level evidence per service as typed signals for the ranking: from spans with operation names (call
 * signatures, own-time distributions: `spanEvidence.ts`) and from log lines (own error templates, blame in other
 * services' errors, vanished templates, per-operation log paths: `logTemplateEvidence.ts`), each against a
 * fault-free window. Any source may pass what it has: without operation names or logs the matching signals are
 * simply absent. Pure: plain data in, signals out.
 */
import { logTemplateEvidence, type LogRecord, type LogTemplateEvidence } from './logTemplateEvidence.ts';
import type { EvidenceSignal } from './rank.ts';
import { spanEvidence, type OperationSpan, type SpanEvidence } from './spanEvidence.ts';

export interface CodeEvidenceInput {
  /** Spans with operation names, fault-free and incident (omit either: no span evidence). */
  spans?: { baseline: readonly OperationSpan[]; incident: readonly OperationSpan[] };
  /** Log lines, fault-free and incident (with trace and span ids when the source has them). */
  logs?: { baseline: readonly LogRecord[]; incident: readonly LogRecord[] };
  /** Every service of the graph (how a log line names another service). */
  services: readonly string[];
}

export interface CodeEvidence {
  signals: Map<string, EvidenceSignal[]>;
  spans: SpanEvidence | undefined;
  logs: LogTemplateEvidence | undefined;
}

/** A share (0..1) as a signal strength whose squash (1 − e^−s) gives the share back. */
export const shareStrength = (share: number): number => -Math.log(1 - Math.min(0.999, Math.max(0, share)));

export function codeEvidence(input: CodeEvidenceInput): CodeEvidence {
  const spans = input.spans ? spanEvidence(input.spans.baseline, input.spans.incident) : undefined;
  const logs = input.logs
    ? logTemplateEvidence(
        input.logs.baseline,
        input.logs.incident,
        input.services,
        input.spans ? { baseline: input.spans.baseline, incident: input.spans.incident } : undefined
      )
    : undefined;
  const signals = new Map<string, EvidenceSignal[]>();
  const push = (service: string, s: EvidenceSignal) => signals.set(service, [...(signals.get(service) ?? []), s]);
  for (const [service, sp] of spans?.byService ?? []) {
    if (sp.structure) {
      push(service, {
        kind: 'span-structure',
        strength: shareStrength(sp.structure.change),
        line: sp.structure.line,
        query: { language: 'traceql', query: sp.structure.query },
      });
    }
    if (sp.latency) {
      push(service, {
        kind: 'op-latency',
        strength: shareStrength(sp.latency.change),
        line: sp.latency.line,
        query: { language: 'traceql', query: sp.latency.query },
      });
    }
  }
  for (const [service, lg] of logs?.byService ?? []) {
    if (lg.ownErrorShare > 0) {
      const f = lg.findings.find((x) => x.kind !== 'vanished' && x.names.length === 0);
      push(service, {
        kind: 'log-errors',
        strength: shareStrength(lg.ownErrorShare),
        line: `error log template${f ? ` "${f.template.slice(0, 120)}" ${f.baselineCount} → ${f.count}` : 's'} it writes without naming another service (${(100 * lg.ownErrorShare).toFixed(0)}% of the incident's new error lines)`,
        ...(f ? { query: { language: 'logql' as const, query: f.query } } : {}),
      });
    }
    if (lg.namedShare > 0) {
      push(service, {
        kind: 'log-named',
        strength: shareStrength(lg.namedShare),
        line: `other services' new error lines name it (${(100 * lg.namedShare).toFixed(0)}% of the incident's new error lines)`,
        query: { language: 'logql', query: `{service=~".+"} |~ ${JSON.stringify(service)}` },
      });
    }
    const vanished = lg.findings.filter((f) => f.kind === 'vanished').sort((a, b) => b.expected - a.expected)[0];
    if (lg.vanishedDoublings > 0 && vanished) {
      push(service, {
        kind: 'log-vanished',
        strength: lg.vanishedDoublings,
        line: `log template "${vanished.template.slice(0, 120)}" stopped: ${vanished.expected.toFixed(0)} expected from its traffic, ${vanished.count} seen`,
        query: { language: 'logql', query: vanished.query },
      });
    }
    if (lg.path) {
      push(service, {
        kind: 'log-path',
        strength: shareStrength(lg.path.change),
        line: lg.path.line,
        query: { language: 'logql', query: lg.path.query },
      });
    }
  }
  return { signals, spans, logs };
}
