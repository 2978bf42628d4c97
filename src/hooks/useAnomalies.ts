import { useCallback, useEffect, useState } from 'react';
import { anomalies, listAnomalyFeedback } from '../api/sidecarClient';
import type { AnomalyFeedbackRecord, AnomalyRequest, AnomalyResponse } from '../api/types';
import { latestFeedbackByRegion } from '../domain/incidents/rows';
import { describeError } from '../utils/errors';

export interface AnomaliesState {
  /** True while the latest request is in flight. */
  loading: boolean;
  /** Answer of the last request if it succeeded; stays visible while a new one is in flight. */
  response?: AnomalyResponse;
  /** Message of the last failure, if the latest settled request failed. */
  error?: string;
  /** Latest feedback per region id: what the sidecar had, plus what was given on this page since. */
  feedback: ReadonlyMap<string, AnomalyFeedbackRecord>;
  /** Record feedback just given, so that its row shows it. */
  addFeedback: (record: AnomalyFeedbackRecord) => void;
}

interface Settled {
  request: AnomalyRequest;
  response?: AnomalyResponse;
  error?: string;
}

/**
 * Runs `POST /api/v1/anomalies` whenever `request` changes (a new object: a new run), together with the feedback
 * given so far; a failing feedback list (e.g. no store) just shows no earlier feedback. Stale answers are ignored.
 */
export function useAnomalies(request: AnomalyRequest | undefined): AnomaliesState {
  const [settled, setSettled] = useState<Settled>();
  const [feedback, setFeedback] = useState<ReadonlyMap<string, AnomalyFeedbackRecord>>(new Map());

  useEffect(() => {
    if (!request) {
      return;
    }
    let cancelled = false;
    const earlier = listAnomalyFeedback().then(
      (list) => list.feedback,
      () => [] as AnomalyFeedbackRecord[]
    );
    Promise.all([anomalies(request), earlier]).then(
      ([response, records]) => {
        if (!cancelled) {
          setFeedback(latestFeedbackByRegion(records));
          setSettled({ request, response });
        }
      },
      (err: unknown) => {
        if (!cancelled) {
          setSettled({ request, error: describeError(err) });
        }
      }
    );
    return () => {
      cancelled = true;
    };
  }, [request]);

  const addFeedback = useCallback((record: AnomalyFeedbackRecord) => {
    setFeedback((prev) => new Map(prev).set(record.regionId, record));
  }, []);

  const current = settled?.request === request;
  return {
    loading: Boolean(request) && !current,
    response: settled?.response,
    error: current ? settled?.error : undefined,
    feedback,
    addFeedback,
  };
}
