/**
 * Runs apply + rollback cycles of the optimisation loop on a SQLite file and a workload file, for the crash
 * tests: CRASH_AFTER=k kills this process (SIGKILL, no cleanup) right after its k-th durable write (store
 * transaction or workload write); without it the process runs CYCLES cycles (0: until killed) and prints how
 * many durable writes it made.
 */
import { SqliteStore } from '../../../src/store/sqlite.ts';
import { crashLoop, FileActuator, TARGET } from './world.ts';

const storePath = process.env.STORE!;
const workloadPath = process.env.WORKLOAD!;
const cycles = Number(process.env.CYCLES ?? '1');
const crashAfter = process.env.CRASH_AFTER === undefined ? undefined : Number(process.env.CRASH_AFTER);

let writes = 0;
const wrote = () => {
  writes++;
  if (writes === crashAfter) {
    process.kill(process.pid, 'SIGKILL');
  }
};

const store = new SqliteStore(storePath);
for (const method of ['insertAction', 'updateAction', 'writeActions', 'putAutomation'] as const) {
  const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
  (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    const out = await original(...args);
    wrote();
    return out;
  };
}
const actuator = new FileActuator(workloadPath);
actuator.afterWrite = wrote;
const loop = crashLoop(store, actuator);
if (crashAfter === 0) {
  process.kill(process.pid, 'SIGKILL');
}
await loop.reconcile();
for (let i = 0; cycles === 0 || i < cycles; i++) {
  await loop.tick();
  const [newest] = await store.listActions({ service: TARGET.service, limit: 1 });
  if (newest?.status === 'applied') {
    await loop.rollback(newest.id, 'crash-test', `cycle ${i}`);
  } else if (loop.lastRun?.error) {
    throw new Error(loop.lastRun.error);
  }
}
await store.close();
process.stdout.write(`writes ${writes}\n`);
