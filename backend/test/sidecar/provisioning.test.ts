/**
 * The compose stack and Grafana provisioning validate without Docker: every file the stack mounts exists,
 * every plugin the app ships may load unsigned, every datasource a dashboard names is provisioned, every
 * panel type is Grafana's or ours, and every AIDPE query uses a query type the datasource knows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

function pluginIds(): string[] {
  const ids: string[] = [JSON.parse(read('src/plugin.json')).id];
  for (const kind of ['panels', 'datasources']) {
    for (const dir of readdirSync(join(root, 'src', kind))) {
      const p = join('src', kind, dir, 'plugin.json');
      if (existsSync(join(root, p))) {
        ids.push(JSON.parse(read(p)).id);
      }
    }
  }
  return ids;
}

const CORE_PANELS = new Set([
  'timeseries',
  'table',
  'stat',
  'nodeGraph',
  'text',
  'row',
  'gauge',
  'bargauge',
  'logs',
  'traces',
  'state-timeline',
  'barchart',
  'heatmap',
  'annolist',
  'dashlist',
  'news',
]);

interface Panel {
  type: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ datasource?: { type?: string; uid?: string }; queryType?: string }>;
  panels?: Panel[];
}

test('docker-compose: the services, the files they mount, and every AIDPE plugin allowed to load unsigned', () => {
  const compose = parse(read('docker-compose.yaml')) as {
    services: Record<string, { volumes?: string[]; environment?: Record<string, string> }>;
  };
  for (const s of ['grafana', 'sidecar', 'prometheus', 'loki', 'tempo']) {
    assert.ok(compose.services[s], `service ${s}`);
  }
  for (const [name, svc] of Object.entries(compose.services)) {
    for (const v of svc.volumes ?? []) {
      const src = v.split(':')[0]!;
      if (src.startsWith('./')) {
        assert.ok(existsSync(join(root, src)), `${name} mounts ${src}, which exists`);
      }
    }
  }
  const allowed = new Set(
    (compose.services.grafana!.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS ?? '').split(',')
  );
  for (const id of pluginIds()) {
    assert.ok(allowed.has(id), `${id} may load unsigned`);
  }
  assert.equal(
    compose.services.grafana!.environment!.GF_DATAPROXY_SEND_USER_HEADER,
    'true',
    'the user is forwarded for the audit trail'
  );
});

test('provisioning: datasources, the app settings and every dashboard agree with each other and with the plugin', () => {
  const datasources = readdirSync(join(root, 'provisioning/datasources')).flatMap(
    (f) =>
      (parse(read(`provisioning/datasources/${f}`)) as { datasources: Array<{ uid: string; type: string }> })
        .datasources
  );
  const uids = new Map(datasources.map((d) => [d.uid, d.type]));
  assert.equal(uids.get('aidpe-sidecar'), 'aidpe-sidecar-datasource');
  const apps = parse(read('provisioning/plugins/apps.yaml')) as {
    apps: Array<{ type: string; jsonData?: Record<string, unknown> }>;
  };
  assert.ok(
    apps.apps.some((a) => a.type === JSON.parse(read('src/plugin.json')).id && a.jsonData?.sidecarUrl),
    'the app is provisioned with its sidecar URL'
  );
  // Read from the plugin's source (a frontend module, not importable from the sidecar's CommonJS-free build).
  const listed = /export const QUERY_TYPES[^=]*=\s*\[([^\]]*)\]/.exec(read('src/domain/query/types.ts'))?.[1] ?? '';
  const QUERY_TYPES = [...listed.matchAll(/'([a-z]+)'/g)].map((m) => m[1]!);
  assert.ok(QUERY_TYPES.includes('forecast'), `query types read from the datasource: ${QUERY_TYPES}`);
  const ours = new Set(pluginIds());
  // The plugin ships the dashboards (src/dashboards, in plugin.json's includes); compose provisions them from it.
  const dashboards = readdirSync(join(root, 'src/dashboards')).filter((f) => f.endsWith('.json'));
  assert.ok(dashboards.length >= 3, 'forecast, incident and actions dashboards');
  for (const file of dashboards) {
    const dash = JSON.parse(read(`src/dashboards/${file}`)) as { uid: string; panels: Panel[] };
    assert.ok(dash.uid, `${file} has a uid`);
    const panels = dash.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
    for (const p of panels) {
      assert.ok(CORE_PANELS.has(p.type) || ours.has(p.type), `${file}: panel type ${p.type}`);
      for (const ds of [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]) {
        if (!ds?.uid || ds.uid.startsWith('$') || ds.uid === '-- Grafana --' || ds.uid === 'grafana') {
          continue;
        }
        assert.ok(uids.has(ds.uid), `${file}: datasource ${ds.uid} is provisioned`);
        if (ds.type) {
          assert.equal(ds.type, uids.get(ds.uid), `${file}: datasource ${ds.uid} type`);
        }
      }
      for (const t of p.targets ?? []) {
        const ds = t.datasource ?? p.datasource;
        if ((ds?.uid === 'aidpe-sidecar' || ds?.type === 'aidpe-sidecar-datasource') && t.queryType) {
          assert.ok(QUERY_TYPES.includes(t.queryType), `${file}: query type ${t.queryType}`);
        }
      }
    }
  }
});
