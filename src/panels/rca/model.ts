/**
 * Pure mapping of a `POST /api/v1/rca` answer to what the explorer shows: the graph and per-service anomaly
 * scores, the ranked candidates with display strings, the tier badge, and the request built from the panel's
 * options and time range.
 */
import type {
  NodeGraphFrameJson,
  RcaCandidate,
  RcaConfidenceTier,
  RcaEvidenceQuery,
  RcaRequest,
  RcaResponse,
} from '../../api/types';
import type { RcaPanelOptions, RcaSli } from './types';

/** The call graph as plain nodes and edges. */
export interface GraphInput {
  nodes: ReadonlyArray<{ id: string }>;
  edges: ReadonlyArray<{ source: string; target: string }>;
}

export interface TierInfo {
  text: RcaConfidenceTier;
  color: 'green' | 'orange' | 'blue';
  icon: 'check-circle' | 'exclamation-triangle' | 'question-circle';
  description: string;
}

/** INCONCLUSIVE is a legitimate answer (nothing downstream stands out), shown in a neutral colour, not an error. */
export const TIER_INFO: Readonly<Record<RcaConfidenceTier, TierInfo>> = {
  CONFIRMED: {
    text: 'CONFIRMED',
    color: 'green',
    icon: 'check-circle',
    description: 'The top candidate’s own time, errors or memory rose and it scores at least twice the next one.',
  },
  LIKELY: {
    text: 'LIKELY',
    color: 'orange',
    icon: 'exclamation-triangle',
    description:
      'The top candidate leads, but without a clear margin or without evidence that the trouble starts in it.',
  },
  INCONCLUSIVE: {
    text: 'INCONCLUSIVE',
    color: 'blue',
    icon: 'question-circle',
    description:
      'The evidence does not single out one service: either nothing downstream is anomalous, or several are alike.',
  },
};

export function tierInfo(tier: string): TierInfo {
  return tier === 'CONFIRMED' || tier === 'LIKELY' ? TIER_INFO[tier] : TIER_INFO.INCONCLUSIVE;
}

export interface CandidateRow {
  /** 1-based. */
  rank: number;
  service: string;
  score: number;
  scoreText: string;
  /** `frontend → cart → redis`. */
  pathText: string;
  evidence: string[];
  /** Why this one ranks below the one above it; undefined for the first. */
  whyLower?: string;
  queries: RcaEvidenceQuery[];
}

/** Scores are unbounded above (anomaly × (1 + own evidence)); two decimals are enough to compare. */
export function formatScore(score: number): string {
  return Number.isFinite(score) ? score.toFixed(2) : '–';
}

/** `Below cart: lower evidence than cart (score 0.94 vs 2.68)`; undefined for the first candidate. */
export function formatWhyLower(
  candidate: Pick<RcaCandidate, 'whyLower'>,
  above: Pick<RcaCandidate, 'service'> | undefined
): string | undefined {
  if (!above) {
    return undefined;
  }
  const reason = candidate.whyLower?.trim();
  return `Below ${above.service}: ${reason || 'lower evidence'}`;
}

export function candidateRows(response: Pick<RcaResponse, 'candidates'>): CandidateRow[] {
  return response.candidates.map((c, i) => {
    const why = formatWhyLower(c, response.candidates[i - 1]);
    return {
      rank: i + 1,
      service: c.service,
      score: c.score,
      scoreText: formatScore(c.score),
      pathText: c.path.join(' → '),
      evidence: c.evidence,
      ...(why !== undefined ? { whyLower: why } : {}),
      queries: c.evidenceQueries ?? [],
    };
  });
}

function frameField(frame: NodeGraphFrameJson | undefined, name: string): Array<string | number | null> {
  return frame?.fields.find((f) => f.name === name)?.values ?? [];
}

/** Nodes and edges: the plain graph when the sidecar sends it, otherwise read back from the Node Graph frames. */
export function graphOf(response: { graph?: RcaResponse['graph']; frames: RcaResponse['frames'] }): GraphInput {
  if (response.graph) {
    return response.graph;
  }
  const nodesFrame = response.frames.find((f) => f.name === 'nodes');
  const edgesFrame = response.frames.find((f) => f.name === 'edges');
  const sources = frameField(edgesFrame, 'source');
  const targets = frameField(edgesFrame, 'target');
  return {
    nodes: frameField(nodesFrame, 'id').map((id) => ({ id: String(id) })),
    edges: sources.map((s, i) => ({ source: String(s), target: String(targets[i]) })),
  };
}

/** Per service the strongest of its latency, error and memory anomaly scores (0..1), as the ranking counts it. */
export function serviceScores(response: Pick<RcaResponse, 'evidence'>): Map<string, number> {
  return new Map(
    response.evidence.map((e) => [e.service, Math.max(e.latencyScore, e.errorScore, e.resourceScore ?? 0)])
  );
}

/** The path to highlight: the top candidate's, when there is one. */
export function highlightedPath(response: Pick<RcaResponse, 'candidates'>): string[] {
  return response.candidates[0]?.path ?? [];
}

/** The symptom's own SLI series to open in Explore (from its candidate entry, when it is one). */
export function symptomQuery(
  response: Pick<RcaResponse, 'symptom' | 'candidates'>,
  sli: RcaSli
): RcaEvidenceQuery | undefined {
  const own = response.candidates.find((c) => c.service === response.symptom);
  return own?.evidenceQueries?.find((q) => q.signal === sli);
}

export const SLI_LABEL: Readonly<Record<RcaSli, string>> = { latency: 'latency', errors: 'error ratio' };

/** The request for the panel's options over a time range (Unix ms); the sidecar defaults what is left empty. */
export function buildRcaRequest(options: RcaPanelOptions, range: { fromMs: number; toMs: number }): RcaRequest {
  return {
    start: Math.round(range.fromMs),
    end: Math.round(range.toMs),
    ...(options.service ? { symptom: options.service } : {}),
    ...(options.latencyQuery ? { latencyQuery: options.latencyQuery } : {}),
    ...(options.errorQuery ? { errorQuery: options.errorQuery } : {}),
  };
}
