/**
 * Where the long-running engines run: a pool of worker threads, so the event loop — health, metrics, cheap
 * routes — never waits on a forecast ensemble, an ensemble anomaly scoring or an RCA ranking.
 *
 * - Each request runs as one task (tasks.ts) on one worker; tasks queue when every worker is busy.
 * - A global limit: at most `maxQueued` tasks wait; beyond it a task is refused at once (ComputeOverloadedError
 *   → 503 with Retry-After) rather than queued behind minutes of work.
 * - A per-task time limit: a task still running after `timeoutMs` has its worker terminated (and replaced), and
 *   fails with ComputeTimeLimitError (→ 503 saying to narrow the request).
 * - Cancellation: when the request's signal aborts (the client went away), a queued task is dropped and a running
 *   one has its worker terminated, so nobody's CPU goes to an answer nobody reads.
 *
 * Workers import the same pure engine and use-case modules through tsx (bootstrap.mjs). `InlineCompute` runs the
 * same tasks in the calling thread, for the CLI and evaluations (no limits, no isolation).
 */
import { Worker } from 'node:worker_threads';
import { defaultWorkerCount } from '../config/config.ts';
import { BadRequestError } from '../usecases/errors.ts';
import { TASKS, type TaskInput, type TaskName, type TaskOutput } from './tasks.ts';

export interface RunOptions {
  /** Aborts the task (queued: dropped; running: its worker is terminated). */
  signal?: AbortSignal | undefined;
}

/** Runs engine tasks; the use cases depend on this, not on threads. */
export interface Compute {
  run<K extends TaskName>(task: K, input: TaskInput<K>, opts?: RunOptions): Promise<TaskOutput<K>>;
  stats(): ComputeStats;
  close(): Promise<void>;
}

export interface ComputeStats {
  workers: number;
  busy: number;
  queued: number;
  /** Since start: tasks refused because the queue was full, stopped at the time limit, cancelled by the client. */
  refused: number;
  timedOut: number;
  cancelled: number;
}

/** The queue is full: try again after `retryAfterSeconds`. */
export class ComputeOverloadedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(
      `compute: the sidecar is busy (every engine worker is taken and the queue is full); try again in ${retryAfterSeconds} s`
    );
    this.name = 'ComputeOverloadedError';
  }
}

/** The task ran past its time limit and was stopped. */
export class ComputeTimeLimitError extends Error {
  constructor(readonly limitMs: number) {
    super(
      `compute: the request needed more than ${limitMs < 1000 ? `${limitMs} ms` : `${Math.round(limitMs / 1000)} s`} of computation and was stopped; narrow it (a shorter range, a larger step, fewer series)`
    );
    this.name = 'ComputeTimeLimitError';
  }
}

/** The request was cancelled (its client went away). */
export class ComputeCancelledError extends Error {
  constructor() {
    super('compute: cancelled (the client went away)');
    this.name = 'ComputeCancelledError';
  }
}

/** An error thrown inside a task, as the worker reports it. */
export interface TaskFailure {
  name: string;
  message: string;
  field?: string;
}

/** Rebuilds a task's error in the calling thread: field errors stay 400s that name their field. */
export function taskError(f: TaskFailure): Error {
  if (f.field !== undefined) {
    const prefix = `${f.field}: `;
    return new BadRequestError(f.field, f.message.startsWith(prefix) ? f.message.slice(prefix.length) : f.message);
  }
  const err = new Error(f.message);
  err.name = f.name;
  return err;
}

export function failureOf(err: unknown): TaskFailure {
  const e = err as Error & { field?: unknown };
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(err),
    ...(typeof e?.field === 'string' ? { field: e.field } : {}),
  };
}

export interface PoolOptions {
  /** Worker threads (default: the cores less one, 1 to 4). */
  workers?: number;
  /** Tasks that may wait for a worker; beyond this new tasks are refused (default 32). */
  maxQueued?: number;
  /** A task running longer is stopped (default 25 s, under Grafana's 30 s proxy timeout). */
  timeoutMs?: number;
}

interface Job {
  id: number;
  task: TaskName;
  input: unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker | undefined;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);

export class WorkerPool implements Compute {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private readonly maxQueued: number;
  private readonly timeoutMs: number;
  private nextId = 1;
  private closed = false;
  private readonly counts = { refused: 0, timedOut: 0, cancelled: 0 };

  constructor(opts: PoolOptions = {}) {
    const n = Math.max(1, opts.workers ?? defaultWorkerCount());
    this.slots = Array.from({ length: n }, () => ({ worker: undefined, job: undefined, timer: undefined }));
    this.maxQueued = opts.maxQueued ?? 32;
    this.timeoutMs = opts.timeoutMs ?? 25_000;
  }

  run<K extends TaskName>(task: K, input: TaskInput<K>, opts: RunOptions = {}): Promise<TaskOutput<K>> {
    if (this.closed) {
      return Promise.reject(new Error('compute: the pool is closed'));
    }
    if (opts.signal?.aborted) {
      this.counts.cancelled++;
      return Promise.reject(new ComputeCancelledError());
    }
    const idle = this.slots.find((s) => !s.job);
    if (!idle && this.queue.length >= this.maxQueued) {
      this.counts.refused++;
      return Promise.reject(new ComputeOverloadedError(this.retryAfterSeconds()));
    }
    return new Promise<TaskOutput<K>>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        task,
        input,
        resolve: resolve as (v: unknown) => void,
        reject,
        signal: opts.signal,
      };
      if (opts.signal) {
        job.onAbort = () => this.cancel(job);
        opts.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      if (idle) {
        this.start(idle, job);
      } else {
        this.queue.push(job);
      }
    });
  }

  /** A rough wait: the queue's length in rounds of the workers, at a few seconds per task. */
  private retryAfterSeconds(): number {
    return Math.min(30, Math.max(1, Math.ceil((this.queue.length / this.slots.length) * 2)));
  }

  private spawn(slot: Slot): Worker {
    const worker = new Worker(BOOTSTRAP, { stdout: false, stderr: false });
    worker.unref();
    worker.on('message', (msg: { id: number; started?: true; ok: boolean; value?: unknown; error?: TaskFailure }) => {
      const job = slot.job;
      if (!job || job.id !== msg.id) {
        return;
      }
      if (msg.started) {
        this.startTimer(slot);
        return;
      }
      this.finish(slot);
      if (msg.ok) {
        job.resolve(msg.value);
      } else {
        job.reject(taskError(msg.error!));
      }
    });
    const lost = (err: Error) => {
      if (slot.worker !== worker) {
        return; // terminated on purpose and already replaced
      }
      slot.worker = undefined;
      const job = slot.job;
      if (job) {
        this.finish(slot);
        job.reject(new Error(`compute: the engine worker stopped (${err.message})`));
      }
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`exit code ${code}`)));
    return worker;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker ??= this.spawn(slot);
    slot.worker.ref();
    slot.worker.postMessage({ id: job.id, task: job.task, input: job.input });
  }

  /** The task's time limit, from the moment the worker starts computing (a fresh worker loads the engines first). */
  private startTimer(slot: Slot): void {
    if (slot.timer) {
      clearTimeout(slot.timer);
    }
    slot.timer = setTimeout(() => {
      this.counts.timedOut++;
      this.kill(slot, new ComputeTimeLimitError(this.timeoutMs));
    }, this.timeoutMs);
  }

  /** Frees the slot (the worker stays for the next task) and starts the next queued job. */
  private finish(slot: Slot): void {
    const job = slot.job;
    if (slot.timer) {
      clearTimeout(slot.timer);
    }
    slot.timer = undefined;
    slot.job = undefined;
    slot.worker?.unref();
    if (job?.onAbort) {
      job.signal?.removeEventListener('abort', job.onAbort);
    }
    const next = this.queue.shift();
    if (next && !this.closed) {
      this.start(slot, next);
    }
  }

  /** Stops a running task the hard way: its worker is terminated; the next task gets a fresh one. */
  private kill(slot: Slot, reason: Error): void {
    const job = slot.job;
    const worker = slot.worker;
    slot.worker = undefined;
    void worker?.terminate();
    if (job) {
      this.finish(slot);
      job.reject(reason);
    }
  }

  private cancel(job: Job): void {
    this.counts.cancelled++;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.reject(new ComputeCancelledError());
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (slot) {
      this.kill(slot, new ComputeCancelledError());
    }
  }

  stats(): ComputeStats {
    return {
      workers: this.slots.length,
      busy: this.slots.filter((s) => s.job).length,
      queued: this.queue.length,
      ...this.counts,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      job.reject(new Error('compute: the pool closed'));
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = undefined;
        if (slot.job) {
          const job = slot.job;
          this.finish(slot);
          job.reject(new Error('compute: the pool closed'));
        }
        await worker?.terminate();
      })
    );
  }
}

/** The same tasks in the calling thread: for the CLI and evaluations (no time limit, no isolation). */
export class InlineCompute implements Compute {
  async run<K extends TaskName>(task: K, input: TaskInput<K>, opts: RunOptions = {}): Promise<TaskOutput<K>> {
    if (opts.signal?.aborted) {
      throw new ComputeCancelledError();
    }
    const fn = TASKS[task] as (i: TaskInput<K>) => Promise<TaskOutput<K>> | TaskOutput<K>;
    return await fn(input);
  }

  stats(): ComputeStats {
    return { workers: 0, busy: 0, queued: 0, refused: 0, timedOut: 0, cancelled: 0 };
  }

  async close(): Promise<void> {}
}
