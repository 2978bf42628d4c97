import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import { anomalyBand, anomalyColor, BAND_THRESHOLDS } from '../colors';
import { layoutGraph, suggestedHeight, type GraphInput } from '../layout';

const ids = testIds.rcaExplorer;

interface Props {
  graph: GraphInput;
  root: string;
  scores: ReadonlyMap<string, number>;
  path: readonly string[];
  /** Drawing size; the SVG scales to its container's width. The height grows with the fullest column. */
  width: number;
  minHeight: number;
}

/**
 * The service graph, layered by call depth from the symptom service, each service filled by its anomaly score
 * and the top candidate's propagation path drawn in the primary colour.
 */
export function ServiceGraph({ graph, root, scores, path, width, minHeight }: Props) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const height = useMemo(() => suggestedHeight(graph, root, minHeight), [graph, root, minHeight]);
  const layout = useMemo(() => layoutGraph(graph, root, { width, height, path }), [graph, root, width, height, path]);
  const markerId = `rca-arrow-${root}`;
  const pathMarkerId = `${markerId}-path`;
  return (
    <div className={styles.wrapper}>
      <svg
        data-testid={ids.graph}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={`Service graph from ${root}, coloured by anomaly score`}
        className={styles.svg}
      >
        <defs>
          {[
            { id: markerId, color: theme.colors.border.strong },
            { id: pathMarkerId, color: theme.colors.primary.main },
          ].map((m) => (
            <marker
              key={m.id}
              id={m.id}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="6"
              markerHeight="6"
              orient="auto"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" fill={m.color} />
            </marker>
          ))}
        </defs>
        {layout.edges.map((e) => (
          <line
            key={e.id}
            data-testid={ids.graphEdge(e.id)}
            data-on-path={e.onPath}
            x1={e.x1}
            y1={e.y1}
            x2={e.x2}
            y2={e.y2}
            stroke={e.onPath ? theme.colors.primary.main : theme.colors.border.strong}
            strokeWidth={e.onPath ? 3 : 1}
            markerEnd={`url(#${e.onPath ? pathMarkerId : markerId})`}
          />
        ))}
        {layout.nodes.map((n) => {
          const score = scores.get(n.id);
          return (
            <g key={n.id} data-testid={ids.graphNode(n.id)} data-band={anomalyBand(score)} data-on-path={n.onPath}>
              <title>{`${n.id}: anomaly score ${score === undefined ? 'unknown' : score.toFixed(3)}`}</title>
              <circle
                cx={n.x}
                cy={n.y}
                r={layout.nodeRadius}
                fill={anomalyColor(score, theme)}
                stroke={n.onPath ? theme.colors.primary.main : theme.colors.border.medium}
                strokeWidth={n.onPath ? 3 : 1}
              />
              <text
                x={n.x}
                y={n.y + layout.nodeRadius + 12}
                textAnchor="middle"
                fill={theme.colors.text.primary}
                fontSize={theme.typography.bodySmall.fontSize}
                fontWeight={n.onPath ? theme.typography.fontWeightBold : theme.typography.fontWeightRegular}
              >
                {n.id}
              </text>
            </g>
          );
        })}
      </svg>
      <Legend />
    </div>
  );
}

function Legend() {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const items: Array<{ label: string; score: number | undefined }> = [
    { label: `< ${BAND_THRESHOLDS.elevated}`, score: 0 },
    { label: `≥ ${BAND_THRESHOLDS.elevated}`, score: BAND_THRESHOLDS.elevated },
    { label: `≥ ${BAND_THRESHOLDS.anomalous}`, score: BAND_THRESHOLDS.anomalous },
    { label: `≥ ${BAND_THRESHOLDS.critical}`, score: BAND_THRESHOLDS.critical },
    { label: 'no metrics', score: undefined },
  ];
  return (
    <div className={styles.legend}>
      <span>Anomaly score:</span>
      {items.map((i) => (
        <span key={i.label} className={styles.legendItem}>
          <span className={styles.swatch} style={{ background: anomalyColor(i.score, theme) }} />
          {i.label}
        </span>
      ))}
      <span className={styles.legendItem}>
        <span className={styles.pathSwatch} />
        propagation path
      </span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
  svg: css({
    display: 'block',
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
  }),
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1.5),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  legendItem: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  }),
  swatch: css({
    display: 'inline-block',
    width: 10,
    height: 10,
    borderRadius: '50%',
  }),
  pathSwatch: css({
    display: 'inline-block',
    width: 16,
    borderTop: `3px solid ${theme.colors.primary.main}`,
  }),
});
