import {
  CLEARED_PARAMS,
  rcaRequestFor,
  RCA_MARGIN_MS,
  selectionForIncident,
  selectionFromParams,
  selectionToParams,
  sliOfQuery,
} from './rca';

const row = { id: 'an-1', service: 'cart', startMs: 10 * 60_000, endMs: 20 * 60_000 };

describe('incident → RCA explorer', () => {
  test('an incident is explained over its region with a margin, for its service and SLI', () => {
    const selection = selectionForIncident(row, 'aidpe_sim_error_ratio')!;
    expect(selection).toEqual({
      service: 'cart',
      fromMs: row.startMs - RCA_MARGIN_MS,
      toMs: row.endMs + RCA_MARGIN_MS,
      sli: 'errors',
      incidentId: 'an-1',
    });
    expect(rcaRequestFor(selection)).toEqual({ start: 5 * 60_000, end: 25 * 60_000, symptom: 'cart' });
    expect(selectionForIncident({ ...row, service: undefined }, 'up')).toBeUndefined();
    expect(sliOfQuery('aidpe_sim_latency_seconds{quantile="0.95"}')).toBe('latency');
  });

  test('the selection survives the URL query and back; invalid ones are ignored', () => {
    const selection = selectionForIncident(row, 'latency')!;
    const params = selectionToParams(selection);
    expect(params).toEqual({ rca: 'cart', rcaFrom: '300000', rcaTo: '1500000', rcaSli: 'latency', incident: 'an-1' });
    expect(selectionFromParams(params)).toEqual(selection);
    // Grafana's search object may hold arrays and numbers.
    expect(selectionFromParams({ rca: ['cart'], rcaFrom: 300000, rcaTo: 1500000 })).toEqual({
      service: 'cart',
      fromMs: 300000,
      toMs: 1500000,
      sli: 'latency',
    });
    expect(selectionFromParams({ rca: 'cart', rcaFrom: '9', rcaTo: '3' })).toBeUndefined();
    expect(selectionFromParams({ rcaFrom: '1', rcaTo: '3' })).toBeUndefined();
    expect(selectionFromParams({ rca: 'cart', rcaFrom: 'x', rcaTo: '3' })).toBeUndefined();
    expect(Object.keys(CLEARED_PARAMS).sort()).toEqual(Object.keys(params).sort());
  });
});
