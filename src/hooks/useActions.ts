import { useCallback, useEffect, useState } from 'react';
import { listActions } from '../api/sidecarClient';
import type { ActionList, ActionListQuery } from '../api/types';
import { describeError } from '../utils/errors';

export interface ActionsState {
  /** True until the first answer (or failure); later reloads keep the last list on screen. */
  loading: boolean;
  list?: ActionList;
  /** Message of the latest failure; cleared by the next success. */
  error?: string;
  /** Load again now (after a decision, or from a Refresh button). */
  reload: () => void;
}

/**
 * `GET /api/v1/actions` for `query`, again every `refreshSeconds` (0: only on demand). Answers to an older query or
 * from an unmounted component are dropped.
 */
export function useActions(query: ActionListQuery, refreshSeconds = 0, refreshKey = 0): ActionsState {
  const [list, setList] = useState<ActionList>();
  const [error, setError] = useState<string>();
  const [settled, setSettled] = useState(false);
  const [generation, setGeneration] = useState(0);
  // The query as a value, so that a new but equal object does not reload.
  const key = JSON.stringify(query);

  useEffect(() => {
    let cancelled = false;
    listActions(JSON.parse(key) as ActionListQuery).then(
      (answer) => {
        if (!cancelled) {
          setList(answer);
          setError(undefined);
          setSettled(true);
        }
      },
      (err: unknown) => {
        if (!cancelled) {
          setError(describeError(err));
          setSettled(true);
        }
      }
    );
    return () => {
      cancelled = true;
    };
  }, [key, generation, refreshKey]);

  useEffect(() => {
    if (!(refreshSeconds > 0)) {
      return;
    }
    const timer = setInterval(() => setGeneration((g) => g + 1), refreshSeconds * 1000);
    return () => clearInterval(timer);
  }, [refreshSeconds]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { loading: !settled, list, error, reload };
}
