/**
 * A loopback HTTP test double for connector tests: records every request (method, path, query,
 * form body, headers) and answers with whatever handler the current test installed.
 * `useHttpDouble` registers the node:test hooks that start, reset and stop it.
 */
import { after, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TelemetryError } from '../../src/telemetry/types.ts';
import type { TelemetryErrorKind } from '../../src/telemetry/types.ts';

export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  headers: IncomingMessage['headers'];
}

export type Handler = (req: Seen, res: ServerResponse, n: number) => void;

export interface HttpDouble {
  /** Set in `before`; read it inside tests, not at module load. */
  baseUrl: string;
  handler: Handler;
  seen: Seen[];
}

export function useHttpDouble(defaultHandler: Handler): HttpDouble {
  const double: HttpDouble = { baseUrl: '', handler: defaultHandler, seen: [] };
  let server: Server;
  const sockets = new Set<Socket>();
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const seen: Seen = {
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          form: new URLSearchParams(Buffer.concat(chunks).toString()),
          headers: req.headers,
        };
        double.seen.push(seen);
        double.handler(seen, res, double.seen.length);
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    double.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const socket of sockets) {
      socket.destroy();
    }
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    double.seen = [];
    double.handler = defaultHandler;
  });
  return double;
}

/** Asserts that the promise rejects with a TelemetryError of this kind from this source. */
export async function rejectsWithTelemetryError(
  p: Promise<unknown>,
  kind: TelemetryErrorKind,
  source: string,
  check?: (e: TelemetryError) => void
): Promise<TelemetryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TelemetryError, `expected TelemetryError, got ${String(e)}`);
    assert.equal(e.kind, kind, `kind of: ${e.message}`);
    assert.equal(e.source, source);
    check?.(e);
    return e;
  }
  assert.fail(`expected a ${kind} TelemetryError`);
}

/** Answers with a JSON body (a string is sent as is, so tests can send broken JSON). */
export const json = (res: ServerResponse, status: number, body: string | unknown): void => {
  res
    .writeHead(status, { 'Content-Type': 'application/json' })
    .end(typeof body === 'string' ? body : JSON.stringify(body));
};

/** Answers with a plain-text body, as Loki and Tempo do for errors. */
export const text = (res: ServerResponse, status: number, body: string): void => {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
};
