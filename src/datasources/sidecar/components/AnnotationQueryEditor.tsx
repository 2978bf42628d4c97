import React from 'react';
import type { AnnotationQuery, DataSourceApi, QueryEditorProps } from '@grafana/data';
import { Stack, Text } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import type { SidecarJsonData, SidecarQuery } from '../types';
import { AnomalyQueryFields } from './AnomalyQueryFields';

export type AnnotationQueryEditorProps = QueryEditorProps<
  DataSourceApi<SidecarQuery, SidecarJsonData>,
  SidecarQuery,
  SidecarJsonData
> & {
  annotation?: AnnotationQuery<SidecarQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<SidecarQuery>) => void;
};

/**
 * Annotation query editor: the series whose anomalies should be marked (PromQL, optional step and threshold).
 * Every anomalous region of every series becomes a region annotation (start to end) titled with its severity.
 */
export function AnnotationQueryEditor({ query, onChange, onRunQuery }: AnnotationQueryEditorProps) {
  return (
    <div data-testid={testIds.sidecarDatasource.annotationEditor.container}>
      <Stack direction="column" gap={1}>
        <AnomalyQueryFields
          query={query}
          onChange={(patch) => onChange({ ...query, ...patch, queryType: 'anomalies' })}
          onRunQuery={onRunQuery}
          idPrefix="aidpe-annotation"
          testIds={testIds.sidecarDatasource.annotationEditor}
        />
        <Text color="secondary" variant="bodySmall">
          Each anomalous region (where the anomaly score passes the series&apos; threshold) is drawn as a region
          annotation, tagged <code>aidpe</code>, <code>anomaly</code> and its severity.
        </Text>
      </Stack>
    </div>
  );
}
