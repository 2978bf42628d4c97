import { PanelPlugin } from '@grafana/data';
import { RcaPanel } from './components/RcaPanel';
import { DEFAULT_RCA_OPTIONS, type RcaPanelOptions } from './types';

export const plugin = new PanelPlugin<Partial<RcaPanelOptions>>(RcaPanel).setPanelOptions((builder) =>
  builder
    .addTextInput({
      path: 'service',
      name: 'Symptom service',
      description: 'The user-facing service to explain; dashboard variables work. Empty: the entry service.',
      defaultValue: DEFAULT_RCA_OPTIONS.service,
    })
    .addRadio({
      path: 'sli',
      name: 'SLI',
      description: 'The symptom: the service’s latency or its error ratio.',
      defaultValue: DEFAULT_RCA_OPTIONS.sli,
      settings: {
        options: [
          { value: 'latency', label: 'Latency' },
          { value: 'errors', label: 'Errors' },
        ],
      },
    })
    .addTextInput({
      path: 'latencyQuery',
      category: ['Evidence queries'],
      name: 'Latency PromQL',
      description: 'One latency series per service, labelled service. Empty: the demo cluster’s p95 (required live).',
      defaultValue: DEFAULT_RCA_OPTIONS.latencyQuery,
    })
    .addTextInput({
      path: 'errorQuery',
      category: ['Evidence queries'],
      name: 'Error-ratio PromQL',
      description: 'One error-ratio series per service, labelled service. Empty: the demo cluster’s (required live).',
      defaultValue: DEFAULT_RCA_OPTIONS.errorQuery,
    })
    .addTextInput({
      path: 'prometheusUid',
      category: ['Explore links'],
      name: 'Prometheus datasource uid',
      defaultValue: DEFAULT_RCA_OPTIONS.prometheusUid,
    })
    .addTextInput({
      path: 'lokiUid',
      category: ['Explore links'],
      name: 'Loki datasource uid',
      defaultValue: DEFAULT_RCA_OPTIONS.lokiUid,
    })
    .addTextInput({
      path: 'tempoUid',
      category: ['Explore links'],
      name: 'Tempo datasource uid',
      defaultValue: DEFAULT_RCA_OPTIONS.tempoUid,
    })
);
