/** The service level indicator the symptom is judged by. */
export type RcaSli = 'latency' | 'errors';

/** Grafana datasources the evidence links open in Explore (by uid). */
export interface ExploreDatasources {
  prometheusUid: string;
  lokiUid: string;
  tempoUid: string;
}

/** Options of the RCA explorer panel; the defaults match the provisioned demo stack. */
export interface RcaPanelOptions extends ExploreDatasources {
  /** The user-facing service whose symptom is explained; empty: the sidecar picks the entry service. */
  service: string;
  sli: RcaSli;
  /** One latency / error-ratio series per service, labelled `service`; empty: the demo cluster's (required live). */
  latencyQuery: string;
  errorQuery: string;
}

export const DEFAULT_RCA_OPTIONS: RcaPanelOptions = {
  service: '',
  sli: 'latency',
  latencyQuery: '',
  errorQuery: '',
  prometheusUid: 'prometheus',
  lokiUid: 'loki',
  tempoUid: 'tempo',
};

const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value.trim() : fallback);

/** Options as stored (older dashboards may lack some), filled with the defaults; an unknown SLI → latency. */
export function withRcaDefaults(options: Partial<RcaPanelOptions> | undefined): RcaPanelOptions {
  const o = options ?? {};
  const uid = (value: unknown, fallback: string) => text(value, fallback) || fallback;
  return {
    service: text(o.service, ''),
    sli: o.sli === 'errors' ? 'errors' : 'latency',
    latencyQuery: text(o.latencyQuery, ''),
    errorQuery: text(o.errorQuery, ''),
    prometheusUid: uid(o.prometheusUid, DEFAULT_RCA_OPTIONS.prometheusUid),
    lokiUid: uid(o.lokiUid, DEFAULT_RCA_OPTIONS.lokiUid),
    tempoUid: uid(o.tempoUid, DEFAULT_RCA_OPTIONS.tempoUid),
  };
}
