import React from 'react';
import type { AnnotationQuery, DataSourceApi, QueryEditorProps } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, Input, Stack } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import type { SidecarJsonData, SidecarQuery } from '../types';

export type AnnotationQueryEditorProps = QueryEditorProps<
  DataSourceApi<SidecarQuery, SidecarJsonData>,
  SidecarQuery,
  SidecarJsonData
> & {
  annotation?: AnnotationQuery<SidecarQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<SidecarQuery>) => void;
};

/**
 * Annotation query editor: the series whose anomalies should be marked. The anomaly engine fills these
 * annotations in; until it lands the query runs and returns no events, with a notice.
 */
export function AnnotationQueryEditor({ query, onChange }: AnnotationQueryEditorProps) {
  return (
    <div data-testid={testIds.sidecarDatasource.annotationEditor.container}>
      <Stack direction="column" gap={1}>
        <InlineFieldRow>
          <InlineField label="PromQL" labelWidth={14} grow tooltip="Series to mark anomalies on">
            <Input
              id="aidpe-annotation-expr"
              data-testid={testIds.sidecarDatasource.annotationEditor.expr}
              value={query.expr ?? ''}
              placeholder='aidpe_sim_request_rate{service="frontend"}'
              onChange={(e) => onChange({ ...query, queryType: 'anomalies', expr: e.currentTarget.value })}
            />
          </InlineField>
        </InlineFieldRow>
        <Alert severity="info" title="Not available yet: the anomaly engine has not landed">
          Anomaly annotations appear here once the sidecar ships its anomaly engine; until then this annotation returns
          no events.
        </Alert>
      </Stack>
    </div>
  );
}
