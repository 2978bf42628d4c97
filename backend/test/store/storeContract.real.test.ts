/**
 * One contract, two stores: SQLite (one file) and PostgreSQL (a real server started here, shared by two
 * store handles as two sidecar replicas would share it). Actions, compare-and-set, audit, automation
 * settings, feedback, and what survives a reopen.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ActionRecord } from '../../src/automation/types.ts';
import { PostgresStore, redactPostgresUrl } from '../../src/store/postgres.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import { STREAMING_STATE_VERSION, StreamingSeries, seriesFromState } from '../../src/engines/anomaly/streaming.ts';
import { DEFAULT_THRESHOLD } from '../../src/engines/anomaly/regions.ts';
import { startPostgres, type RunningPostgres } from '../helpers/postgresServer.ts';

function action(id: string, over: Partial<ActionRecord> = {}): ActionRecord {
  const at = over.createdAt ?? '2025-01-01T00:00:00.000Z';
  return {
    id,
    service: 'frontend',
    target: { service: 'frontend', namespace: 'shop', deployment: 'frontend', hpa: 'frontend' },
    policy: 'predictive',
    integration: 'parametric',
    mode: 'approve',
    status: 'pending_approval',
    reason: 'p90 forecast needs 4 replicas',
    proposed: { hpa: { minReplicas: 4 } },
    change: { hpa: { minReplicas: 4 } },
    guard: { outcome: 'allowed', decisions: [{ rule: 'hard_bounds', action: 'allowed', reason: 'within 1..10' }] },
    before: { replicas: 3, hpa: { minReplicas: 3, maxReplicas: 10, targetCpuUtilization: 0.7 } },
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

const audit = (subject: string, what = 'action.test') => ({
  actor: 'tester',
  action: what,
  subject,
  details: { n: 1 },
});

interface Backend {
  name: string;
  /** A fresh handle on the same database (another replica, or the same one after a restart). */
  open(): Promise<Store>;
  /** Tries to rewrite history behind the store's back. */
  tamper(): Promise<void>;
}

function contract(backend: () => Backend) {
  let a: Store;
  let b: Store;
  before(async () => {
    a = await backend().open();
    b = await backend().open();
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it('inserts, reads and lists actions newest first, filtered by status and service', async () => {
    await a.insertAction(action('a1', { createdAt: '2025-01-01T00:00:00.000Z' }), audit('a1'));
    await a.insertAction(action('a2', { createdAt: '2025-01-01T00:01:00.000Z', status: 'applied' }), audit('a2'));
    await a.insertAction(action('a3', { createdAt: '2025-01-01T00:02:00.000Z', service: 'cart' }), audit('a3'));
    assert.deepEqual((await b.getAction('a2'))?.before, action('a2').before, 'another handle sees the full record');
    assert.deepEqual((await b.listActions()).map((x) => x.id).slice(0, 3), ['a3', 'a2', 'a1']);
    assert.deepEqual(
      (await b.listActions({ statuses: ['pending_approval'], service: 'frontend' })).map((x) => x.id),
      ['a1']
    );
    assert.deepEqual(
      (await b.listActions({ limit: 1 })).map((x) => x.id),
      ['a3']
    );
    assert.equal(await b.getAction('nope'), undefined);
    await assert.rejects(a.insertAction(action('a1'), audit('a1')), 'ids are unique');
  });

  it('actions keep the order they were recorded in, whatever their timestamps (a clock set back by a restart)', async () => {
    await a.insertAction(action('t-future', { service: 'clock', createdAt: '2031-01-01T00:00:00.000Z' }), audit('t1'));
    await b.insertAction(action('t-now', { service: 'clock', createdAt: '2025-01-01T00:00:00.000Z' }), audit('t2'));
    assert.deepEqual(
      (await a.listActions({ service: 'clock' })).map((x) => x.id),
      ['t-now', 't-future']
    );
  });

  it('compare-and-set: of two replicas deciding the same pending action, exactly one wins', async () => {
    await a.insertAction(action('race'), audit('race'));
    const [x, y] = await Promise.all([
      a.updateAction(
        action('race', { status: 'applying', decidedBy: 'alice' }),
        ['pending_approval'],
        audit('race', 'action.approved')
      ),
      b.updateAction(
        action('race', { status: 'rejected', decidedBy: 'bob' }),
        ['pending_approval'],
        audit('race', 'action.rejected')
      ),
    ]);
    assert.equal(Number(x) + Number(y), 1);
    const stored = await a.getAction('race');
    assert.equal(stored?.decidedBy, x ? 'alice' : 'bob');
    const trail = (await a.listAudit(50)).filter((e) => e.subject === 'race').map((e) => e.action);
    assert.equal(trail.length, 2, 'the loser writes no audit entry');
  });

  it('writeActions: an update and an insert commit together, or (a stale compare-and-set) not at all', async () => {
    await a.insertAction(action('w1', { status: 'applied' }), audit('w1'));
    const ok = await a.writeActions([
      {
        action: action('w1', { status: 'rolling_back', rollbackActionId: 'w1-rb' }),
        expected: ['applied'],
        audit: audit('w1', 'action.rolling_back'),
      },
      { action: action('w1-rb', { status: 'applying', rollbackOf: 'w1' }), audit: audit('w1-rb') },
    ]);
    assert.equal(ok, true);
    assert.equal((await b.getAction('w1'))?.status, 'rolling_back');
    assert.equal((await b.getAction('w1-rb'))?.status, 'applying');
    const auditBefore = (await a.listAudit(1000)).length;
    const stale = await b.writeActions([
      { action: action('w1-rb2', { status: 'applying', rollbackOf: 'w1' }), audit: audit('w1-rb2') },
      { action: action('w1', { status: 'rolling_back' }), expected: ['applied'], audit: audit('w1') },
    ]);
    assert.equal(stale, false);
    assert.equal(await a.getAction('w1-rb2'), undefined, 'the insert before the stale update was rolled back');
    assert.equal((await a.listAudit(1000)).length, auditBefore, 'and so were its audit entries');
  });

  it('the audit trail is append-only and newest first', async () => {
    const e1 = await a.audit(
      { actor: 'x', action: 'first', subject: 's', details: { k: 'v' } },
      new Date('2025-01-02T00:00:00Z')
    );
    const e2 = await b.audit(
      { actor: 'y', action: 'second', subject: 's', details: {} },
      new Date('2025-01-02T00:00:01Z')
    );
    assert.ok(e2.id > e1.id);
    const [newest] = await a.listAudit(1);
    assert.equal(newest?.action, 'second');
    await assert.rejects(backend().tamper(), /append-only/);
  });

  it('automation settings round-trip and are audited when asked', async () => {
    assert.equal(await a.getAutomation('frontend'), undefined);
    const s = {
      service: 'frontend',
      mode: 'approve' as const,
      baselineHpa: { minReplicas: 3, maxReplicas: 12, targetCpuUtilization: 0.7 },
      breaker: { open: true, reason: 'bad outcomes', openedAt: '2025-01-01T00:00:00.000Z' },
      updatedAt: '2025-01-01T00:00:00.000Z',
      updatedBy: 'alice',
    };
    await a.putAutomation(s, { actor: 'alice', action: 'automation.mode', subject: 'frontend', details: {} });
    await b.putAutomation({ ...s, mode: 'autonomous' }, undefined);
    assert.deepEqual(await a.getAutomation('frontend'), { ...s, mode: 'autonomous' });
    assert.deepEqual(
      (await a.listAutomation()).map((x) => x.service),
      ['frontend']
    );
  });

  it('feedback moves the series threshold; everything survives a reopen', async () => {
    const fb = await a.addFeedback(
      {
        regionId: 'r1',
        seriesKey: '{service="cart"}',
        verdict: 'false_positive',
        user: 'ann',
        reason: 'deploy',
        thresholdBefore: 0.988,
        thresholdAfter: 0.993,
      },
      new Date('2025-01-03T00:00:00Z')
    );
    assert.ok(fb.id > 0);
    const reopened = await backend().open();
    try {
      assert.equal(await reopened.getThreshold('{service="cart"}'), 0.993);
      assert.equal((await reopened.listFeedback('{service="cart"}'))[0]?.user, 'ann');
      assert.equal((await reopened.getAction('a2'))?.status, 'applied');
      await reopened.ping();
    } finally {
      await reopened.close();
    }
  });

  it('detector states: batched writes replace by key, floats round-trip bit-exactly, and a restarted sidecar continues the stream', async () => {
    assert.equal(await a.getDetectorState('nope'), undefined);
    const awkward = [0.1 + 0.2, 5e-324, -1.7976931348623157e308, 1 / 3, 123456789.12345679, -0];
    await a.putDetectorStates([
      { key: 'k1', version: 1, state: { xs: awkward }, updatedAt: '2025-01-04T00:00:00.000Z' },
      { key: 'k2', version: 1, state: { xs: [1] }, updatedAt: '2025-01-04T00:00:00.000Z' },
    ]);
    await b.putDetectorStates([{ key: 'k2', version: 2, state: { xs: [2] }, updatedAt: '2025-01-04T00:01:00.000Z' }]);
    const k1 = await b.getDetectorState('k1');
    // JSON has no -0: it comes back as 0, as it would from any JSON store.
    assert.deepEqual(
      (k1?.state as { xs: number[] }).xs,
      awkward.map((x) => (Object.is(x, -0) ? 0 : x))
    );
    assert.deepEqual(await a.getDetectorState('k2'), {
      key: 'k2',
      version: 2,
      state: { xs: [2] },
      updatedAt: '2025-01-04T00:01:00.000Z',
    });

    // A stream scored in two halves across a "restart" (state written by one handle, read by a fresh one)
    // gives the same scores as one uninterrupted stream.
    const samples = Array.from(
      { length: 700 },
      (_, i) =>
        [
          1_700_000_000_000 + i * 60_000,
          50 + 10 * Math.sin(i / 30) + ((i * 7919) % 13) / 13 + (i === 650 ? 40 : 0),
        ] as const
    );
    const whole = new StreamingSeries('{service="cart"}', {}, 60_000).push(samples, DEFAULT_THRESHOLD).scores;
    const first = new StreamingSeries('{service="cart"}', {}, 60_000);
    const head = first.push(samples.slice(0, 400), DEFAULT_THRESHOLD).scores;
    await a.putDetectorStates([
      {
        key: 'api:60s:{service="cart"}',
        version: STREAMING_STATE_VERSION,
        state: first.snapshot(),
        updatedAt: '2025-01-04T00:02:00.000Z',
      },
    ]);
    const reopened = await backend().open();
    try {
      const stored = await reopened.getDetectorState('api:60s:{service="cart"}');
      assert.equal(stored?.version, STREAMING_STATE_VERSION);
      const resumed = seriesFromState('{service="cart"}', stored?.state, {}, 60_000);
      assert.ok('series' in resumed, 'discarded' in resumed ? resumed.discarded : '');
      const tail = resumed.series.push(samples, DEFAULT_THRESHOLD);
      assert.equal(tail.skippedStale, 400, 'the first 400 are not scored again');
      assert.deepEqual([...head, ...tail.scores], whole);
    } finally {
      await reopened.close();
    }
  });
}

describe('SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-store-'));
  const path = join(dir, 'aidpe.sqlite');
  after(() => rmSync(dir, { recursive: true, force: true }));
  contract(() => ({
    name: 'sqlite',
    open: async () => new SqliteStore(path),
    tamper: async () => {
      const s = new SqliteStore(path);
      try {
        (s as unknown as { db: { exec(sql: string): void } }).db.exec("UPDATE audit SET actor = 'mallory'");
      } finally {
        await s.close();
      }
    },
  }));
});

describe('PostgreSQL store', () => {
  let server: RunningPostgres;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });
  contract(() => ({
    name: 'postgres',
    open: () => PostgresStore.open(server.url),
    tamper: async () => {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      try {
        await c.query("DELETE FROM aidpe_audit WHERE actor = 'x'");
      } finally {
        await c.end();
      }
    },
  }));

  it('names the server without its password, and a server that is down is a clear error', async () => {
    assert.equal(redactPostgresUrl('postgres://u:secret@db:5432/aidpe'), 'postgres://u:***@db:5432/aidpe');
    await assert.rejects(
      PostgresStore.open('postgres://aidpe@127.0.0.1:1/postgres', { connectTimeoutMs: 500 }),
      /ECONNREFUSED|connect/
    );
  });
});
