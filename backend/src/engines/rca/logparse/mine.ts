/**
 * One pass of a parser over content lines, each line then labelled with its cluster's final template (with
 * the line's own words at enumerated-constant positions, `Drain.lineTemplate`), as loghub's benchmark
 * labels lines. Pure: timing belongs to the caller.
 */
import type { Drain, LogCluster } from './drain.ts';

export interface MinedLines {
  templates: string[];
  eventIds: string[];
  /** Distinct live clusters the lines ended in. */
  clusters: number;
}

export function mineTemplates(contents: readonly string[], parser: Drain): MinedLines {
  const lineCluster = new Array<LogCluster>(contents.length);
  const lineTokens = new Array<string[]>(contents.length);
  for (let i = 0; i < contents.length; i++) {
    const r = parser.addLogMessage(contents[i]!);
    lineCluster[i] = r.cluster;
    lineTokens[i] = r.tokens;
  }
  const live = lineCluster.map((c) => parser.resolve(c));
  return {
    templates: live.map((c, i) => parser.lineTemplate(c, lineTokens[i]!)),
    eventIds: live.map((c) => `E${c.id}`),
    clusters: new Set(live).size,
  };
}
