import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { config } from '@grafana/runtime';
import {
  Alert,
  Badge,
  EmptyState,
  LinkButton,
  LoadingPlaceholder,
  Stack,
  Text,
  Tooltip,
  useStyles2,
} from '@grafana/ui';
import type { RcaEvidenceQuery, RcaRequest, RcaResponse } from '../../../api/types';
import { testIds } from '../../../components/testIds';
import { useRca } from '../../../hooks/useRca';
import { exploreUrl, LANGUAGE_LABEL, type ExploreLinkOptions } from '../explore';
import { candidateRows, graphOf, SLI_LABEL, symptomQuery, tierInfo, type CandidateRow } from '../model';
import type { ExploreDatasources, RcaSli } from '../types';
import { ServiceGraphPanel } from './ServiceGraphPanel';

const ids = testIds.rcaExplorer;

/** Height of the Node Graph under the ranking (it takes the container's width). */
const GRAPH_HEIGHT = 360;

export interface RcaExplorerProps {
  /** Undefined: nothing to explain yet (e.g. no time range). */
  request: RcaRequest | undefined;
  sli: RcaSli;
  datasources: ExploreDatasources;
}

/** Where Explore lives for this Grafana (sub-path) and the user's org. */
function linkOptions(): ExploreLinkOptions {
  const orgId = config.bootData?.user?.orgId;
  return { appSubUrl: config.appSubUrl ?? '', ...(typeof orgId === 'number' ? { orgId } : {}) };
}

/**
 * The RCA explorer: asks the sidecar for a ranking over the window and shows the answer first (the tier, the
 * narrative, the ranked candidates with their evidence, why each lower one ranks lower, and Explore links to
 * the exact queries behind the evidence), then the service graph in Grafana's Node Graph, coloured by how
 * unusual each service is, with the top candidate's path highlighted.
 */
export function RcaExplorer({ request, sli, datasources }: RcaExplorerProps) {
  const styles = useStyles2(getStyles);
  const { loading, response, error } = useRca(request);

  return (
    <div data-testid={ids.container} className={styles.container}>
      {!request && (
        <div data-testid={ids.empty}>
          <EmptyState variant="call-to-action" message="Pick a service and a time range to explain" hideImage />
        </div>
      )}
      {loading && (
        <div data-testid={ids.loading}>
          <LoadingPlaceholder text="Ranking root-cause candidates…" />
        </div>
      )}
      {!loading && error && (
        <Alert severity="error" title="Root-cause analysis failed" data-testid={ids.error}>
          {error}
        </Alert>
      )}
      {!loading && response && !error && <Answer response={response} sli={sli} datasources={datasources} />}
    </div>
  );
}

function Answer({
  response,
  sli,
  datasources,
}: {
  response: RcaResponse;
  sli: RcaSli;
  datasources: ExploreDatasources;
}) {
  const styles = useStyles2(getStyles);
  const tier = tierInfo(response.tier);
  const rows = useMemo(() => candidateRows(response), [response]);
  const graph = useMemo(() => graphOf(response), [response]);
  const links = linkOptions();
  const symptomLink = symptomQuery(response, sli);

  return (
    <Stack direction="column" gap={2}>
      <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
        <Tooltip content={tier.description}>
          <span data-testid={ids.tier}>
            <Badge color={tier.color} icon={tier.icon} text={tier.text} />
          </span>
        </Tooltip>
        <Text>
          Symptom: <strong>{response.symptom || 'unknown'}</strong> {SLI_LABEL[sli]}
        </Text>
        {symptomLink && (
          <LinkButton
            size="sm"
            variant="secondary"
            fill="text"
            icon="compass"
            href={exploreUrl(symptomLink, datasources, links)}
            data-testid={ids.symptomLink}
          >
            Open {SLI_LABEL[sli]} in Explore
          </LinkButton>
        )}
      </Stack>

      {response.tier === 'INCONCLUSIVE' ? (
        <Alert severity="info" title="Inconclusive: no single root cause stands out" data-testid={ids.narrative}>
          {response.explanation}
        </Alert>
      ) : (
        <div data-testid={ids.narrative} className={styles.narrative}>
          <Text>{response.explanation}</Text>
        </div>
      )}

      {(response.notes?.length || response.graphSourceDetail) && (
        <div data-testid={ids.notes}>
          <Text color="secondary" variant="bodySmall">
            {[
              response.graphSourceDetail ? `Call graph: ${response.graphSourceDetail}` : undefined,
              ...(response.notes ?? []),
            ]
              .filter(Boolean)
              .join(' · ')}
          </Text>
        </div>
      )}

      {rows.length > 0 ? (
        <ol data-testid={ids.candidates} className={styles.candidates}>
          {rows.map((row) => (
            <Candidate key={row.service} row={row} datasources={datasources} links={links} />
          ))}
        </ol>
      ) : (
        <div data-testid={ids.empty}>
          <EmptyState
            variant="completed"
            message={`No anomalous service downstream of ${response.symptom || 'the symptom'} in this window`}
            hideImage
          />
        </div>
      )}
      {graph.nodes.length > 0 ? (
        <ServiceGraphPanel response={response} height={GRAPH_HEIGHT} />
      ) : (
        <EmptyState variant="not-found" message="No traces in this window: the service graph is empty" hideImage />
      )}
    </Stack>
  );
}

const SIGNAL_LABEL: Readonly<Record<RcaEvidenceQuery['signal'], string>> = {
  latency: 'Latency',
  errors: 'Errors',
  memory: 'Memory',
  logs: 'Logs',
  traces: 'Traces',
};

function Candidate({
  row,
  datasources,
  links,
}: {
  row: CandidateRow;
  datasources: ExploreDatasources;
  links: ExploreLinkOptions;
}) {
  const styles = useStyles2(getStyles);
  return (
    <li data-testid={ids.candidate(row.service)} className={styles.candidate}>
      <Stack direction="row" gap={1} alignItems="baseline" wrap="wrap">
        <Text weight="bold">
          #{row.rank} {row.service}
        </Text>
        <Text color="secondary" variant="bodySmall">
          score {row.scoreText}
        </Text>
        <Text color="secondary" variant="bodySmall">
          {row.pathText}
        </Text>
      </Stack>
      {row.evidence.length > 0 && (
        <ul className={styles.evidence}>
          {row.evidence.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {row.whyLower && (
        <div data-testid={ids.whyLower(row.service)} className={styles.whyLower}>
          {row.whyLower}
        </div>
      )}
      {row.queries.length > 0 && (
        <Stack direction="row" gap={1} wrap="wrap">
          {row.queries.map((q) => (
            <Tooltip key={`${q.signal}:${q.query}`} content={<code>{q.query}</code>}>
              <LinkButton
                size="sm"
                variant="secondary"
                icon="compass"
                href={exploreUrl(q, datasources, links)}
                target="_blank"
                data-testid={ids.evidenceLink(row.service, q.signal)}
              >
                {SIGNAL_LABEL[q.signal]} ({LANGUAGE_LABEL[q.language]})
              </LinkButton>
            </Tooltip>
          ))}
        </Stack>
      )}
    </li>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  narrative: css({
    padding: theme.spacing(1),
    borderLeft: `3px solid ${theme.colors.primary.border}`,
    background: theme.colors.background.secondary,
  }),
  candidates: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  candidate: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    padding: theme.spacing(1),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  evidence: css({
    margin: 0,
    paddingLeft: theme.spacing(2),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  whyLower: css({
    fontSize: theme.typography.bodySmall.fontSize,
    fontStyle: 'italic',
    color: theme.colors.text.secondary,
  }),
});
