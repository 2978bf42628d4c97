/**
 * The whole loop on this machine, nothing doubled: a real Prometheus → the sidecar in live mode → a real
 * kube-apiserver → the real HPA controller (kube-controller-manager) → the simulator's replicas (the embedded
 * cluster mirrors the Deployment: simulator.mirror) → the simulator's metrics, scraped by that Prometheus.
 *
 * A load surge in the simulator → the loop proposes (approve mode) → a person approves through the sidecar's API
 * (forwarded user and API token) → the HPA's minReplicas changes on the API server → the HPA controller moves the
 * Deployment's replicas → the simulator's pods follow (after their start-up delay; the mirror reports them Ready
 * on the server as a kubelet would) and Prometheus sees them → the outcome is recorded in the store → a rollback
 * through the API restores the HPA's spec byte for byte.
 *
 * The sidecar acts as its ServiceAccount bound to the shipped RBAC (deploy/rbac); the mirror, which plays the
 * kubelets, uses the admin's kubeconfig.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_ID_ANNOTATION } from '../../src/automation/kubernetesActuator.ts';
import type { ActionRecord, ScaleTarget } from '../../src/domain/actions.ts';
import { startViaPrometheus, type ViaPrometheus } from '../../src/cli/viaPrometheus.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startSurge } from '../../src/sim/surge.ts';
import { PrometheusSource } from '../../src/telemetry/prometheus.ts';
import { kubeControlPlaneMissing, startKubeControlPlane, type KubeControlPlane } from '../helpers/kubeControlPlane.ts';
import { cpuMetric, installSidecarRbac, SIDECAR_NAMESPACE, seedWorkload, stored } from './fixtures.ts';

const skip = kubeControlPlaneMissing();
const NS = 'shop';
const SERVICE = 'frontend';
/** The simulated frontend's own HPA, as the real one on the API server. */
const HPA = { minReplicas: 3, maxReplicas: 12 };
const API_TOKEN = 'e2e-api-token';
const USER = 'alice';
/** The surge: the gateway load doubles over 30 s (beyond what the topology is sized for; CPU saturates). */
const SURGE = { to: 2, rampSeconds: 30 };
const WARMUP_SECONDS = 3600;

/** A flat workload with a little deterministic wobble (the surge comes from the run-time hook). */
function flatWorkload(): string {
  const rows = ['timestamp,value'];
  const t0 = Date.UTC(2025, 0, 1) / 1000;
  for (let s = 0; s < 6 * 3600; s += 30) {
    rows.push(`${t0 + s},${(100 * (1 + 0.03 * Math.sin(s / 97))).toFixed(3)}`);
  }
  return rows.join('\n');
}

async function until<T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(last)?.slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
    last = await read();
  }
  return last;
}

describe(
  'end to end: Prometheus → sidecar → kube-apiserver → HPA controller → simulator → Prometheus',
  { skip },
  () => {
    let cp: KubeControlPlane;
    let via: ViaPrometheus;
    let prom: PrometheusSource;
    let dir: string;
    let target: ScaleTarget;
    const timings: Record<string, number> = {};
    const t0 = Date.now();
    const mark = (what: string) => (timings[what] = Math.round((Date.now() - t0) / 100) / 10);

    before(async () => {
      cp = await startKubeControlPlane({ controllerManager: true });
      mark('control plane ready');
      const sidecarToken = await installSidecarRbac(cp, [NS]);
      target = await seedWorkload(cp, {
        namespace: NS,
        name: SERVICE,
        replicas: HPA.minReplicas,
        hpa: { ...HPA, metrics: [cpuMetric(70)] },
      });
      await until(
        'the controllers settle',
        () => stored(cp, target),
        (s) => s.hpa?.status?.currentReplicas === HPA.minReplicas,
        60_000
      );
      dir = mkdtempSync(join(tmpdir(), 'aidpe-e2e-'));
      const workload = join(dir, 'flat.csv');
      writeFileSync(workload, flatWorkload());
      const q = (metric: string, extra = '') => `${metric}{job="aidpe_sim",service="$service"${extra}}`;
      const config = loadConfig({
        env: {},
        overrides: {
          mode: 'demo',
          'server.port': 0,
          logLevel: 'silent',
          apiToken: API_TOKEN,
          storePath: join(dir, 'store.sqlite'),
          defaultActionMode: 'approve',
          'simulator.speed': 1,
          'simulator.workload': workload,
          'simulator.peakRps': 200,
          'simulator.randomFaults': 0,
          'simulator.warmupSeconds': WARMUP_SECONDS,
          // The sidecar scales as its ServiceAccount; the simulator mirrors the namespace as the admin (a kubelet's rights).
          'kubernetes.kubeconfig': cp.writeKubeconfig(sidecarToken, 'aidpe-sidecar'),
          'kubernetes.namespace': NS,
          'simulator.mirror.kubeconfig': join(cp.stateDir, 'admin.kubeconfig'),
          'simulator.mirror.namespace': NS,
          'simulator.mirror.podStatus': true,
          'leaderElection.namespace': SIDECAR_NAMESPACE,
          'automation.services': `${SERVICE}=${NS}/${SERVICE}/${SERVICE}-hpa`,
          'automation.intervalSeconds': 5,
          'automation.outcomeDelaySeconds': 15,
          // The live-mode templates, filled per workload, read the simulator's series as Prometheus scraped them.
          'automation.queries.requestRate': q('aidpe_sim_request_rate'),
          'automation.queries.cpuUtilization': q('aidpe_sim_cpu_utilization'),
          'automation.queries.readyReplicas': q('aidpe_sim_replicas_ready'),
          'automation.queries.sliLatencyP95Seconds': q('aidpe_sim_latency_seconds', ',quantile="0.95"'),
          'automation.queries.sliErrorRatio': q('aidpe_sim_error_ratio'),
          // The watchers are not what this test is about: keep them quiet on the small machine.
          'watch.everySeconds': 3600,
          'watch.forecastEverySeconds': 86_400,
        },
      });
      via = await startViaPrometheus(config, { logger: false, scrapeIntervalSeconds: 1 });
      prom = new PrometheusSource({ baseUrl: via.prometheus.url, timeoutMs: 5000, retries: 1 });
      mark('sidecar and Prometheus ready');
    });

    after(async () => {
      await via?.close();
      await cp?.stop();
      if (dir) {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    const api = async <T>(path: string, init: { method?: string; body?: unknown; user?: string } = {}) => {
      const res = await fetch(`${via.sidecar.url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${API_TOKEN}`,
          ...(init.user ? { 'x-grafana-user': init.user } : {}),
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      return { status: res.status, json: (await res.json()) as T };
    };
    const simulated = () => via.sidecar.demo!.cluster.getDeployment(SERVICE);
    const scalar = async (query: string) => (await prom.queryInstant(query)).series[0]?.samples[0]?.[1];

    it(
      'a surge → proposal → approval → HPA → controller → simulator → outcome → exact rollback',
      { timeout: 8 * 60_000 },
      async (t) => {
        const original = await stored(cp, target);
        const mirror = via.sidecar.mirror!.status();
        assert.deepEqual(
          mirror.mirrored.map((m) => [m.deployment, m.service, m.replicas]),
          [[SERVICE, SERVICE, HPA.minReplicas]],
          JSON.stringify(mirror)
        );
        assert.equal(simulated().replicas, HPA.minReplicas);
        const rateBefore = (await scalar(`avg_over_time(aidpe_sim_request_rate{service="${SERVICE}"}[1m])`)) ?? NaN;
        assert.ok(rateBefore > 100, `Prometheus holds the simulator's load (${rateBefore} req/s)`);

        // 1. The surge.
        startSurge(via.sidecar.demo!.cluster, SURGE);
        mark('surge started');

        // 2. The loop proposes more capacity, in approve mode: pending until a person decides.
        const pending = await until(
          'a pending proposal raising minReplicas',
          async () =>
            (await api<{ actions: ActionRecord[] }>(`/api/v1/actions?status=pending_approval&service=${SERVICE}`)).json
              .actions,
          (actions) => actions.some((a) => (a.change.hpa?.minReplicas ?? 0) > HPA.minReplicas),
          4 * 60_000
        ).then((actions) => actions.find((a) => (a.change.hpa?.minReplicas ?? 0) > HPA.minReplicas)!);
        mark('proposal pending');
        assert.equal(pending.integration, 'parametric');
        assert.ok(
          (pending.observed?.requestRateRps ?? 0) > 1.3 * rateBefore,
          `proposed under the surge: ${pending.observed?.requestRateRps} req/s against ${rateBefore} before (${pending.reason})`
        );
        assert.equal((await stored(cp, target)).hpa?.spec.minReplicas, HPA.minReplicas, 'nothing applied yet');

        // 3. Approval through the API: the user Grafana forwards, and the API token.
        const refused = await api(`/api/v1/actions/${pending.id}/approve`, { method: 'POST', body: { note: 'x' } });
        assert.equal(refused.status, 401, 'no forwarded user, no decision');
        const approved = await api<{ action: ActionRecord }>(`/api/v1/actions/${pending.id}/approve`, {
          method: 'POST',
          user: USER,
          body: { note: 'the surge needs headroom' },
        });
        assert.equal(approved.status, 200, JSON.stringify(approved.json));
        const action = approved.json.action;
        assert.equal(action.status, 'applied', action.error);
        assert.equal(action.decidedBy, USER);
        mark('approved and applied');
        const floor = action.change.hpa!.minReplicas!;
        assert.ok(floor > HPA.minReplicas);

        // 4. The change is on the API server, tagged with the action.
        const afterApply = await stored(cp, target);
        assert.equal(afterApply.hpa?.spec.minReplicas, floor);
        assert.equal(afterApply.hpa?.metadata.annotations?.[ACTION_ID_ANNOTATION], action.id);

        // 5. The real HPA controller, not the sidecar, moves the Deployment's replicas to the new floor.
        await until(
          'the HPA controller scales the Deployment',
          async () => (await stored(cp, target)).deployment.spec.replicas,
          (r) => r === floor,
          60_000
        );
        mark('deployment scaled by the HPA controller');

        // 6. The simulator follows: the pods exist at once and become ready after their start-up delay.
        await until('the simulator follows the Deployment', simulated, (d) => d.replicas === floor, 30_000);
        mark('simulator replicas follow');
        assert.ok(simulated().readyReplicas < floor, 'the new pods are still starting');
        await until('the simulated pods are ready', simulated, (d) => d.readyReplicas === floor, 60_000);
        mark('simulated pods ready');
        await until(
          'the Deployment reports them Ready (pod status written as a kubelet would)',
          async () => (await stored(cp, target)).deployment.status?.readyReplicas,
          (r) => r === floor,
          30_000
        );
        mark('deployment readyReplicas');
        await until(
          'Prometheus scrapes the new ready replicas',
          () => scalar(`aidpe_sim_replicas_ready{job="aidpe_sim",service="${SERVICE}"}`),
          (v) => v === floor,
          30_000
        );
        mark('Prometheus sees the replicas');

        // 7. The outcome is measured and recorded in the store (automation.outcomeDelaySeconds after it landed).
        const measured = await until(
          'the outcome is recorded',
          async () => (await api<{ action: ActionRecord }>(`/api/v1/actions/${action.id}`)).json.action,
          (a) => a.outcome !== undefined,
          90_000
        );
        mark('outcome recorded');
        assert.equal(measured.outcome!.replicasBefore, HPA.minReplicas);
        assert.equal(measured.outcome!.replicasAfter, floor);
        assert.ok(measured.outcome!.latencyP95AfterMs > 0 && measured.outcome!.latencyP95BeforeMs > 0);
        const audit = await via.sidecar.store!.listAudit(500);
        assert.ok(
          audit.some((e) => e.subject === action.id && e.action === 'action.outcome'),
          'audited'
        );

        // 8. Rollback through the API: the HPA's spec is restored byte for byte.
        const rolled = await api<{ action: ActionRecord; rollback: ActionRecord }>(
          `/api/v1/actions/${action.id}/rollback`,
          {
            method: 'POST',
            user: USER,
            body: { note: 'surge over' },
          }
        );
        assert.equal(rolled.status, 200, JSON.stringify(rolled.json));
        assert.equal(rolled.json.action.status, 'rolled_back', rolled.json.rollback.error);
        mark('rolled back');
        const restored = await stored(cp, target);
        assert.equal(
          JSON.stringify(restored.hpa?.spec),
          JSON.stringify(original.hpa?.spec),
          'the HPA spec, byte for byte'
        );
        // Without a metrics API the controller only enforces the bounds: the replicas stay, and the simulator with them.
        assert.equal(restored.deployment.spec.replicas, floor);
        assert.equal(simulated().replicas, floor);
        t.diagnostic(`floor ${HPA.minReplicas} → ${floor}; ${pending.reason}`);
        t.diagnostic(
          `verdict ${measured.outcome!.verdict}: p95 ${measured.outcome!.latencyP95BeforeMs.toFixed(0)} → ${measured.outcome!.latencyP95AfterMs.toFixed(0)} ms (SLO ${measured.outcome!.sloMs})`
        );
        t.diagnostic(`seconds since the test started: ${JSON.stringify(timings)}`);
      }
    );
  }
);
