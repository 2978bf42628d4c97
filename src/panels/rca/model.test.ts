import { inconclusiveRcaResponse, rcaGraphResponse, rcaResponse, RCA_GRAPH } from '../../test/rcaFixtures';
import {
  buildRcaRequest,
  candidateRows,
  formatScore,
  formatWhyLower,
  graphOf,
  highlightedPath,
  serviceScores,
  symptomQuery,
  tierInfo,
} from './model';
import { DEFAULT_RCA_OPTIONS } from './types';

describe('RCA explorer model', () => {
  test('candidates become ranked rows with score, path, evidence and a why-lower line for every lower one', () => {
    const rows = candidateRows(rcaResponse());
    expect(rows.map((r) => [r.rank, r.service, r.scoreText, r.pathText])).toEqual([
      [1, 'cart', '2.68', 'frontend → cart'],
      [2, 'email', '0.94', 'frontend → checkout → email'],
      [3, 'frontend', '0.26', 'frontend'],
    ]);
    expect(rows[0]!.whyLower).toBeUndefined();
    expect(rows[1]!.whyLower).toBe('Below cart: lower evidence than cart (score 0.94 vs 2.68)');
    expect(rows[2]!.whyLower).toMatch(/^Below email: its callees cart, checkout are anomalous/);
    expect(rows[0]!.queries.map((q) => q.language)).toEqual(['promql', 'promql', 'logql', 'traceql']);
  });

  test('why-lower falls back when the sidecar gave no reason; older sidecars send no queries', () => {
    expect(formatWhyLower({ whyLower: '  ' }, { service: 'cart' })).toBe('Below cart: lower evidence');
    expect(formatWhyLower({ whyLower: 'x' }, undefined)).toBeUndefined();
    const old = rcaResponse();
    delete (old.candidates[0] as { evidenceQueries?: unknown }).evidenceQueries;
    expect(candidateRows(old)[0]!.queries).toEqual([]);
    expect(formatScore(Number.NaN)).toBe('–');
  });

  test('tiers map to badges; INCONCLUSIVE is neutral, not an error', () => {
    expect(tierInfo('CONFIRMED').color).toBe('green');
    expect(tierInfo('LIKELY').color).toBe('orange');
    expect(tierInfo('INCONCLUSIVE')).toMatchObject({ text: 'INCONCLUSIVE', color: 'blue' });
    expect(tierInfo('garbage').text).toBe('INCONCLUSIVE');
  });

  test('graph from the plain graph, or read back from the Node Graph frames', () => {
    expect(graphOf(rcaResponse())).toBe(RCA_GRAPH);
    const fromFrames = graphOf({ frames: rcaGraphResponse().frames });
    expect(fromFrames).toEqual({
      nodes: [{ id: 'cart' }, { id: 'frontend' }],
      edges: [{ source: 'frontend', target: 'cart' }],
    });
  });

  test('service scores are the strongest signal; the path is the top candidate’s', () => {
    const scores = serviceScores(rcaResponse());
    expect(scores.get('cart')).toBe(1);
    expect(scores.get('email')).toBe(0.768);
    expect(highlightedPath(rcaResponse())).toEqual(['frontend', 'cart']);
    expect(highlightedPath(inconclusiveRcaResponse())).toEqual([]);
  });

  test('the symptom link is the symptom’s own SLI query', () => {
    expect(symptomQuery(rcaResponse(), 'errors')?.query).toBe('aidpe_sim_error_ratio{service="frontend"}');
    expect(symptomQuery(rcaResponse(), 'latency')?.signal).toBe('latency');
    expect(symptomQuery(inconclusiveRcaResponse(), 'latency')).toBeUndefined();
  });

  test('the request carries the time range and only the options that are set', () => {
    expect(buildRcaRequest(DEFAULT_RCA_OPTIONS, { fromMs: 1000.4, toMs: 2000 })).toEqual({ start: 1000, end: 2000 });
    expect(
      buildRcaRequest(
        { ...DEFAULT_RCA_OPTIONS, service: 'cart', latencyQuery: 'lat', errorQuery: 'err' },
        { fromMs: 1, toMs: 2 }
      )
    ).toEqual({ start: 1, end: 2, symptom: 'cart', latencyQuery: 'lat', errorQuery: 'err' });
  });
});
