import React from 'react';
import type { AnnotationQuery, DataSourceApi, QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup, Stack, Text } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import type { SidecarQuery } from '../../../domain/query/types';
import type { SidecarJsonData } from '../settings';
import { ActionQueryFields } from './ActionQueryFields';
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { AnomalyQueryFields } from './AnomalyQueryFields';

export type AnnotationQueryEditorProps = QueryEditorProps<
  DataSourceApi<SidecarQuery, SidecarJsonData>,
  SidecarQuery,
  SidecarJsonData
> & {
  annotation?: AnnotationQuery<SidecarQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<SidecarQuery>) => void;
};

type AnnotationKind = 'anomalies' | 'actions';

const KIND_OPTIONS: Array<{ label: string; value: AnnotationKind; description: string }> = [
  { label: 'Anomalies', value: 'anomalies', description: 'Anomalous regions of the series of a PromQL query' },
  { label: 'Actions', value: 'actions', description: 'Applied and rolled-back remediation actions' },
];

const ids = testIds.sidecarDatasource.annotationEditor;

/**
 * Annotation query editor. Anomalies (the default, and what older annotations are): the series whose anomalies
 * should be marked (PromQL, optional step and threshold); every anomalous region becomes a region annotation.
 * Actions: applied actions become annotations at the time they took effect (a region up to the rollback when rolled
 * back), optionally for one service.
 */
export function AnnotationQueryEditor({ query, onChange, onRunQuery, datasource }: AnnotationQueryEditorProps) {
  const kind: AnnotationKind = query.queryType === 'actions' ? 'actions' : 'anomalies';
  return (
    <div data-testid={ids.container}>
      <Stack direction="column" gap={1}>
        <InlineFieldRow>
          <InlineField label="Mark" labelWidth={14}>
            <div data-testid={ids.kind}>
              <RadioButtonGroup<AnnotationKind>
                aria-label="Annotation kind"
                options={KIND_OPTIONS}
                value={kind}
                onChange={(value) => {
                  onChange({ ...query, queryType: value });
                  onRunQuery();
                }}
              />
            </div>
          </InlineField>
        </InlineFieldRow>
        {kind === 'anomalies' ? (
          <>
            <AnomalyQueryFields
              query={query}
              onChange={(patch) => onChange({ ...query, ...patch, queryType: 'anomalies' })}
              onRunQuery={onRunQuery}
              completion={(datasource as { completion?: PrometheusClient } | undefined)?.completion}
              idPrefix="aidpe-annotation"
              testIds={ids}
            />
            <Text color="secondary" variant="bodySmall">
              Each anomalous region (where the anomaly score passes the series&apos; threshold) is drawn as a region
              annotation, tagged <code>aidpe</code>, <code>anomaly</code> and its severity.
            </Text>
          </>
        ) : (
          <>
            <ActionQueryFields
              query={query}
              onChange={(patch) => onChange({ ...query, ...patch, queryType: 'actions' })}
              onRunQuery={onRunQuery}
              idPrefix="aidpe-annotation"
              testIds={ids}
              showStatus={false}
            />
            <Text color="secondary" variant="bodySmall">
              Each applied action is drawn when it took effect (a rolled-back one as a region up to its rollback),
              titled with the change and the policy, tagged <code>aidpe</code>, <code>action</code>, its status and its
              service.
            </Text>
          </>
        )}
      </Stack>
    </div>
  );
}
