/**
 * A loopback stand-in for Loki and Tempo (their binaries cannot run here): it accepts what the push
 * clients send — Loki's push API (`POST /loki/api/v1/push`, JSON) and OTLP/HTTP JSON (`POST /v1/traces`) —
 * and serves it back through the read APIs the sidecar's connectors use, shaped as the documented
 * answers: Loki `GET /loki/api/v1/query_range` (streams; start inclusive, end exclusive, `limit` entries,
 * `direction`), Tempo `GET /api/traces/<id>` (OTLP in the protobuf JSON mapping Tempo answers with: base64
 * ids, enum names) and `GET /api/search` (start/end in seconds, `limit`, `tags`). It also records every
 * request, and can be told to fail the next pushes.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

interface StoredEntry {
  ns: bigint;
  line: string;
}

interface OtlpSpanIn {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: unknown[];
  events?: unknown[];
  status?: { code?: number; message?: string };
}

interface StoredSpan {
  resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
  scope: { name: string };
  span: OtlpSpanIn;
}

const KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `{a="x", b=~"y|z"}` → matchers. */
function parseSelector(query: string): Array<{ label: string; op: '=' | '=~' | '!='; value: string }> {
  const m = /^\s*\{(.*)\}\s*$/.exec(query);
  if (!m) {
    throw new Error(`parse error: ${query}`);
  }
  const out: Array<{ label: string; op: '=' | '=~' | '!='; value: string }> = [];
  for (const part of m[1]!.split(',').filter((p) => p.trim() !== '')) {
    const kv = /^\s*(\w+)\s*(=~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(part);
    if (!kv) {
      throw new Error(`parse error at ${part}`);
    }
    out.push({ label: kv[1]!, op: kv[2] as '=' | '=~' | '!=', value: JSON.parse(`"${kv[3]!}"`) as string });
  }
  return out;
}

export class TelemetryStore {
  readonly requests: RecordedRequest[] = [];
  /** Stream key (sorted label JSON) → labels and entries. */
  readonly streams = new Map<string, { labels: Record<string, string>; entries: StoredEntry[] }>();
  /** Trace id (hex) → spans. */
  readonly traces = new Map<string, StoredSpan[]>();
  /** Answer the next N pushes with this status (e.g. 503), then accept again. */
  failNext: { count: number; status: number } = { count: 0, status: 503 };
  private server: Server | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, body, type }) => {
          res.writeHead(status, { 'content-type': type ?? 'application/json' });
          res.end(body);
        },
        (err: Error) => {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end(err.message);
        }
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  lineCount(): number {
    return [...this.streams.values()].reduce((n, s) => n + s.entries.length, 0);
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: string; type?: string }> {
    const u = new URL(req.url ?? '/', 'http://store');
    const text = req.method === 'POST' ? await readBody(req) : '';
    const body = text && req.headers['content-type']?.includes('json') ? (JSON.parse(text) as unknown) : text;
    this.requests.push({
      method: req.method ?? '',
      path: u.pathname,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body,
    });
    if (req.method === 'POST' && this.failNext.count > 0) {
      this.failNext.count--;
      return { status: this.failNext.status, body: 'upstream unavailable', type: 'text/plain' };
    }
    if (u.pathname === '/ready') {
      return { status: 200, body: 'ready', type: 'text/plain' };
    }
    if (req.method === 'POST' && u.pathname === '/loki/api/v1/push') {
      this.acceptLoki(body);
      return { status: 204, body: '' };
    }
    if (req.method === 'POST' && u.pathname === '/v1/traces') {
      this.acceptOtlp(body);
      return { status: 200, body: '{}' };
    }
    if (u.pathname === '/loki/api/v1/query_range') {
      return { status: 200, body: JSON.stringify(this.queryRange(u.searchParams)) };
    }
    const byId = /^\/api\/traces\/([0-9a-fA-F]{1,32})$/.exec(u.pathname);
    if (byId) {
      const trace = this.traceBody(byId[1]!.toLowerCase().padStart(32, '0'));
      return trace
        ? { status: 200, body: JSON.stringify(trace) }
        : { status: 404, body: 'trace not found', type: 'text/plain' };
    }
    if (u.pathname === '/api/search') {
      return { status: 200, body: JSON.stringify(this.search(u.searchParams)) };
    }
    return { status: 404, body: `no route ${u.pathname}`, type: 'text/plain' };
  }

  private acceptLoki(body: unknown): void {
    const streams = (body as { streams?: unknown }).streams;
    if (!Array.isArray(streams)) {
      throw new Error('streams: expected a list');
    }
    for (const s of streams as Array<{ stream: Record<string, string>; values: Array<[string, string]> }>) {
      const key = JSON.stringify(Object.entries(s.stream).sort());
      const stored = this.streams.get(key) ?? { labels: { ...s.stream }, entries: [] };
      for (const [ns, line] of s.values) {
        if (!/^\d+$/.test(ns) || typeof line !== 'string') {
          throw new Error(`bad entry ${JSON.stringify([ns, line])}`);
        }
        stored.entries.push({ ns: BigInt(ns), line });
      }
      this.streams.set(key, stored);
    }
  }

  private acceptOtlp(body: unknown): void {
    const rs = (body as { resourceSpans?: unknown }).resourceSpans;
    if (!Array.isArray(rs)) {
      throw new Error('resourceSpans: expected a list');
    }
    for (const r of rs as Array<{
      resource: StoredSpan['resource'];
      scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpanIn[] }>;
    }>) {
      for (const ss of r.scopeSpans) {
        for (const span of ss.spans) {
          const id = span.traceId.toLowerCase();
          this.traces.set(id, [...(this.traces.get(id) ?? []), { resource: r.resource, scope: ss.scope, span }]);
        }
      }
    }
  }

  /** Loki's streams answer: matching streams, entries in [start, end), `limit` in `direction` order. */
  private queryRange(p: URLSearchParams): unknown {
    const matchers = parseSelector(p.get('query') ?? '');
    const start = BigInt(p.get('start') ?? '0');
    const end = BigInt(p.get('end') ?? `${BigInt(Date.now()) * 1_000_000n}`);
    const limit = Number(p.get('limit') ?? 100);
    const backward = (p.get('direction') ?? 'backward') === 'backward';
    const all: Array<{ labels: Record<string, string>; e: StoredEntry }> = [];
    for (const s of this.streams.values()) {
      const ok = matchers.every((m) => {
        const v = s.labels[m.label] ?? '';
        return m.op === '=' ? v === m.value : m.op === '!=' ? v !== m.value : new RegExp(`^(?:${m.value})$`).test(v);
      });
      if (ok) {
        for (const e of s.entries) {
          if (e.ns >= start && e.ns < end) {
            all.push({ labels: s.labels, e });
          }
        }
      }
    }
    all.sort((a, b) => (a.e.ns < b.e.ns ? -1 : a.e.ns > b.e.ns ? 1 : 0) * (backward ? -1 : 1));
    const result = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
    for (const { labels, e } of all.slice(0, limit)) {
      const key = JSON.stringify(labels);
      const r = result.get(key) ?? { stream: labels, values: [] };
      r.values.push([e.ns.toString(), e.line]);
      result.set(key, r);
    }
    return { status: 'success', data: { resultType: 'streams', result: [...result.values()], stats: {} } };
  }

  /** Tempo's trace-by-id body: one batch per resource, base64 ids, enum names. */
  private traceBody(id: string): unknown {
    const spans = this.traces.get(id);
    if (!spans) {
      return undefined;
    }
    const batches = new Map<
      string,
      { resource: StoredSpan['resource']; scopeSpans: Array<{ scope: { name: string }; spans: unknown[] }> }
    >();
    for (const s of spans) {
      const key = JSON.stringify(s.resource);
      const b = batches.get(key) ?? { resource: s.resource, scopeSpans: [{ scope: s.scope, spans: [] }] };
      const sp = s.span;
      b.scopeSpans[0]!.spans.push({
        traceId: b64(sp.traceId),
        spanId: b64(sp.spanId),
        ...(sp.parentSpanId ? { parentSpanId: b64(sp.parentSpanId) } : {}),
        name: sp.name,
        kind: KIND_NAMES[sp.kind] ?? 'SPAN_KIND_UNSPECIFIED',
        startTimeUnixNano: sp.startTimeUnixNano,
        endTimeUnixNano: sp.endTimeUnixNano,
        ...(sp.attributes ? { attributes: sp.attributes } : {}),
        ...(sp.events ? { events: sp.events } : {}),
        status: {
          ...(sp.status?.code ? { code: STATUS_NAMES[sp.status.code] } : {}),
          ...(sp.status?.message ? { message: sp.status.message } : {}),
        },
      });
      batches.set(key, b);
    }
    return { batches: [...batches.values()] };
  }

  /** Tempo's search answer: traces starting in [start, end] (seconds), newest first, at most `limit`. */
  private search(p: URLSearchParams): unknown {
    const startS = p.has('start') ? Number(p.get('start')) : 0;
    const endS = p.has('end') ? Number(p.get('end')) : Infinity;
    const limit = Number(p.get('limit') ?? 20);
    const service = /service\.name=("?)([^\s"]+)\1/.exec(p.get('tags') ?? '')?.[2];
    const out: Array<{
      traceID: string;
      rootServiceName: string;
      rootTraceName: string;
      startTimeUnixNano: string;
      durationMs: number;
    }> = [];
    for (const [id, spans] of this.traces) {
      const root = spans.find((s) => !s.span.parentSpanId);
      if (!root) {
        continue;
      }
      const startNs = BigInt(root.span.startTimeUnixNano);
      const startSec = Number(startNs / 1_000_000_000n);
      if (startSec < startS || startSec > endS) {
        continue;
      }
      const svc = (s: StoredSpan) =>
        s.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
      if (service !== undefined && !spans.some((s) => svc(s) === service)) {
        continue;
      }
      out.push({
        traceID: id,
        rootServiceName: svc(root),
        rootTraceName: root.span.name,
        startTimeUnixNano: root.span.startTimeUnixNano,
        durationMs: Math.round(Number(BigInt(root.span.endTimeUnixNano) - startNs) / 1e6),
      });
    }
    out.sort((a, b) => (BigInt(b.startTimeUnixNano) > BigInt(a.startTimeUnixNano) ? 1 : -1));
    return { traces: out.slice(0, limit), metrics: { inspectedTraces: this.traces.size } };
  }
}
