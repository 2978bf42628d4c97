/** What `aidpe demo` prints: the service table once, then one status line per interval. */
import type { ActionLoop } from '../automation/loop.ts';
import type { ActionStatus } from '../automation/types.ts';
import type { ActionStore } from '../store/types.ts';
import type { SimulatedCluster } from '../sim/index.ts';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function formatServiceTable(cluster: SimulatedCluster): string {
  const snap = cluster.snapshot();
  const header = `${pad('service', 18)}${pad('tier', 9)}${lpad('rps', 8)}${lpad('p95 ms', 9)}${lpad('cpu', 6)}${lpad('replicas', 10)}  hpa`;
  const rows = snap.services.map((s) => {
    const hpa = s.hpa
      ? `${s.hpa.minReplicas}-${s.hpa.maxReplicas} @ ${Math.round(s.hpa.targetCpuUtilization * 100)}%`
      : '-';
    return `${pad(s.service, 18)}${pad(s.tier, 9)}${lpad(s.arrivalRps.toFixed(1), 8)}${lpad(s.latencyP95Ms.toFixed(0), 9)}${lpad(`${Math.round(s.cpuUtilization * 100)}%`, 6)}${lpad(String(s.replicas.ready), 10)}  ${hpa}`;
  });
  return [header, ...rows].join('\n');
}

export function formatSummaryLine(cluster: SimulatedCluster): string {
  const snap = cluster.snapshot();
  const entry = snap.services.find((s) => s.service === cluster.topology.entry) ?? snap.services[0];
  const replicas = snap.services.reduce((n, s) => n + s.replicas.ready, 0);
  const starting = snap.services.reduce((n, s) => n + s.replicas.starting, 0);
  const hottest = [...snap.services].sort((a, b) => b.cpuUtilization - a.cpuUtilization)[0];
  const faults = snap.services.flatMap((s) => s.activeFaults.map((f) => `${s.service}:${f}`));
  const time = new Date(snap.timeMs).toISOString().slice(11, 19);
  const parts = [
    `[sim ${time}]`,
    `load ${entry ? entry.arrivalRps.toFixed(0) : '?'} rps`,
    `p95 ${entry ? entry.latencyP95Ms.toFixed(0) : '?'} ms`,
    `errors ${entry ? (entry.errorRatio * 100).toFixed(2) : '?'}%`,
    `replicas ${replicas}${starting ? ` (+${starting} starting)` : ''}`,
    hottest ? `hottest ${hottest.service} ${Math.round(hottest.cpuUtilization * 100)}% cpu` : '',
    `injected faults: ${faults.length ? faults.join(', ') : 'none'}`,
  ];
  const [head, ...rest] = parts.filter(Boolean);
  return `${head} ${rest.join(' | ')}`;
}

/** The optimisation loop in one line: the mode(s), what it has proposed, what waits for a person, what it applied. */
export async function formatLoopLine(loop: ActionLoop, store: ActionStore): Promise<string> {
  const status = await loop.status();
  const actions = await store.listActions({ limit: 1000 });
  const count = (st: ActionStatus) => actions.filter((a) => a.status === st).length;
  const modes = [...new Set(status.services.map((s) => s.mode))].join('/');
  const latest = actions.find((a) => a.status !== 'expired');
  const breakers = status.services.filter((s) => s.breaker.open).map((s) => s.service);
  return (
    `  [loop ${modes}] proposed ${count('proposed')} | pending approval ${count('pending_approval')} | applied ${count('applied')} | ` +
    `rolled back ${count('rolled_back')} | rejected ${count('rejected')}` +
    (breakers.length ? ` | breaker open: ${breakers.join(', ')}` : '') +
    (latest
      ? ` | latest: ${latest.service} ${latest.status} (${latest.reason.split(';').pop()!.trim().slice(0, 80)})`
      : '')
  );
}
