/** A compute worker: runs the tasks it is sent (tasks.ts), one at a time, and answers each with its result or error. */
import { parentPort } from 'node:worker_threads';
import { failureOf } from './pool.ts';
import { TASKS, type TaskName } from './tasks.ts';

const port = parentPort!;
port.on('message', async (msg: { id: number; task: TaskName; input: unknown }) => {
  // The time limit counts computation, not a fresh worker's start-up (loading the engines): it starts here.
  port.postMessage({ id: msg.id, started: true });
  try {
    const fn = TASKS[msg.task] as (input: unknown) => unknown;
    port.postMessage({ id: msg.id, ok: true, value: await fn(msg.input) });
  } catch (err) {
    port.postMessage({ id: msg.id, ok: false, error: failureOf(err) });
  }
});
