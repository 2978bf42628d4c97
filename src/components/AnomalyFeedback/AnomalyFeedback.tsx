import React, { useState } from 'react';
import { Button, ConfirmModal, Field, Stack, Text, TextArea } from '@grafana/ui';
import { anomalyFeedback } from '../../api/sidecarClient';
import type { AnomalyFeedbackRecord, FeedbackVerdict } from '../../api/types';
import { describeFeedback, VERDICT_LABEL, type RegionRow } from '../../domain/incidents/rows';
import { describeError } from '../../utils/errors';
import { testIds } from '../testIds';

export interface AnomalyFeedbackProps {
  region: Pick<RegionRow, 'id' | 'series' | 'start' | 'end' | 'severity'>;
  /** Latest feedback on the region, shown next to the buttons. */
  feedback?: AnomalyFeedbackRecord;
  /** Why the user cannot give feedback (role, no store); the buttons are disabled with this explanation. */
  disabledReason?: string;
  /** Called with the stored record after a successful submission. */
  onSubmitted?: (record: AnomalyFeedbackRecord) => void;
}

const ids = testIds.anomalyFeedback;

/**
 * "True positive" / "False positive" on one anomalous region: a confirmation with an optional reason, then
 * `POST /api/v1/anomalies/{id}/feedback` through the app's Editor-only proxy route. Shows the latest verdict
 * and how it moved the series' threshold.
 */
export function AnomalyFeedback({ region, feedback, disabledReason, onSubmitted }: AnomalyFeedbackProps) {
  const [verdict, setVerdict] = useState<FeedbackVerdict>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();

  const open = (v: FeedbackVerdict) => {
    setReason('');
    setError(undefined);
    setVerdict(v);
  };

  const submit = async () => {
    if (!verdict) {
      return;
    }
    try {
      const record = await anomalyFeedback(region.id, { verdict, reason });
      setVerdict(undefined);
      onSubmitted?.(record);
    } catch (err) {
      setVerdict(undefined);
      setError(describeError(err));
    }
  };

  const disabled = Boolean(disabledReason);
  // With a tooltip, a disabled Button stays hoverable (aria-disabled) so that the reason shows.
  const button = (v: FeedbackVerdict, testId: string, icon: 'check' | 'times') => (
    <Button
      size="sm"
      variant="secondary"
      fill="outline"
      icon={icon}
      disabled={disabled}
      tooltip={disabledReason}
      onClick={() => open(v)}
      data-testid={testId}
    >
      {VERDICT_LABEL[v]}
    </Button>
  );

  return (
    <div data-testid={ids.container(region.id)}>
      <Stack direction="column" gap={0.5}>
        <Stack direction="row" gap={1} alignItems="center">
          {button('true_positive', ids.truePositive(region.id), 'check')}
          {button('false_positive', ids.falsePositive(region.id), 'times')}
        </Stack>
        {feedback && (
          <Text color="secondary" variant="bodySmall" data-testid={ids.result(region.id)}>
            {describeFeedback(feedback)}
          </Text>
        )}
        {error && (
          <Text color="error" variant="bodySmall" data-testid={ids.error(region.id)}>
            {error}
          </Text>
        )}
      </Stack>
      <ConfirmModal
        isOpen={verdict !== undefined}
        title={verdict ? `Mark as ${VERDICT_LABEL[verdict].toLowerCase()}?` : ''}
        body={
          <Stack direction="column" gap={1}>
            <Text>
              {region.severity} anomaly on {region.series}, {region.start} to {region.end}.
            </Text>
            <Text color="secondary">
              {verdict === 'false_positive'
                ? 'A false positive raises this series’ threshold: fewer, stronger regions from now on.'
                : 'A true positive lowers this series’ threshold back: regions like this one keep being flagged.'}
            </Text>
            <Field label="Reason (optional)" noMargin>
              <TextArea
                id={`anomaly-feedback-reason-${region.id}`}
                value={reason}
                maxLength={2000}
                placeholder="e.g. planned load test"
                onChange={(e) => setReason(e.currentTarget.value)}
                data-testid={ids.reason}
              />
            </Field>
          </Stack>
        }
        confirmText={verdict ? `Mark as ${VERDICT_LABEL[verdict].toLowerCase()}` : 'Confirm'}
        confirmVariant="primary"
        onConfirm={submit}
        onDismiss={() => setVerdict(undefined)}
      />
    </div>
  );
}
